# sandbox-harness: probe
# id: priv.userfaultfd
# family: privilege
# controls: isolation
# expect: report
# image: all
# summary: calls userfaultfd(O_CLOEXEC | UFFD_USER_MODE_ONLY); escaped if it returns a descriptor or reaches the kernel
"""userfaultfd.

userfaultfd lets a process stall the kernel at a chosen page fault, the classic tool for winning
kernel race conditions. Docker's default seccomp profile refuses it. UFFD_USER_MODE_ONLY is the
variant even unprivileged users may create; the descriptor is closed at once.
"""
import ctypes
import errno
import json
import os
import sys

SYS_USERFAULTFD = 323
O_CLOEXEC = 0o2000000
UFFD_USER_MODE_ONLY = 1
BLOCKED = {"EPERM", "ENOSYS", "EACCES"}


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    r = libc.syscall(ctypes.c_long(SYS_USERFAULTFD), ctypes.c_long(O_CLOEXEC | UFFD_USER_MODE_ONLY))
    if r >= 0:
        os.close(r)
        result = "descriptor"
    else:
        result = errno.errorcode.get(ctypes.get_errno(), "?")
    try:
        with open("/proc/sys/vm/unprivileged_userfaultfd") as f:
            sysctl = int(f.read())
    except (OSError, ValueError):
        sysctl = None
    escaped = result not in BLOCKED
    detail = ("userfaultfd returned %s" % result) if escaped else "userfaultfd refused: %s" % result
    report(escaped, detail, result=result, unprivileged_userfaultfd=sysctl)


main()
