# sandbox-harness: probe
# id: fs.writable-mounts
# family: filesystem
# controls: read-only, tmpfs
# expect: report
# image: all
# summary: tries a real write on every mounted directory and world-writable directory, and a write-open on every mounted file; escaped if anything but /tmp (and the documented /dev/shm, /dev/mqueue) accepts it
"""Where can the script write?

The design says writes are confined to /tmp (a small tmpfs). The probe reads /proc/self/mountinfo
and, for each mount point that is a directory, creates and deletes a small file there; for each
mount point that is a regular file (bind mounts such as /etc/hosts or the script itself) it opens
it O_WRONLY|O_APPEND and closes it without writing a byte. It also walks the root file system
(depth 4, skipping /proc, /sys and /dev) for world-writable directories and tries a write there.
Device nodes are skipped (writing /dev/null is no escape). Anything writable except /tmp is an
escape, with two exceptions that stay listed in the evidence: Docker's own /dev/shm (a second
64 MiB tmpfs, Known Weakness 7 of sandbox/README.md, measured on its own by fs.dev-shm-writable)
and /dev/mqueue (a "file" there is a POSIX message queue of the container's own IPC namespace,
bounded by RLIMIT_MSGQUEUE and fs.mqueue.queues_max, not storage for data).
"""
import errno
import json
import os
import stat
import sys

ALLOWED = {"/tmp", "/dev/mqueue", "/dev/shm"}
SKIP_WALK = ("/proc", "/sys", "/dev")


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def mount_points():
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields = left.split()
            out.append((fields[4].replace("\\040", " "), fields[5], right.split()[0]))
    return out


def try_dir(path):
    name = os.path.join(path, ".sandbox-harness-write-%d" % os.getpid())
    try:
        fd = os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))
    result = "written"
    try:
        os.write(fd, b"x")
    except OSError as e:  # e.g. mqueue: the file (a message queue) exists, but write(2) is not how it is fed
        result = "created (write: %s)" % errno.errorcode.get(e.errno, str(e))
    finally:
        os.close(fd)
        os.unlink(name)
    return result


def try_file(path):
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
        return "opened for writing"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def world_writable_dirs(root="/", depth=4):
    found = []
    stack = [(root, 0)]
    while stack:
        d, level = stack.pop()
        try:
            entries = os.scandir(d)
        except OSError:
            continue
        with entries:
            for e in entries:
                try:
                    if not e.is_dir(follow_symlinks=False):
                        continue
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                if e.path.startswith(SKIP_WALK):
                    continue
                if st.st_mode & stat.S_IWOTH:
                    found.append(e.path)
                if level < depth:
                    stack.append((e.path, level + 1))
    return found


def main():
    results = {}
    for mnt, opts, fstype in mount_points():
        try:
            st = os.stat(mnt)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            results[mnt] = {"kind": "dir", "fstype": fstype, "options": opts, "result": try_dir(mnt)}
        elif stat.S_ISREG(st.st_mode):
            results[mnt] = {"kind": "file", "fstype": fstype, "options": opts, "result": try_file(mnt)}
    for d in world_writable_dirs():
        if d not in results:
            results[d] = {"kind": "world-writable dir", "result": try_dir(d)}
    writable = sorted(p for p, r in results.items()
                      if r["result"].startswith(("written", "created", "opened for writing")))
    escapes = [p for p in writable if p not in ALLOWED]
    detail = ("writable outside /tmp: " + ", ".join(escapes)) if escapes else "only %s writable" % writable
    report(escapes, detail, writable=writable, checked={p: r["result"] for p, r in results.items()})


main()
