# sandbox-harness: probe
# id: timeout.cpu-loop
# family: timeout
# controls: timeout
# expect: timeout
# image: all
# timeout: 2
# tags: smoke
# summary: spins on the CPU for 8 s of wall time; contained when the 2 s launcher timeout kills it first
"""A CPU loop. It stops by itself after BOUND_S (four times the case's timeout), so a profile
without a timeout cannot hang; finishing on its own is the escape, reported as such."""
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
    n = 0
    while time.monotonic() - t0 < BOUND_S:
        n += 1
    report(True, "spun for %.1f s and finished on its own: no timeout stopped it" % (time.monotonic() - t0),
           iterations=n)


main()
