# sandbox-harness: probe
# id: kernel.io-uring
# family: kernel
# controls: isolation
# expect: report
# image: all
# accepted-risk: 2
# summary: sets up a one-entry io_uring and closes it; escaped (accepted risk 2) if the host kernel creates the ring
"""io_uring.

io_uring is a large, fast-moving kernel interface with a long record of privilege-escalation
bugs; newer Docker default seccomp profiles (25.0+) refuse io_uring_setup, io_uring_enter and
io_uring_register, older ones (20.10) allow them, and the host can switch it off with the
kernel.io_uring_disabled sysctl. Reaching it is kernel attack surface, covered by Known Weakness 2
(kernel vulnerabilities), not a containment failure by itself: hence `accepted-risk: 2`. The ring
is created with one entry and closed at once; nothing is submitted.

Under a runtime that puts a kernel of its own between the script and the host's (gVisor), the ring
is that kernel's: the host's io_uring is not reached, and the probe says so (contained), with the
release it reached as a claim the harness can check against the host's own.
"""
import ctypes
import errno
import json
import os
import sys

SYS_IO_URING_SETUP = 425
STOPPED = {"EPERM", "ENOSYS"}


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
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    params = ctypes.create_string_buffer(120)  # struct io_uring_params, zeroed
    fd = libc.syscall(ctypes.c_long(SYS_IO_URING_SETUP), ctypes.c_long(1), params)
    if fd >= 0:
        os.close(fd)
        result = "ring created"
    else:
        result = errno.errorcode.get(ctypes.get_errno(), "?")
    try:
        with open("/proc/sys/kernel/io_uring_disabled") as f:
            sysctl = int(f.read())
    except (OSError, ValueError):
        sysctl = None
    reached = result not in STOPPED
    kernel = answering_kernel()
    evidence = dict(result=result, io_uring_disabled=sysctl, answering_kernel=kernel, host_claims=kernel_claim(kernel))
    if not reached:
        report(False, "io_uring_setup refused: %s" % result, **evidence)
    elif kernel["interposed"]:
        report(False, "io_uring_setup: %s by the runtime's own kernel (Linux %s as it calls itself), not the "
               "host's: the host's io_uring is not reachable this way" % (result, kernel["release"]), **evidence)
    else:
        report(True, "io_uring_setup: %s (host kernel attack surface reachable)" % result, **evidence)


main()
