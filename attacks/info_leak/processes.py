# sandbox-harness: probe
# id: info.processes
# family: info-leak
# controls: isolation
# expect: report
# image: all
# tags: smoke
# summary: lists the processes visible in /proc and compares their cgroup with its own; escaped if any process of another container or the host is visible
"""Other processes.

A private PID namespace shows only the container's own processes. With the host's PID namespace
every process of the host and of other containers appears, with its command line and often its
environment. A process counts as foreign when its /proc/PID/cgroup differs from the probe's own
(or cannot be read). Only names (comm) of up to 20 foreign processes are reported.
"""
import json
import os
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def main():
    mine = read("/proc/self/cgroup")
    pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    foreign = []
    for pid in pids:
        cg = read("/proc/%d/cgroup" % pid)
        if cg is None and not os.path.exists("/proc/%d" % pid):
            continue
        if cg != mine:
            foreign.append("%d:%s" % (pid, (read("/proc/%d/comm" % pid) or "?").strip()))
    escaped = bool(foreign)
    detail = ("%d processes outside the container are visible, e.g. %s" % (len(foreign), ", ".join(foreign[:5]))) \
        if escaped else "only the container's own %d process(es)" % len(pids)
    report(escaped, detail, visible=len(pids), foreign=foreign[:20], own_pid=os.getpid(),
           cgroup=(mine or "").strip().splitlines()[:3])


main()
