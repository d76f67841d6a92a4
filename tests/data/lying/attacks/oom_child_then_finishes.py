# sandbox-harness: probe
# id: lie.oom-child-then-finishes
# family: timeout
# controls: timeout, memory
# expect: timeout
# timeout: 4
# summary: forks a child for the memory limit to kill, then finishes on its own within its timeout (exit 0): the container's OOM kill is not the script's, so this is an escape of the timeout control
import os
import sys

pid = os.fork()
if pid == 0:
    hog = []
    while True:
        hog.append(b"\x01" * (8 << 20))
_, status = os.waitpid(pid, 0)
print(f"child ended with status {status}", flush=True)
sys.exit(0)
