# sandbox-harness: probe
# id: fs.sysrq-trigger
# family: filesystem
# controls: isolation
# expect: report
# image: all
# self-test: --self-test
# summary: opens /proc/sysrq-trigger O_WRONLY and closes it without writing; escaped if the open succeeds
"""The magic SysRq trigger.

One byte written to /proc/sysrq-trigger reboots, crashes or freezes the host. This probe never
writes: it only opens the file for writing (which does nothing by itself) and closes it. Docker
mounts it read-only, and it is root-only anyway. Kernels built without CONFIG_MAGIC_SYSRQ have no
such file (contained, nothing to reach).

`--self-test` (positive control on hosts where no weakening can expose the file) points the very
same check at a write-only file the probe creates in /tmp, and must report escaped.
"""
import errno
import json
import os
import sys

PATH = "/proc/sysrq-trigger"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def check(path, **extra):
    if not os.path.exists(path):
        report(False, "%s does not exist" % path, result="absent", **extra)
        return
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e))
        report(False, "write-open of %s refused: %s" % (path, name), result=name, **extra)
        return
    os.close(fd)  # nothing is ever written
    report(True, "%s opened for writing (closed without writing)" % path, result="opened for writing", **extra)


def main():
    if sys.argv[1:] == ["--self-test"]:
        fake = "/tmp/.sysrq-trigger-self-test"
        os.close(os.open(fake, os.O_CREAT | os.O_WRONLY, 0o200))
        try:
            check(fake, self_test=True)
        finally:
            os.unlink(fake)
        return
    check(PATH)


main()
