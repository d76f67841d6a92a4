# sandbox-harness: probe
# id: timeout.double-fork
# family: timeout
# controls: timeout
# expect: timeout
# image: all
# timeout: 2
# summary: leaves a daemonized grandchild (setsid, double fork, ignoring SIGTERM/SIGHUP) and waits 8 s; contained when the timeout removes the container with the grandchild
"""Escaping the process tree.

A classic daemon detaches from its parent (fork, setsid, fork again) so that killing the parent
does not kill it. The launcher's timeout must take the whole container down, grandchild included;
the harness checks for leftover containers and processes afterwards. The grandchild lives at most
GRANDCHILD_S and the main process waits at most BOUND_S, so nothing outlives a profile without a
timeout either (the container's end kills the grandchild in any case).
"""
import json
import os
import signal
import sys
import time

BOUND_S = 8.0
GRANDCHILD_S = 10.0


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                signal.signal(s, signal.SIG_IGN)
            os.write(w, b"%d\n" % os.getpid())
            os.close(w)
            time.sleep(GRANDCHILD_S)
            os._exit(0)
        os._exit(0)
    os.close(w)
    grandchild = int(os.read(r, 32) or b"0")
    os.close(r)
    os.waitpid(pid, 0)
    t0 = time.monotonic()
    time.sleep(BOUND_S)
    alive = grandchild > 0 and os.path.exists("/proc/%d" % grandchild)
    report(True, "waited %.1f s with a detached grandchild (pid %d, alive %s): no timeout stopped it" % (
        time.monotonic() - t0, grandchild, alive), grandchild=grandchild, grandchild_alive=alive)


main()
