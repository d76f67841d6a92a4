# sandbox-harness: workload
# id: wl.exit-code
# expect-exit: 3
# expect-stdout: exiting with 3
# summary: prints a line and exits with status 3, which the launcher must pass through unchanged
import sys

print("exiting with 3")
sys.exit(3)
