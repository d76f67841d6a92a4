# sandbox-harness: probe
# id: timeout.sigterm-ignored
# family: timeout
# controls: timeout
# expect: timeout
# image: all
# timeout: 2
# summary: ignores SIGTERM, SIGINT and SIGHUP and sleeps 8 s; contained only if the launcher escalates to SIGKILL
"""A script that ignores polite signals. A launcher that only sends SIGTERM at the deadline (or
`docker stop` with a long grace period) would let it run on; the container must be killed.
(The container's PID 1 is the launcher's in-container deadline, coreutils `timeout`, so the script
is an ordinary process that would die of SIGTERM without these handlers; under a launcher that runs
it as PID 1 the kernel would not deliver default-action signals to it anyway.) Bounded by itself
at BOUND_S."""
import json
import signal
import sys
import time

BOUND_S = 8.0


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    received = []
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, lambda signum, frame: received.append(signal.Signals(signum).name))
    t0 = time.monotonic()
    while time.monotonic() - t0 < BOUND_S:
        time.sleep(0.1)
    report(True, "finished on its own after %.1f s (signals received and ignored: %s): no timeout stopped it" % (
        time.monotonic() - t0, ", ".join(received) or "none"), signals_ignored=received)


main()
