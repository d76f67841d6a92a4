# sandbox-harness: probe
# id: chaos.waits-to-be-killed
# family: resource
# controls: memory
# expect: killed
# timeout: 20
# summary: sleeps until someone kills it; a memory probe killed from outside must not count as contained
import time

time.sleep(8)
print('SANDBOX-PROBE {"escaped": false, "detail": "nobody came"}')
