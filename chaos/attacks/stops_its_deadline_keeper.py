# sandbox-harness: probe
# id: chaos.stops-its-deadline-keeper
# family: timeout
# controls: timeout
# expect: timeout
# timeout: 4
# summary: ignores SIGTERM, SIGINT and SIGHUP, signals PID 1 (the deadline keeper) with them and SIGSTOP, then sleeps 100 s under a 4 s timeout; with its launcher killed, only a keeper it cannot stop ends it
import os
import signal
import time

for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, signal.SIG_IGN)
# runc's kernel drops SIGSTOP to a namespace's init from inside; gVisor delivers it. The others
# reach timeout(1)'s handlers, which pass them on to this script, which ignores them.
for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGSTOP):
    try:
        os.kill(1, s)
    except OSError as e:
        print(f"kill(1, {s.name}): {e}", flush=True)
time.sleep(0.2)
state = open("/proc/1/stat").read().rsplit(")", 1)[1].split()[0]
print(f"PID 1 state after the signals: {state}", flush=True)
time.sleep(100)
print('SANDBOX-PROBE {"escaped": true, "detail": "slept 100 s past a 4 s timeout with PID 1 signalled"}')
