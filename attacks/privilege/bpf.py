# sandbox-harness: probe
# id: priv.bpf
# family: privilege
# controls: isolation
# expect: report
# image: all
# summary: calls bpf() with an unknown command, then tries to create a one-entry array map; escaped if bpf reaches the kernel
"""eBPF.

The verifier and JIT are a large kernel attack surface. Docker's default seccomp profile refuses
bpf() without CAP_SYS_ADMIN/CAP_BPF. An unknown command (0x7fff) returns EINVAL once inside the
kernel and has no effect; the map creation (evidence) may still be refused by
kernel.unprivileged_bpf_disabled, and any map created is closed at once.
"""
import ctypes
import errno
import json
import os
import struct
import sys

SYS_BPF = 321
BPF_MAP_CREATE = 0
BPF_MAP_TYPE_ARRAY = 2
BLOCKED = {"EPERM", "ENOSYS", "EACCES"}


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    results = {}
    r = libc.syscall(ctypes.c_long(SYS_BPF), ctypes.c_long(0x7FFF), ctypes.c_long(0), ctypes.c_long(0))
    results["bpf(unknown command)"] = errno.errorcode.get(ctypes.get_errno(), "?") if r == -1 else "ok"
    attr = ctypes.create_string_buffer(struct.pack("=IIII", BPF_MAP_TYPE_ARRAY, 4, 4, 1), 72)
    r = libc.syscall(ctypes.c_long(SYS_BPF), ctypes.c_long(BPF_MAP_CREATE), attr, ctypes.c_long(72))
    if r >= 0:
        os.close(r)
        results["bpf(MAP_CREATE array)"] = "created"
    else:
        results["bpf(MAP_CREATE array)"] = errno.errorcode.get(ctypes.get_errno(), "?")
    try:
        with open("/proc/sys/kernel/unprivileged_bpf_disabled") as f:
            sysctl = int(f.read())
    except (OSError, ValueError):
        sysctl = None
    reached = [k for k, v in results.items() if v not in BLOCKED]
    detail = ("bpf reached the kernel: %s" % results) if reached else "bpf refused: %s" % results
    report(reached, detail, results=results, unprivileged_bpf_disabled=sysctl)


main()
