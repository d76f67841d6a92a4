# sandbox-harness: probe
# id: info.kernel-version
# family: info-leak
# controls: isolation
# expect: report
# image: all
# accepted-risk: 1
# summary: reads the kernel release and build from uname and /proc/version; escaped (accepted risk 1) when they are the host's, not an interposed kernel's
"""The host kernel is visible.

A container shares the host's kernel, so uname, /proc/version and /proc/sys/kernel/osrelease tell a
script exactly which kernel (and so which kernel bugs) it is facing. This is inherent to containers
(Known Weakness 1, "Container != VM"), so the probe reports it as escaped with the evidence, and
the verdict is accepted-risk.

A runtime that interposes a kernel of its own (gVisor) answers uname with that kernel's made-up
identity (gVisor 20221219: Linux 4.4.0, built "Sun Jan 10 15:06:54 PST 2016"): nothing of the host's
kernel shows, and the probe reports it as runtime-provided (contained). Either way the release seen
is a claim, in host_claims, that the harness can check against the host's own.
"""
import json
import os
import sys


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


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def main():
    u = os.uname()
    kernel = answering_kernel()
    evidence = dict(release=u.release, version=u.version, machine=u.machine, proc_version=read("/proc/version"),
                    osrelease=read("/proc/sys/kernel/osrelease"), answering_kernel=kernel,
                    host_claims=kernel_claim(kernel))
    if kernel["interposed"]:
        report(False, "runtime-provided kernel identity: Linux %s is the release the runtime's own kernel gives "
               "itself, not the host's" % u.release, **evidence)
    else:
        report(bool(u.release), "host kernel visible: %s %s" % (u.sysname, u.release), **evidence)


main()
