# sandbox-harness: probe
# id: priv.perf-event
# family: privilege
# controls: isolation
# expect: report
# image: all
# summary: calls perf_event_open with a NULL attr, then opens a software task-clock counter on itself; escaped if perf_event_open reaches the kernel
"""perf events.

perf_event_open exposes kernel state (and a record of bugs); Docker's default seccomp profile
refuses it. A NULL attr returns EFAULT once inside the kernel. The software counter on the probe's
own process (user space only) is the least a process could get; it is closed at once.
"""
import ctypes
import errno
import json
import os
import struct
import sys

SYS_PERF_EVENT_OPEN = 298
PERF_TYPE_SOFTWARE = 1
PERF_COUNT_SW_TASK_CLOCK = 1
BLOCKED = {"EPERM", "ENOSYS", "EACCES"}


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long

    def call(attr):
        return libc.syscall(ctypes.c_long(SYS_PERF_EVENT_OPEN), attr, ctypes.c_long(0),
                            ctypes.c_long(-1), ctypes.c_long(-1), ctypes.c_long(0))

    results = {}
    r = call(ctypes.c_void_p(0))
    results["perf_event_open(NULL)"] = errno.errorcode.get(ctypes.get_errno(), "?") if r == -1 else "ok"
    # struct perf_event_attr: type, size, config, ..., flags at offset 40: disabled | exclude_kernel | exclude_hv
    raw = bytearray(128)
    struct.pack_into("=IIQ", raw, 0, PERF_TYPE_SOFTWARE, 128, PERF_COUNT_SW_TASK_CLOCK)
    struct.pack_into("=Q", raw, 40, (1 << 0) | (1 << 5) | (1 << 6))
    attr = ctypes.create_string_buffer(bytes(raw), 128)
    r = call(attr)
    if r >= 0:
        os.close(r)
        results["perf_event_open(task-clock, self)"] = "opened"
    else:
        results["perf_event_open(task-clock, self)"] = errno.errorcode.get(ctypes.get_errno(), "?")
    try:
        with open("/proc/sys/kernel/perf_event_paranoid") as f:
            paranoid = int(f.read())
    except (OSError, ValueError):
        paranoid = None
    reached = [k for k, v in results.items() if v not in BLOCKED]
    detail = ("perf_event_open reached the kernel: %s" % results) if reached else "refused: %s" % results
    report(reached, detail, results=results, perf_event_paranoid=paranoid)


main()
