# sandbox-harness: probe
# id: lie.oom-child-then-crashes
# family: resource
# controls: memory
# expect: report
# summary: forks a child for the memory limit to kill, then crashes with exit 1 and no report: the probe broke, the OOM kill of its child is not what stopped it
import os

pid = os.fork()
if pid == 0:
    hog = []
    while True:
        hog.append(b"\x01" * (8 << 20))
os.waitpid(pid, 0)
raise RuntimeError("the probe broke after its child was killed")
