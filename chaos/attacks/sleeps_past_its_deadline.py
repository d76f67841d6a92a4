# sandbox-harness: probe
# id: chaos.sleeps-past-its-deadline
# family: timeout
# controls: timeout
# expect: timeout
# timeout: 4
# summary: sleeps 100 s under a 4 s timeout; with its launcher killed, only the deadline inside the container ends it
import time

time.sleep(100)
print('SANDBOX-PROBE {"escaped": true, "detail": "slept 100 s past a 4 s timeout"}')
