# sandbox-harness: probe
# id: info.kernel-version
# family: info-leak
# controls: isolation
# expect: report
# image: all
# accepted-risk: 1
# summary: reads the kernel release and build from uname and /proc/version; escaped (accepted risk 1) because they are the host's
"""The host kernel is visible.

A container shares the host's kernel, so uname, /proc/version and /proc/sys/kernel/osrelease tell a
script exactly which kernel (and so which kernel bugs) it is facing. This is inherent to containers
(Known Weakness 1, "Container != VM"), so the probe reports it as escaped with the evidence, and
the verdict is accepted-risk.
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
            return f.read().strip()
    except OSError:
        return None


def main():
    u = os.uname()
    proc_version = read("/proc/version")
    visible = bool(u.release)
    report(visible, "host kernel visible: %s %s" % (u.sysname, u.release), release=u.release, version=u.version,
           machine=u.machine, proc_version=proc_version, osrelease=read("/proc/sys/kernel/osrelease"))


main()
