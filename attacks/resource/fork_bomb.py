# sandbox-harness: probe
# id: res.fork-bomb
# family: resource
# controls: pids, memory
# expect: report
# image: all
# summary: forks sleeping children until fork fails, 160 are alive at once, or 6 s pass; escaped past the pids limit of 64 without a fork failure
"""Fork bomb with a ceiling.

Every child blocks on a pipe the parent holds open and arms a 20 s alarm, so it dies even if the
parent is killed first (closing the pipe also wakes it). The parent stops at CEILING live children
(or after DEADLINE_S: forking is slow on small busy hosts), kills and reaps them all. With the pids
limit (64) fork fails with EAGAIN before the 64th child; more than 64 children alive with no fork
failure is the escape.

Under gVisor (profiles/runsc.env) the pids cgroup counts the runtime's own host threads, not the
script's processes, so the task limit is RLIMIT_NPROC (`nproc=64:64`), which gVisor's kernel counts
per sandbox: fork fails with EAGAIN after 62 children as under runc. Each of its processes costs the
runtime about 4.5 MiB of the container's memory, though (62 children: 295 MiB at the peak; under
runc 22 MiB), so at 256m the memory limit stops the bomb first: an OOM kill of the container is
containment by `memory`, hence the second control.
"""
import errno
import json
import os
import resource
import signal
import sys
import time

CEILING = 160
DEADLINE_S = 6.0
LIMIT = 64  # the launcher's pids limit: passing it without a fork failure is an escape too


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def pids_max():
    try:
        with open("/sys/fs/cgroup/pids/pids.max") as f:
            return f.read().strip()
    except OSError:
        return None


def nproc():
    soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    return None if soft == resource.RLIM_INFINITY else soft


def main():
    r, w = os.pipe()
    children = []
    failure = None
    t0 = time.monotonic()
    while len(children) < CEILING and time.monotonic() - t0 < DEADLINE_S:
        try:
            pid = os.fork()
        except OSError as e:
            failure = errno.errorcode.get(e.errno, str(e.errno))
            break
        if pid == 0:
            try:
                signal.alarm(20)
                os.close(w)
                os.read(r, 1)
            finally:
                os._exit(0)
        children.append(pid)
    elapsed = time.monotonic() - t0
    os.close(w)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for pid in children:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    n = len(children)
    escaped = n >= CEILING or (failure is None and n > LIMIT)
    if escaped:
        detail = "%d children alive at once and fork never failed: no process limit stopped the fork bomb" % n
    else:
        detail = "fork failed with %s after %d children" % (failure, n) if failure else \
            "stopped by the %.0f s deadline after %d children" % (DEADLINE_S, n)
    report(escaped, detail, children=n, fork_error=failure, ceiling=CEILING,
           seconds=round(elapsed, 3), pids_max=pids_max(), rlimit_nproc=nproc())


main()
