# sandbox-harness: probe
# id: timeout.sleep
# family: timeout
# controls: timeout
# expect: timeout
# image: all
# timeout: 2
# summary: sleeps 8 s without using CPU; contained when the 2 s launcher timeout kills it first
"""An idle script: a CPU limit never stops it, only the wall-clock timeout does. Bounded by
itself at BOUND_S."""
import json
import sys
import time

BOUND_S = 8.0


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    t0 = time.monotonic()
    time.sleep(BOUND_S)
    report(True, "slept %.1f s and finished on its own: no timeout stopped it" % (time.monotonic() - t0))


main()
