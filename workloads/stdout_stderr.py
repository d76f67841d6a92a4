# sandbox-harness: workload
# id: wl.stdout-stderr
# tags: smoke
# expect-stdout: to stdout 1\nto stdout 2
# summary: interleaves lines on stdout and stderr; only stdout is compared, so stderr must not leak into it
import sys

print("to stdout 1", flush=True)
print("to stderr 1", file=sys.stderr, flush=True)
print("to stdout 2", flush=True)
print("to stderr 2", file=sys.stderr, flush=True)
