# sandbox-harness: probe
# id: res.thread-bomb
# family: resource
# controls: pids
# expect: report
# image: all
# summary: starts blocked threads until creation fails, 1000 run at once, or 5 s pass; escaped past the pids limit of 64 without a failure
"""Thread bomb with a ceiling.

Threads count against the pids limit like processes. Each thread waits on one Event with a 20 s
timeout, so it ends on its own; the probe stops at CEILING threads (or after 5 s), sets the Event
and joins them all.
"""
import json
import sys
import threading
import time

CEILING = 1000
DEADLINE_S = 5.0
LIMIT = 64  # the launcher's pids limit (threads count as tasks): passing it without a failure is an escape too


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    threading.stack_size(256 * 1024)
    stop = threading.Event()
    threads = []
    failure = None
    t0 = time.monotonic()
    while len(threads) < CEILING and time.monotonic() - t0 < DEADLINE_S:
        t = threading.Thread(target=stop.wait, args=(20,), daemon=True)
        try:
            t.start()
        except RuntimeError as e:
            failure = str(e)
            break
        threads.append(t)
    elapsed = time.monotonic() - t0
    stop.set()
    for t in threads:
        t.join(5)
    n = len(threads)
    escaped = n >= CEILING or (failure is None and n > LIMIT)
    if escaped:
        detail = "%d threads alive at once and creation never failed: no task limit stopped the thread bomb" % n
    elif failure:
        detail = "thread creation failed after %d threads: %s" % (n, failure)
    else:
        detail = "stopped by the %.0f s deadline after %d threads" % (DEADLINE_S, n)
    report(escaped, detail, threads=n, error=failure, ceiling=CEILING, seconds=round(elapsed, 3))


main()
