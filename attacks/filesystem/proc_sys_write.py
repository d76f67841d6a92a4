# sandbox-harness: probe
# id: fs.proc-sys-write
# family: filesystem
# controls: isolation
# expect: report
# image: all
# summary: checks that /proc/sys is mounted read-only and write-opens (never writes) a few host-global sysctls; escaped if any opens for writing
"""Kernel tunables.

/proc/sys holds host-global settings (core_pattern runs a program as root on the host when any
process crashes; modprobe, sysrq, drop_caches...). Docker mounts it read-only. When it is, the
probe asks for a bind remount read-write of that mount (container-local; needs CAP_SYS_ADMIN and a
seccomp profile allowing mount). The files are only opened O_WRONLY and closed: opening a sysctl for
writing changes nothing.

Under a runtime that interposes a kernel of its own (gVisor) /proc is that kernel's, mounted read-
write, and its few tunables are its own (gVisor 20221219 refuses every write-open here with EACCES
anyway): the probe reports contained with what it saw, and the release it reached as a claim
(host_claims) that the harness can check against the host's own.
"""
import ctypes
import errno
import json
import os
import sys

TARGETS = ["/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe", "/proc/sys/kernel/sysrq",
           "/proc/sys/vm/drop_caches", "/proc/sys/kernel/hostname", "/proc/sys/net/ipv4/ip_forward"]


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


MS_REMOUNT = 32
MS_BIND = 4096


def remount_rw(path):
    """Asks for the mount at `path` (not its superblock) to be made writable in the container's own
    mount namespace (needs CAP_SYS_ADMIN and a seccomp profile that allows mount). Only ever
    towards read-write."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.mount(None, path.encode(), None, MS_REMOUNT | MS_BIND, None) == 0:
        return "remounted read-write"
    return errno.errorcode.get(ctypes.get_errno(), "?")


def mount_options(path):
    best, opts = "", None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            mnt = fields[4]
            if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                best, opts = mnt, fields[5].split(",")
    return best, opts


def main():
    mnt, opts = mount_options("/proc/sys")
    read_only = opts is not None and "ro" in opts
    remount = remount_rw(mnt) if read_only and mnt == "/proc/sys" else None
    results = {}
    for t in TARGETS:
        if not os.path.exists(t):
            results[t] = "absent"
            continue
        try:
            os.close(os.open(t, os.O_WRONLY))
            results[t] = "opened for writing"
        except OSError as e:
            results[t] = errno.errorcode.get(e.errno, str(e))
    opened = [t for t, v in results.items() if v == "opened for writing"]
    remounted = (remount or "").startswith("remounted")
    escaped = bool(opened) or not read_only or remounted
    parts = []
    if remounted:
        parts.append("/proc/sys was remounted read-write from inside")
    if not read_only:
        parts.append("/proc/sys is mounted read-write (mount %s, %s)" % (mnt, opts))
    if opened:
        parts.append("opened for writing: " + ", ".join(opened))
    detail = "; ".join(parts) if parts else "/proc/sys read-only; every write-open refused"
    kernel = answering_kernel()
    if escaped and kernel["interposed"]:
        detail += " (the runtime's own kernel's /proc/sys, Linux %s as it calls itself, not the host's: its " \
                  "settings are that kernel's)" % kernel["release"]
    report(escaped and not kernel["interposed"], detail, mount=mnt, mount_options=opts, remount=remount,
           results=results, answering_kernel=kernel, host_claims=kernel_claim(kernel))


main()
