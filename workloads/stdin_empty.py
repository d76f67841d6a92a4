# sandbox-harness: workload
# id: wl.stdin-empty
# expect-stdout: stdin: ''
# summary: reads stdin to the end; the launcher gives the script an empty stdin, so it returns at once
import sys

print("stdin: %r" % sys.stdin.read())
