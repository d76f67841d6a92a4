# sandbox-harness: probe
# id: fs.cgroup-limits-write
# family: filesystem
# controls: isolation
# expect: report
# image: all
# summary: write-opens (never writes) the container's own cgroup limit files (memory, pids, cpu quota, cgroup.procs); escaped if any opens
"""Raising one's own limits.

The memory, pids and CPU limits live in the container's cgroup, which is visible under
/sys/fs/cgroup. If those files were writable the script could lift its own limits or move itself
out of its cgroup. Docker mounts the cgroup hierarchies read-only. Read-only cgroup mounts are
first asked to become writable with a bind remount of the container's own mount (mount-level only:
the hierarchy's superblock is the host's and is never remounted). Files are only opened O_WRONLY
and closed.
"""
import ctypes
import errno
import glob
import json
import os
import sys

PATTERNS = ["/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes",
            "/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us",
            "/sys/fs/cgroup/*/cgroup.procs", "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/pids.max",
            "/sys/fs/cgroup/cpu.max", "/sys/fs/cgroup/cgroup.procs"]


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


def cgroup_mounts():
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split()[0] in ("cgroup", "cgroup2"):
                fields = left.split()
                out.append((fields[4], fields[5].split(",")))
    return out


def main():
    remounts = {}
    for mnt, opts in cgroup_mounts():
        if "ro" in opts:
            remounts[mnt] = remount_rw(mnt)
    results = {}
    for pattern in PATTERNS:
        for path in sorted(glob.glob(pattern)):
            try:
                os.close(os.open(path, os.O_WRONLY))
                results[path] = "opened for writing"
            except OSError as e:
                results[path] = errno.errorcode.get(e.errno, str(e))
    opened = [p for p, v in results.items() if v == "opened for writing"]
    if not results:
        detail = "no cgroup limit files visible"
    elif opened:
        detail = "cgroup files open for writing: " + ", ".join(opened)
    else:
        detail = "%d cgroup files, every write-open refused (%s)" % (len(results), sorted(set(results.values())))
    report(opened, detail, results=results, remounts=remounts)


main()
