# sandbox-harness: probe
# id: timeout.blocked-read
# family: timeout
# controls: timeout
# expect: timeout
# image: all
# timeout: 2
# summary: reads stdin, then blocks reading a pipe nobody writes to, for 8 s at most; contained when the launcher timeout kills it
"""A script blocked in read(2).

The launcher gives the script /dev/null (or nothing) as stdin, so reading it returns at once; the
probe records what stdin was and then blocks on a pipe it created and never writes to. An alarm
ends the read after BOUND_S, so a profile without a timeout cannot hang.
"""
import json
import os
import signal
import sys
import time

BOUND_S = 8


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


class Bound(Exception):
    pass


def on_alarm(signum, frame):
    raise Bound()


def main():
    try:
        stdin = os.readlink("/proc/self/fd/0")
    except OSError:
        stdin = "closed"
    signal.signal(signal.SIGALRM, on_alarm)
    t0 = time.monotonic()
    signal.alarm(BOUND_S)
    try:
        first = sys.stdin.buffer.read(1) if stdin != "closed" else b""
        r, w = os.pipe()
        os.read(r, 1)
    except Bound:
        pass
    signal.alarm(0)
    report(True, "blocked %.1f s in read(2) and finished on its own: no timeout stopped it" % (time.monotonic() - t0),
           stdin=stdin)


main()
