# sandbox-harness: workload
# id: chaos.spins-a-cpu-second
# timeout: 6
# expect-stdout: spun
# summary: a benign workload that needs one second of CPU: done in well under its 6 s timeout on a quiet host, out of time on one the chaos command has overloaded
import time

while time.process_time() < 1.0:
    pass
print("spun")
