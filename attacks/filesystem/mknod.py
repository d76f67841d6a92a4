# sandbox-harness: probe
# id: fs.mknod
# family: filesystem
# controls: cap-drop, user
# expect: report
# image: all
# summary: creates a character device node (1:3, like /dev/null) in /tmp; escaped if mknod succeeds
"""mknod(2) of a device node needs CAP_MKNOD (in Docker's default set for root). A device node
is the way to a host disk or to kernel memory when the device cgroup or nodev mounts fail. The node
made here is the harmless 1:3 (null); it is never opened and is deleted at once.

Under a runtime that interposes a kernel of its own the node is made in that kernel's file system,
and its numbers name that kernel's devices: gVisor 20221219 creates it without CAP_MKNOD (it does
not make that check), but a node for a host disk (b 8:0) or for /dev/mem (c 1:1) opens with ENXIO
there, as it has no such device. The probe reports contained with what it saw, and the release it
reached as a claim (host_claims) that the harness can check against the host's own;
sandbox/README.md (Runtimes) records the missing capability check.
"""
import errno
import json
import os
import stat
import sys

PATH = "/tmp/.mknod-probe"


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
    try:
        os.mknod(PATH, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        result = "created"
        os.unlink(PATH)
    except OSError as e:
        result = errno.errorcode.get(e.errno, str(e))
    kernel = answering_kernel()
    detail = "mknod c 1 3: %s" % result
    if result == "created" and kernel["interposed"]:
        detail += " in the runtime's own file system (Linux %s as its kernel calls itself): a node there names one " \
                  "of the runtime's emulated devices, never a host device" % kernel["release"]
    report(result == "created" and not kernel["interposed"], detail, result=result, answering_kernel=kernel,
           host_claims=kernel_claim(kernel))


main()
