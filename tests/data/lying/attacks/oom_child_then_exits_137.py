# sandbox-harness: probe
# id: lie.oom-child-then-exits-137
# family: resource
# controls: memory
# expect: killed
# summary: forks a child for the memory limit to kill, then exits 137 itself, as if the kernel had killed it too
import os
import sys

pid = os.fork()
if pid == 0:
    hog = []
    while True:
        hog.append(b"\x01" * (8 << 20))
os.waitpid(pid, 0)
sys.exit(137)
