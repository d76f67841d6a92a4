# sandbox-harness: probe
# id: res.cpu-spin
# family: resource
# controls: cpus
# expect: report
# image: all
# summary: spins 4 processes for 1.5 s and computes effective CPUs from CPU time (under an interposed kernel, their own clock) over wall time; escaped above 1.2 (limit 1 x 1.2)
"""CPU quota check.

Python threads share one interpreter lock, so the spinners are processes. Each spins for SPIN_S of
wall time; the parent reads the children's user+system time. effective = cpu_time / wall. With
`--cpus 1` the CFS quota keeps it near 1.0; without it, it reaches the host's CPU count (when the
host has at least two). The threshold is the configured limit (1) times 1.2.

The measurement needs idle host CPUs to show an escape: on a busy host an unlimited container may
still get only one CPU. So the cgroup's own quota, read from inside, is a second witness: no quota
at all on a host with more than one CPU also counts as escaped (a quota that cannot be read does
not).

Each spinner also keeps its own account: the wall time it spun less every pause of more than GAP_S
between two clock readings, i.e. the time it ran. Under Linux the two agree. A runtime that
interposes a kernel of its own answers getrusage with that kernel's estimate (gVisor's ptrace
platform counts a task's runnable time, waiting for a host CPU included: 2-3.5 CPUs reported while
the container's cpuacct showed one), so there the spinners' own account decides. The host's cpuacct
of the container is the outside witness the harness could read.
"""
import json
import os
import resource
import sys
import time

WORKERS = 4
SPIN_S = 1.5
THRESHOLD = 1.2
GAP_S = 0.0002  # a longer pause between two clock readings is time the spinner was not running


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


# Linux numbers namespace inodes from 0xEFFFFFFA up (fixed ones for the initial namespaces, then
# 0xF0000000 on); an application kernel that the runtime puts between the script and the host's
# (gVisor's Sentry) numbers them its own way, from 1.
LINUX_NS_INODES = 0xE0000000


def answering_kernel():
    """Whose kernel answers this script's system calls: the host's Linux, or one the runtime
    interposes. Namespaces that cannot be read count as the host's, so the strong claim stands."""
    inodes = {}
    for ns in ("pid", "user", "net"):
        try:
            link = os.readlink("/proc/self/ns/" + ns)
            inodes[ns] = int(link[link.index("[") + 1:link.index("]")])
        except (OSError, ValueError):
            pass
    interposed = bool(inodes) and all(i < LINUX_NS_INODES for i in inodes.values())
    return {"interposed": interposed, "ns_inodes": inodes, "release": os.uname().release}


def kernel_claim(kernel):
    """The claim a report makes about the host (attacks/README.md, "Host claims"): the release of
    the kernel it reached, and whether that is the host's; the harness knows the host's own."""
    return {"kernel_release": {"seen": kernel["release"], "is_host": not kernel["interposed"]}}


def quota():
    """CPUs allowed by the cgroup quota: a number, "unlimited", or "unknown"."""
    try:
        with open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") as q, open("/sys/fs/cgroup/cpu/cpu.cfs_period_us") as p:
            qv, pv = int(q.read()), int(p.read())
        return "unlimited" if qv < 0 else round(qv / float(pv), 3)
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            q, p = f.read().split()
        return "unlimited" if q == "max" else round(int(q) / float(p), 3)
    except (OSError, ValueError):
        return "unknown"


def spin(w):
    """Spins SPIN_S of wall time, then writes the seconds it ran by its own clock: the wall time
    less every gap of more than GAP_S between two readings (time it was not running)."""
    start = last = time.monotonic()
    end = start + SPIN_S
    off = 0.0
    while last < end:
        t = time.monotonic()
        if t - last > GAP_S:
            off += t - last
        last = t
    os.write(w, b"%.6f\n" % ((last - start) - off))


def main():
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r, w = os.pipe()
    t0 = time.monotonic()
    pids = []
    for _ in range(WORKERS):
        pid = os.fork()
        if pid == 0:
            try:
                os.close(r)
                spin(w)
            finally:
                os._exit(0)
        pids.append(pid)
    os.close(w)
    for pid in pids:
        os.waitpid(pid, 0)
    wall = time.monotonic() - t0
    with os.fdopen(r) as f:
        ran = sum(float(x) for x in f.read().split())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    kernel = answering_kernel()
    # An interposed kernel's CPU accounting is its own estimate (gVisor's ptrace platform counts the
    # time a task is runnable, waiting for a host CPU too); the spinners' own clock is not.
    used, witness = (ran, "by the spinners' own clock") if kernel["interposed"] else (cpu, "by the kernel's accounting")
    effective = used / wall
    q = quota()
    online = os.cpu_count() or 1
    measured = effective > THRESHOLD
    unlimited = q == "unlimited" and online > THRESHOLD
    detail = "%d spinners ran %.2f CPU-seconds in %.2f s %s: %.2f effective CPUs (threshold %.1f)" % (
        WORKERS, used, wall, witness, effective, THRESHOLD)
    if kernel["interposed"]:
        detail += "; the runtime's own kernel (Linux %s as it calls itself) accounted %.2f" % (kernel["release"], cpu)
    if unlimited and not measured:
        detail += "; the cgroup has no CPU quota on a %d-CPU host" % online
    report(measured or unlimited, detail, effective_cpus=round(effective, 3), cpu_seconds=round(cpu, 3),
           ran_seconds=round(ran, 3), wall_seconds=round(wall, 3), cgroup_quota_cpus=q, online_cpus=online,
           answering_kernel=kernel, host_claims=kernel_claim(kernel))


main()
