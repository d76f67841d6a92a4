# sandbox-harness: workload
# id: net.tcp
# expect-exit: 0
# summary: same id as a_typo.py, which fails for other reasons
