# sandbox-harness: workload
# id: wl.hello
# image: all
# tags: smoke
# expect-stdout: hello, world
# summary: prints hello, world
print("hello, world")
