# sandbox-harness: probe
# id: chaos.sleeps-for-minutes
# family: timeout
# controls: timeout
# expect: timeout
# timeout: 120
# summary: sleeps far longer than any chaos check waits; only the harness or its launcher ends it early
import time

time.sleep(110)
print('SANDBOX-PROBE {"escaped": true, "detail": "slept 110 s and was not stopped"}')
