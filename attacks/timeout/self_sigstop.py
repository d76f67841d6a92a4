# sandbox-harness: probe
# id: timeout.self-sigstop
# family: timeout
# controls: timeout
# expect: timeout
# image: all
# timeout: 2
# summary: stops itself with SIGSTOP (or, as PID 1, a child it waits for) until a helper sends SIGCONT after 8 s; contained when the timeout kills the stopped container
"""A stopped process does not run, exit or react to SIGTERM: only SIGKILL removes it. The probe
forks a waker that sends SIGCONT after BOUND_S (so it always ends by itself), then stops itself.
A namespace's PID 1 cannot be stopped by a signal from inside, so when the probe is PID 1 (a
launcher that runs the script as the container's init; the default launcher's PID 1 is its
in-container deadline, coreutils `timeout`) it stops a child instead and blocks waiting for it.
"""
import json
import os
import signal
import sys
import time

BOUND_S = 8.0


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def waker(target):
    pid = os.fork()
    if pid == 0:
        time.sleep(BOUND_S)
        try:
            os.kill(target, signal.SIGCONT)
        except OSError:
            pass
        os._exit(0)
    return pid


def main():
    t0 = time.monotonic()
    me = os.getpid()
    if me != 1:
        helper = waker(me)
        os.kill(me, signal.SIGSTOP)
        stopped = "itself"
    else:
        child = os.fork()
        if child == 0:
            os.kill(os.getpid(), signal.SIGSTOP)
            os._exit(0)
        helper = waker(child)
        os.waitpid(child, 0)
        stopped = "a child (the probe is PID 1)"
    os.waitpid(helper, 0)
    report(True, "stopped %s and resumed after %.1f s on its own: no timeout stopped it" % (
        stopped, time.monotonic() - t0), stopped=stopped)


main()
