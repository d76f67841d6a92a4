# sandbox-harness: workload
# id: chaos.says-hello
# expect-stdout: hello from the sandbox
# summary: the quickest benign case: one container start, one line out
print("hello from the sandbox")
