# sandbox-harness: probe
# id: res.tmpfs-fill
# family: resource
# controls: tmpfs
# expect: report
# image: all
# summary: fills /tmp with 4 MiB files up to a 64 MiB cap; escaped if it holds more than 32 MiB (twice its 16 MiB size)
"""Fill the writable temp space, bounded.

Files are 4 MiB each so the per-file size limit (RLIMIT_FSIZE) is not what stops it: ENOSPC from
the small /tmp tmpfs is. The probe stops at CAP and deletes what it wrote. The size and free space
of every other writable tmpfs (e.g. Docker's own /dev/shm) are recorded as evidence, not filled.
"""
import errno
import json
import os
import sys
import time

CAP = 64 << 20
FILE = 4 << 20
LIMIT = 32 << 20
DIR = "/tmp"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def tmpfs_mounts():
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fstype = right.split()[0]
            if fstype == "tmpfs":
                out.append((left.split()[4], left.split()[5]))
    return out


def space(path):
    st = os.statvfs(path)
    return {"size_mib": st.f_blocks * st.f_frsize >> 20, "free_mib": st.f_bavail * st.f_frsize >> 20}


def main():
    chunk = b"\xa5" * (1 << 20)
    written = 0
    files = []
    error = None
    t0 = time.monotonic()
    try:
        while written < CAP and time.monotonic() - t0 < 10:
            path = os.path.join(DIR, ".fill-%d" % len(files))
            files.append(path)
            with open(path, "wb", buffering=0) as f:
                for _ in range(FILE >> 20):
                    written += f.write(chunk)
    except OSError as e:
        error = errno.errorcode.get(e.errno, str(e.errno))
    for p in files:
        try:
            os.unlink(p)
        except OSError:
            pass
    others = {}
    for mnt, opts in tmpfs_mounts():
        if mnt != DIR and "rw" in opts.split(",") and os.path.isdir(mnt) and os.access(mnt, os.W_OK):
            try:
                others[mnt] = space(mnt)
            except OSError:
                pass
    escaped = written > LIMIT
    mib = written / float(1 << 20)
    if escaped:
        detail = "%s accepted %.0f MiB (stopped at the cap): the temp space is not small" % (DIR, mib)
    else:
        detail = "%s full after %.1f MiB (%s)" % (DIR, mib, error or "deadline")
    report(escaped, detail, written_mib=round(mib, 1), error=error, tmp=space(DIR),
           other_writable_tmpfs=others, seconds=round(time.monotonic() - t0, 3))


main()
