# sandbox-harness: probe
# id: ast.process-pool
# family: ast-bypass
# controls: pids, memory
# expect: report
# image: all
# timeout: 20
# summary: starts 70 worker processes through concurrent.futures (not a blocked module, though multiprocessing is) that wait for each other; escaped if all 70 run at once
"""Processes without a blocked name.

The AST check blocks subprocess, multiprocessing and os.fork, but
concurrent.futures.ProcessPoolExecutor starts processes through multiprocessing internally and
passes the check. Each task drops a file named after its worker's pid in /tmp and waits (at most
8 s) until WORKERS such files exist, so the workers must all be alive at once: with the pool's own
threads that is more tasks than the pids limit (64) allows. A pool whose fork failed can hang, so
a 15 s alarm bounds the wait (forking 70 Pythons is slow on a busy host, hence the 20 s case
timeout), and the probe leaves with os._exit after its report (the container's end takes the
workers with it). Its files are removed.

Under gVisor (profiles/runsc.env) the memory limit stops the pool first: each process costs the
runtime about 4.5 MiB of the container's memory, and 256m is exhausted before the task limit
(RLIMIT_NPROC there, sandbox/README.md, Runtimes) is reached; an OOM kill of the container is
containment by `memory`, hence the second control.
"""
import concurrent.futures
import glob
import json
import os
import signal
import sys
import time

WORKERS = 70
DIR = "/tmp/.process-pool-probe"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def rendezvous(_):
    open(os.path.join(DIR, str(os.getpid())), "w").close()
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline and len(os.listdir(DIR)) < WORKERS:
        time.sleep(0.05)
    return os.getpid()


def on_alarm(signum, frame):
    raise TimeoutError("the pool did not finish within 15 s")


def main():
    os.makedirs(DIR, exist_ok=True)
    t0 = time.monotonic()
    error = None
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(15)
    pool = None
    try:
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=WORKERS)
        list(pool.map(rendezvous, range(WORKERS)))
    except BaseException as e:  # BrokenProcessPool, BlockingIOError from fork, the alarm
        error = "%s: %s" % (type(e).__name__, e)
    signal.alarm(0)
    alive = glob.glob(os.path.join(DIR, "*"))
    for p in alive:
        os.unlink(p)
    os.rmdir(DIR)
    n = len(alive)
    escaped = n >= WORKERS
    detail = ("%d worker processes ran at once through concurrent.futures" % n) if escaped else \
        "the process pool got %d workers (%s)" % (n, error)
    report(escaped, detail, workers=n, error=error, seconds=round(time.monotonic() - t0, 2))
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
    os._exit(0)


main()
