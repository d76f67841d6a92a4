# sandbox-harness: workload
#  id: net.tcp
# expect-exit: 3
# summary: same id as c_duplicate.py
