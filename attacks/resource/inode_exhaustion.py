# sandbox-harness: probe
# id: res.inode-exhaustion
# family: resource
# controls: read-only, tmpfs
# expect: report
# image: all
# summary: creates empty files in every writable directory (up to 20000 on disk, 5000 on tmpfs, 2 s each); escaped if a disk-backed filesystem never refuses one
"""Inode exhaustion, bounded.

Empty files cost no blocks, only inodes. On a tmpfs the inodes are kernel memory charged to the
container's memory cgroup and vanish with the container; on a disk-backed filesystem (the overlay
root when it is writable) they are inodes of the host's disk. So: escaped when a disk-backed
filesystem took new files without ever refusing one, up to DISK_CAP or a 2 s deadline (at least
DISK_MIN of them). The probe deletes everything it created; the container's
layer is removed anyway.
"""
import errno
import json
import os
import sys
import time

DISK_CAP = 20000
DISK_MIN = 1000
TMPFS_CAP = 5000
CANDIDATES = ["/tmp", "/dev/shm", "/var/tmp", "/run/lock", "/var/lock", "/", "/sandbox", "/home"]
MEMORY_FS = {"tmpfs", "ramfs", "mqueue", "devtmpfs"}


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def fstype_of(path):
    best, fstype = "", "?"
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            mnt = left.split()[4]
            inside = path == mnt or path.startswith(mnt.rstrip("/") + "/")
            if inside and len(mnt) >= len(best):
                best, fstype = mnt, right.split()[0]
    return fstype


def fill(directory, cap, deadline):
    base = os.path.join(directory, ".inode-probe-%d" % os.getpid())
    made = []
    error = None
    try:
        while len(made) < cap and time.monotonic() < deadline:
            p = "%s-%d" % (base, len(made))
            os.close(os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            made.append(p)
    except OSError as e:
        error = errno.errorcode.get(e.errno, str(e.errno))
    for p in made:
        try:
            os.unlink(p)
        except OSError:
            pass
    return len(made), error


def main():
    results = {}
    escaped_dirs = []
    t0 = time.monotonic()
    seen_dev = set()
    for d in CANDIDATES:
        try:
            st = os.stat(d)
        except OSError:
            continue
        if st.st_dev in seen_dev:
            continue
        fstype = fstype_of(d)
        disk = fstype not in MEMORY_FS
        cap = DISK_CAP if disk else TMPFS_CAP
        n, err = fill(d, cap, time.monotonic() + 2)
        if n:
            seen_dev.add(st.st_dev)
        try:
            vfs = os.statvfs(d)
            inodes = {"files": vfs.f_files, "free": vfs.f_ffree}
        except OSError:
            inodes = None
        results[d] = {"fstype": fstype, "created": n, "error": err, "inodes": inodes}
        if disk and err is None and n >= DISK_MIN:
            escaped_dirs.append("%s (%d files)" % (d, n))
    if escaped_dirs:
        detail = "disk-backed directories took every file asked for: %s" % ", ".join(escaped_dirs)
    else:
        made = {d: r["created"] for d, r in results.items() if r["created"]}
        detail = "no disk-backed directory accepted files; memory-backed: %s" % made
    report(escaped_dirs, detail, results=results, seconds=round(time.monotonic() - t0, 3))


main()
