# sandbox-harness: probe
# id: priv.seccomp-mode
# family: privilege
# controls: isolation
# expect: report
# image: all
# summary: reads Seccomp and Seccomp_filters from /proc/self/status; escaped unless the mode is 2 (filter)
"""A seccomp filter must be in force (Docker's default profile): mode 2 with at least one filter.

Under a runtime that interposes a kernel of its own (gVisor) the script has no filter there (runsc
applies no OCI seccomp profile without --oci-seccomp: sandbox/README.md, Runtimes), but its system
calls are answered by that kernel, not the host's, and the runtime's own calls to the host go
through the runtime's seccomp filter, which the script cannot see: the probe reports contained, with
the release it reached as a claim (host_claims) that the harness can check against the host's own.
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


def main():
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Seccomp"):
                k, v = line.split(":")
                fields[k] = int(v)
    mode = fields.get("Seccomp")
    escaped = mode != 2
    names = {0: "disabled", 1: "strict", 2: "filter"}
    detail = "seccomp mode %s (%s), %s filter(s)" % (mode, names.get(mode, "?"), fields.get("Seccomp_filters"))
    kernel = answering_kernel()
    if escaped and kernel["interposed"]:
        detail += ": no filter in the runtime's own kernel (Linux %s as it calls itself), which answers the " \
                  "script's system calls instead of the host's; the profile does not reach the script" % (
                      kernel["release"])
    report(escaped and not kernel["interposed"], detail, answering_kernel=kernel, host_claims=kernel_claim(kernel),
           **{k.lower(): v for k, v in fields.items()})


main()
