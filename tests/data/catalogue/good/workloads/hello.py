# sandbox-harness: workload
# id: hello
# expect-stdout: hello\nworld
# tags: smoke
# summary: prints two lines
print("hello\nworld")
