# sandbox-harness: probe
# id: info.dmesg
# family: info-leak
# controls: isolation, cap-drop
# expect: report
# image: all
# summary: reads the kernel log through syslog(2) (SYSLOG_ACTION_READ_ALL) and /dev/kmsg; escaped if either returns log text
"""The host's kernel log.

The kernel ring buffer is host-global: it shows other containers' and the host's events,
addresses and hardware. Docker's seccomp profile refuses syslog(2) without CAP_SYSLOG and
/dev/kmsg is not among a container's devices. At most 4 KiB is read; nothing is cleared.
"""
import ctypes
import errno
import json
import os
import sys

SYSLOG_ACTION_READ_ALL = 3


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(4096)
    n = libc.klogctl(SYSLOG_ACTION_READ_ALL, buf, 4096)
    via_syslog = ("%d bytes" % n) if n >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    try:
        fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        try:
            data = os.read(fd, 4096)
            via_kmsg = "%d bytes" % len(data)
        except OSError as e:
            via_kmsg = "opened; read " + errno.errorcode.get(e.errno, str(e))
        finally:
            os.close(fd)
    except OSError as e:
        via_kmsg = errno.errorcode.get(e.errno, str(e))
    escaped = (n > 0) or (via_kmsg.endswith("bytes") and not via_kmsg.startswith("0 "))
    detail = "syslog(READ_ALL): %s; /dev/kmsg: %s" % (via_syslog, via_kmsg)
    try:
        with open("/proc/sys/kernel/dmesg_restrict") as f:
            restrict = int(f.read())
    except (OSError, ValueError):
        restrict = None
    report(escaped, detail, syslog=via_syslog, kmsg=via_kmsg, dmesg_restrict=restrict)


main()
