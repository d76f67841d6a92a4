# sandbox-harness: probe
# id: priv.user-namespace
# family: privilege
# controls: isolation
# expect: report
# image: all
# tags: smoke
# summary: in a child, unshare(CLONE_NEWUSER) then a mount namespace and a tmpfs mount; escaped if the user namespace is created
"""User namespaces.

A new user namespace gives its creator every capability inside it, which opens large parts of the
kernel (mount, netfilter, ...) to an unprivileged process: the root of many container escapes.
Docker's default seccomp profile refuses unshare/clone with namespace flags without CAP_SYS_ADMIN.
Everything happens in a forked child, whose namespaces die with it; the tmpfs it may mount is in
its private mount namespace.

Under a runtime that interposes a kernel of its own (gVisor), the call reaches that kernel, not the
host's: the probe says so and reports contained, with the release it reached as a claim
(host_claims) that the harness can check against the host's own.
"""
import ctypes
import errno
import json
import os
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000


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


def child(w):
    libc = ctypes.CDLL(None, use_errno=True)
    out = {}
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER) != 0:
        out["unshare_user"] = errno.errorcode.get(ctypes.get_errno(), "?")
    else:
        out["unshare_user"] = "ok"
        with open("/proc/self/status") as f:
            out["cap_eff_inside"] = [l.split()[1] for l in f if l.startswith("CapEff")][0]
        try:
            with open("/proc/self/setgroups", "w") as f:
                f.write("deny")
            with open("/proc/self/uid_map", "w") as f:
                f.write("0 %d 1" % uid)
            with open("/proc/self/gid_map", "w") as f:
                f.write("0 %d 1" % gid)
            out["uid_inside"] = os.getuid()
        except OSError as e:
            out["map"] = errno.errorcode.get(e.errno, str(e))
        if libc.unshare(CLONE_NEWNS) != 0:
            out["unshare_mount"] = errno.errorcode.get(ctypes.get_errno(), "?")
        else:
            out["unshare_mount"] = "ok"
            target = b"/tmp/.userns-probe"
            try:
                os.mkdir(target)
            except OSError:
                pass
            if libc.mount(b"none", target, b"tmpfs", 0, None) == 0:
                out["mount_tmpfs"] = "ok"
                libc.umount2(target, 0)
            else:
                out["mount_tmpfs"] = errno.errorcode.get(ctypes.get_errno(), "?")
    os.write(w, json.dumps(out).encode())
    os._exit(0)


def main():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            child(w)
        finally:
            os._exit(1)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        data += chunk
    os.waitpid(pid, 0)
    try:
        os.rmdir("/tmp/.userns-probe")
    except OSError:
        pass
    result = json.loads(data.decode() or "{}")
    escaped = result.get("unshare_user") == "ok"
    detail = ("created a user namespace (inside: CapEff %s, tmpfs mount %s)" % (
        result.get("cap_eff_inside"), result.get("mount_tmpfs"))) if escaped else \
        "unshare(CLONE_NEWUSER) refused: %s" % result.get("unshare_user")
    try:
        with open("/proc/sys/user/max_user_namespaces") as f:
            result["max_user_namespaces"] = int(f.read())
    except (OSError, ValueError):
        pass
    kernel = answering_kernel()
    if escaped and kernel["interposed"]:
        detail = "the runtime's own kernel (Linux %s as it calls itself), not the host's, %s" % (
            kernel["release"], detail)
    report(escaped and not kernel["interposed"], detail, answering_kernel=kernel, host_claims=kernel_claim(kernel),
           **result)


main()
