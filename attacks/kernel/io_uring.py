# sandbox-harness: probe
# id: kernel.io-uring
# family: kernel
# controls: isolation
# expect: report
# image: all
# accepted-risk: 2
# summary: sets up a one-entry io_uring and closes it; escaped (accepted risk 2) if the ring is created
"""io_uring.

io_uring is a large, fast-moving kernel interface with a long record of privilege-escalation
bugs; newer Docker default seccomp profiles (25.0+) refuse io_uring_setup, io_uring_enter and
io_uring_register, older ones (20.10) allow them, and the host can switch it off with the
kernel.io_uring_disabled sysctl. Reaching it is kernel attack surface, covered by Known Weakness 2
(kernel vulnerabilities), not a containment failure by itself: hence `accepted-risk: 2`. The ring
is created with one entry and closed at once; nothing is submitted.
"""
import ctypes
import errno
import json
import os
import sys

SYS_IO_URING_SETUP = 425
STOPPED = {"EPERM", "ENOSYS"}


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    params = ctypes.create_string_buffer(120)  # struct io_uring_params, zeroed
    fd = libc.syscall(ctypes.c_long(SYS_IO_URING_SETUP), ctypes.c_long(1), params)
    if fd >= 0:
        os.close(fd)
        result = "ring created"
    else:
        result = errno.errorcode.get(ctypes.get_errno(), "?")
    try:
        with open("/proc/sys/kernel/io_uring_disabled") as f:
            sysctl = int(f.read())
    except (OSError, ValueError):
        sysctl = None
    reached = result not in STOPPED
    detail = ("io_uring_setup: %s (kernel attack surface reachable)" % result) if reached else \
        "io_uring_setup refused: %s" % result
    report(reached, detail, result=result, io_uring_disabled=sysctl)


main()
