# sandbox-harness: probe
# id: info.cgroup-namespace
# family: info-leak
# controls: isolation
# expect: report
# image: all
# accepted-risk: 15
# summary: reads /proc/self/cgroup and /proc/self/ns/cgroup; escaped (accepted risk 15) when the container sees its place in the host's cgroup hierarchy (no private cgroup namespace)
"""The host's cgroup namespace.

In a private cgroup namespace (`--cgroupns private`, Docker's default on cgroup v2 hosts)
/proc/self/cgroup shows every hierarchy as `/`. Docker 20.10 on a cgroup v1 host defaults to
`--cgroupns host`: the container sees its full path in the host's hierarchy, `/docker/<full
container id>` (or the harness's cgroup parent), and anything it learns or mounts of cgroupfs is
relative to the host's root. sandbox/README.md lists this as Known Weakness 15; the probe reports
it as an accepted risk, with the paths it saw.

A second witness: the initial cgroup namespace has the fixed inode 0xEFFFFFFB (4026531835), so
/proc/self/ns/cgroup naming it shows the container shares the host's. Only files are read.

A kernel that shows no cgroup membership at all (an empty /proc/self/cgroup and no
/proc/self/ns/cgroup: gVisor's, which mounts no cgroupfs either) shows nothing of the host's
hierarchy: contained. An empty file beside a cgroup namespace is a broken view, and the probe fails.
"""
import json
import os
import sys

INIT_CGROUP_NS = "cgroup:[%d]" % 0xEFFFFFFB


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    paths = {}
    with open("/proc/self/cgroup") as f:
        for line in f:
            hid, controllers, path = line.rstrip("\n").split(":", 2)
            paths[controllers or "(v2)"] = path
    try:
        ns = os.readlink("/proc/self/ns/cgroup")
    except FileNotFoundError:
        ns = None
    if not paths:
        if ns is not None:
            raise RuntimeError("/proc/self/cgroup is empty although there is a cgroup namespace (%s)" % ns)
        mounted = sorted(os.listdir("/sys/fs/cgroup")) if os.path.isdir("/sys/fs/cgroup") else None
        report(False, "no cgroup membership shown: /proc/self/cgroup is empty and there is no cgroup namespace; "
               "the kernel answering /proc has no cgroups of its own to show, nor the host's (/sys/fs/cgroup: %s)" % (
                   ", ".join(mounted) if mounted else "empty" if mounted is not None else "absent"),
               cgroup_paths={}, cgroup_ns=None, sys_fs_cgroup=mounted)
        return
    outside_root = sorted({p for p in paths.values() if p != "/"})
    initial = ns == INIT_CGROUP_NS
    evidence = dict(cgroup_paths=paths, cgroup_ns=ns, initial_cgroup_ns=initial)
    if outside_root or initial:
        report(True, "host cgroup namespace: the container sees its place in the host's hierarchy (%s)%s" % (
            ", ".join(p[:120] for p in outside_root) or "/", "; the initial cgroup namespace" if initial else ""),
            **evidence)
    else:
        report(False, "private cgroup namespace: every hierarchy is / (%s)" % ns, **evidence)


main()
