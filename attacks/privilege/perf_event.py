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

Under a runtime that interposes a kernel of its own (gVisor), the call reaches that kernel, not the
host's: the probe says so and reports contained, with the release it reached as a claim
(host_claims) that the harness can check against the host's own.
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


# Linux numbers namespace inodes from 0xEFFFFFFA up (fixed ones for the initial namespaces, then
# 0xF0000000 on); an application kernel that the runtime puts between the script and the host's
# (gVisor's Sentry) numbers them its own way, from 1.
LINUX_NS_INODES = 0xE0000000


def answering_kernel():
    """Whose kernel answers this script's system calls: the host's Linux, or one the runtime
    interposes. Namespaces that cannot be read count as the host's, so the strong claim stands."""
    inodes = {}
    for ns in ("pid", "user", "net"):
        try:
            link = os.readlink("/proc/self/ns/" + ns)
            inodes[ns] = int(link[link.index("[") + 1:link.index("]")])
        except (OSError, ValueError):
            pass
    interposed = bool(inodes) and all(i < LINUX_NS_INODES for i in inodes.values())
    return {"interposed": interposed, "ns_inodes": inodes, "release": os.uname().release}


def kernel_claim(kernel):
    """The claim a report makes about the host (attacks/README.md, "Host claims"): the release of
    the kernel it reached, and whether that is the host's; the harness knows the host's own."""
    return {"kernel_release": {"seen": kernel["release"], "is_host": not kernel["interposed"]}}


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
    kernel = answering_kernel()
    if reached and kernel["interposed"]:
        detail = "perf_event_open reached the runtime's own kernel (Linux %s as it calls itself), not the " \
                 "host's: %s" % (kernel["release"], results)
    else:
        detail = ("perf_event_open reached the kernel: %s" % results) if reached else "refused: %s" % results
    report(reached and not kernel["interposed"], detail, results=results, perf_event_paranoid=paranoid,
           answering_kernel=kernel, host_claims=kernel_claim(kernel))


main()
