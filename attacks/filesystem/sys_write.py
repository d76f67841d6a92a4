# sandbox-harness: probe
# id: fs.sys-write
# family: filesystem
# controls: isolation
# expect: report
# image: all
# summary: checks that /sys is mounted read-only and write-opens (never writes) uevent_helper and other host-global knobs; escaped if any opens
"""sysfs.

/sys/kernel/uevent_helper names a program the host kernel runs as root on every device event
(a classic escape from privileged containers); other files change host-global behaviour. Docker
mounts /sys read-only for unprivileged containers. If it is read-only the probe asks for a
remount read-write of the container's own /sys mount (what a process holding CAP_SYS_ADMIN would
do; it never makes anything read-only). Files are opened O_WRONLY and closed, never written.
"""
import ctypes
import errno
import json
import os
import sys

TARGETS = ["/sys/kernel/uevent_helper", "/sys/kernel/mm/transparent_hugepage/enabled",
           "/sys/kernel/mm/ksm/run", "/sys/kernel/profiling", "/sys/block"]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


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


def sys_mount_options():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            if fields[4] == "/sys":
                return fields[5].split(",")
    return None


def main():
    opts = sys_mount_options()
    read_only = opts is None or "ro" in opts
    remount = None
    if read_only and opts is not None:
        remount = remount_rw("/sys")  # this mount only: sysfs's superblock may be the host's
    results = {}
    for t in TARGETS:
        if not os.path.exists(t) or os.path.isdir(t):
            results[t] = "absent" if not os.path.exists(t) else "directory"
            continue
        try:
            os.close(os.open(t, os.O_WRONLY))
            results[t] = "opened for writing"
        except OSError as e:
            results[t] = errno.errorcode.get(e.errno, str(e))
    opened = [t for t, v in results.items() if v == "opened for writing"]
    escaped = bool(opened) or not read_only or (remount or "").startswith("remounted")
    parts = []
    if not read_only:
        parts.append("/sys is mounted read-write (%s)" % ",".join(opts))
    if (remount or "").startswith("remounted"):
        parts.append("/sys was remounted read-write from inside")
    if opened:
        parts.append("opened for writing: " + ", ".join(opened))
    detail = "; ".join(parts) if parts else "/sys read-only; every write-open refused"
    report(escaped, detail, sys_mount_options=opts, remount=remount, results=results)


main()
