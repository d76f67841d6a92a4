# sandbox-harness: probe
# id: fs.pivot-root
# family: filesystem
# controls: cap-drop, isolation
# expect: report
# image: all
# summary: calls pivot_root with non-existent paths, directly and in a new user+mount namespace; escaped if it gets past the permission check
"""pivot_root(2) with paths that do not exist, so it can never succeed: ENOENT, EINVAL or EBUSY
mean the call reached the kernel and passed the CAP_SYS_ADMIN check; EPERM means the seccomp
filter or the capability check stopped it. The namespaced attempt runs in a forked child.

Under a runtime that interposes a kernel of its own (gVisor), the call reaches that kernel, not the
host's: the probe says so and reports contained, with the release it reached as a claim
(host_claims) that the harness can check against the host's own.
"""
import ctypes
import errno
import json
import os
import sys

SYS_PIVOT_ROOT = 155
CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
STOPPED = {"EPERM", "ENOSYS", "EACCES"}


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


def pivot(libc):
    libc.syscall.restype = ctypes.c_long
    r = libc.syscall(ctypes.c_long(SYS_PIVOT_ROOT), b"/nonexistent-new-root", b"/nonexistent-new-root/old")
    return "succeeded" if r == 0 else errno.errorcode.get(ctypes.get_errno(), "?")


def in_user_namespace():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
            out = "unshare " + errno.errorcode.get(ctypes.get_errno(), "?")
        else:
            out = pivot(libc)
        os.write(w, out.encode())
        os._exit(0)
    os.close(w)
    out = os.read(r, 128).decode()
    os.close(r)
    os.waitpid(pid, 0)
    return out


def main():
    direct = pivot(ctypes.CDLL(None, use_errno=True))
    userns = in_user_namespace()
    passed = [k for k, v in (("direct", direct), ("user namespace", userns))
              if v not in STOPPED and not v.startswith("unshare")]
    detail = "direct: %s; in a new user namespace: %s" % (direct, userns)
    kernel = answering_kernel()
    if passed and kernel["interposed"]:
        detail += " (the runtime's own kernel, Linux %s as it calls itself, not the host's)" % kernel["release"]
    report(passed and not kernel["interposed"], detail, direct=direct, user_namespace=userns,
           answering_kernel=kernel, host_claims=kernel_claim(kernel))


main()
