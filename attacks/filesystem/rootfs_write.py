# sandbox-harness: probe
# id: fs.rootfs-write
# family: filesystem
# controls: read-only, user
# expect: report
# image: all
# summary: tries to create files in /, /etc, /usr/bin, site-packages, /var/tmp, /run/lock and to write-open /etc/passwd; escaped if any succeeds
"""Changing the image's files.

A read-only root stops every write; a non-root user stops most of them even on a writable root
(but not world-writable directories such as /var/tmp). Created files are deleted at once;
/etc/passwd is only opened O_WRONLY|O_APPEND and closed, never written. Whatever happens stays in
the container's own layer, which is removed with the container.
"""
import errno
import json
import os
import sys
import sysconfig

DIRS = ["/", "/etc", "/usr/bin", "/usr/local/bin", "/var/tmp", "/run/lock", "/root"]
FILES = ["/etc/passwd", "/etc/ld.so.preload"]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def create_in(d):
    name = os.path.join(d, ".sandbox-harness-rootfs-%d" % os.getpid())
    try:
        os.close(os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))
    os.unlink(name)
    return "created"


def open_existing(path):
    if not os.path.exists(path):
        return "absent"
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
        return "opened for writing"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def main():
    dirs = list(DIRS)
    for key in ("purelib", "platlib", "stdlib"):
        p = sysconfig.get_paths().get(key)
        if p and p not in dirs:
            dirs.append(p)
    for p in sys.path:
        if p.endswith(("site-packages", "dist-packages")) and p not in dirs:
            dirs.append(p)
    results = {d: create_in(d) for d in dirs if os.path.isdir(d)}
    results.update({f: open_existing(f) for f in FILES})
    hits = sorted(k for k, v in results.items() if v in ("created", "opened for writing"))
    detail = ("writable: " + ", ".join(hits)) if hits else "every target refused (%s)" % sorted(set(results.values()))
    report(hits, detail, results=results)


main()
