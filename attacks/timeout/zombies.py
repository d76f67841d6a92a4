# sandbox-harness: probe
# id: timeout.zombies
# family: timeout
# controls: timeout
# expect: timeout
# image: all
# timeout: 2
# summary: makes 20 children that exit at once and are never reaped, then waits 8 s; contained when the timeout removes the container with its zombies
"""Zombies. Unreaped children keep their pid (and a pids-limit slot) until their parent reaps them
or dies. The timeout must remove the container with them. Bounded: it reaps them all after
BOUND_S if nothing killed it first."""
import json
import os
import sys
import time

BOUND_S = 8.0
CHILDREN = 20


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    pids = []
    for _ in range(CHILDREN):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        pids.append(pid)
    time.sleep(0.2)
    zombies = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                zombies += f.read().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            pass
    t0 = time.monotonic()
    time.sleep(BOUND_S)
    for pid in pids:
        os.waitpid(pid, 0)
    report(True, "kept %d zombies for %.1f s and finished on its own: no timeout stopped it" % (
        zombies, time.monotonic() - t0), zombies=zombies)


main()
