# sandbox-harness: probe
# id: res.cpu-spin
# family: resource
# controls: cpus
# expect: report
# image: all
# summary: spins 4 processes for 1.5 s and computes effective CPUs from CPU time over wall time; escaped above 1.2 (limit 1 x 1.2)
"""CPU quota check.

Python threads share one interpreter lock, so the spinners are processes. Each spins for SPIN_S of
wall time; the parent reads the children's user+system time. effective = cpu_time / wall. With
`--cpus 1` the CFS quota keeps it near 1.0; without it, it reaches the host's CPU count (when the
host has at least two). The threshold is the configured limit (1) times 1.2.

The measurement needs idle host CPUs to show an escape: on a busy host an unlimited container may
still get only one CPU. So the cgroup's own quota, read from inside, is a second witness: no quota
at all on a host with more than one CPU also counts as escaped (a quota that cannot be read does
not).
"""
import json
import os
import resource
import sys
import time

WORKERS = 4
SPIN_S = 1.5
THRESHOLD = 1.2


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


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


def main():
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    pids = []
    for _ in range(WORKERS):
        pid = os.fork()
        if pid == 0:
            end = time.monotonic() + SPIN_S
            x = 0
            while time.monotonic() < end:
                x += 1
            os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    effective = cpu / wall
    q = quota()
    online = os.cpu_count() or 1
    measured = effective > THRESHOLD
    unlimited = q == "unlimited" and online > THRESHOLD
    detail = "%d spinners used %.2f CPU-seconds in %.2f s: %.2f effective CPUs (threshold %.1f)" % (
        WORKERS, cpu, wall, effective, THRESHOLD)
    if unlimited and not measured:
        detail += "; the cgroup has no CPU quota on a %d-CPU host" % online
    report(measured or unlimited, detail, effective_cpus=round(effective, 3), cpu_seconds=round(cpu, 3),
           wall_seconds=round(wall, 3), cgroup_quota_cpus=q, online_cpus=online)


main()
