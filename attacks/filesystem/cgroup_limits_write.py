# sandbox-harness: probe
# id: fs.cgroup-limits-write
# family: filesystem
# controls: isolation
# expect: report
# image: all
# self-test: --self-test
# summary: write-opens (never writes) the container's own cgroup limit files (memory, pids, cpu quota, cgroup.procs); escaped if any opens
"""Raising one's own limits.

The memory, pids and CPU limits live in the container's cgroup, which is visible under
/sys/fs/cgroup. If those files were writable the script could lift its own limits or move itself
out of its cgroup. Docker mounts the cgroup hierarchies read-only. Read-only cgroup mounts are
first asked to become writable with a bind remount of the container's own mount (mount-level only:
the hierarchy's superblock is the host's and is never remounted). Files are only opened O_WRONLY
and closed.

`--self-test` (positive control where `17-isolation-privileged-root` cannot start: under every
other weakening the files stay read-only or root-owned) builds a stand-in tree in /tmp shaped like
a cgroup v1 /sys/fs/cgroup (memory/, pids/, cpu/ with their limit files and cgroup.procs, all
read-only except memory/memory.limit_in_bytes) and points the very same write-open check at it,
which must report escaped; the tree is removed again. The remount step is left out there: the
stand-in is not a cgroup mount, and the real cgroup mounts are not touched.
"""
import ctypes
import errno
import glob
import json
import os
import shutil
import sys

ROOT = "/sys/fs/cgroup"
PATTERNS = ["memory/memory.limit_in_bytes", "memory/memory.memsw.limit_in_bytes", "pids/pids.max",
            "cpu/cpu.cfs_quota_us", "*/cgroup.procs", "memory.max", "pids.max", "cpu.max", "cgroup.procs"]
# The self-test's stand-in tree: (path under the root, mode, content). Only one file is writable.
STAND_IN = [("memory/memory.limit_in_bytes", 0o644, "268435456\n"),
            ("memory/memory.memsw.limit_in_bytes", 0o444, "268435456\n"),
            ("memory/cgroup.procs", 0o444, "1\n"),
            ("pids/pids.max", 0o444, "64\n"), ("pids/cgroup.procs", 0o444, "1\n"),
            ("cpu/cpu.cfs_quota_us", 0o444, "100000\n"), ("cpu/cgroup.procs", 0o444, "1\n")]


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


def write_open_limits(root):
    """Write-opens (and closes, never writing) every limit file under `root`."""
    results = {}
    for pattern in PATTERNS:
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            try:
                os.close(os.open(path, os.O_WRONLY))
                results[path] = "opened for writing"
            except OSError as e:
                results[path] = errno.errorcode.get(e.errno, str(e))
    return results


def judge(results, remounts, **extra):
    opened = [p for p, v in results.items() if v == "opened for writing"]
    if not results:
        detail = "no cgroup limit files visible"
    elif opened:
        detail = "cgroup files open for writing: " + ", ".join(opened)
    else:
        detail = "%d cgroup files, every write-open refused (%s)" % (len(results), sorted(set(results.values())))
    report(opened, detail, results=results, remounts=remounts, **extra)


def make_stand_in(root):
    for rel, mode, content in STAND_IN:
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            os.write(fd, content.encode())
        finally:
            os.close(fd)
        os.chmod(path, mode)


def main():
    if sys.argv[1:] == ["--self-test"]:
        fake = "/tmp/.cgroup-limits-self-test"
        try:
            make_stand_in(fake)
            judge(write_open_limits(fake), {}, self_test=True, stand_in=fake)
        finally:
            shutil.rmtree(fake, ignore_errors=True)
        return
    remounts = {}
    for mnt, opts in cgroup_mounts():
        if "ro" in opts:
            remounts[mnt] = remount_rw(mnt)
    judge(write_open_limits(ROOT), remounts)


main()
