# sandbox-harness: probe
# id: info.dmesg
# family: info-leak
# controls: isolation, cap-drop
# expect: report
# image: all
# self-test: --self-test
# summary: reads the kernel log through syslog(2) (SYSLOG_ACTION_READ_ALL) and /dev/kmsg; escaped if either returns log text
"""The host's kernel log.

The kernel ring buffer is host-global: it shows other containers' and the host's events,
addresses and hardware. Docker's seccomp profile refuses syslog(2) without CAP_SYSLOG and
/dev/kmsg is not among a container's devices. At most 4 KiB is read; nothing is cleared.

`--self-test` (positive control where `17-isolation-privileged-root` cannot start: no other
weakening gives the reader CAP_SYSLOG, which both paths need under dmesg_restrict=1) points the very
same check's /dev/kmsg reading at a file the probe writes in /tmp holding a few made-up lines in
/dev/kmsg's record format, which must report escaped; the file is removed again. Only that path has a stand-in: syslog(2) reads
the kernel's own ring buffer and cannot be pointed anywhere else, so in self-test mode it is called
exactly as in the real check (and refused, under the default profile).
"""
import ctypes
import errno
import json
import os
import sys

SYSLOG_ACTION_READ_ALL = 3
KMSG = "/dev/kmsg"
STAND_IN = ("6,1,0,-;Linux version 0.0.0-self-test (self-test stand-in, not the kernel log)\n"
            "6,2,1000,-;Command line: console=ttyS0 self-test\n"
            "4,3,2000,-;self-test: made-up warning\n")


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def check(kmsg, **extra):
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(4096)
    n = libc.klogctl(SYSLOG_ACTION_READ_ALL, buf, 4096)
    via_syslog = ("%d bytes" % n) if n >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    try:
        fd = os.open(kmsg, os.O_RDONLY | os.O_NONBLOCK)
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
    detail = "syslog(READ_ALL): %s; %s: %s" % (via_syslog, kmsg, via_kmsg)
    try:
        with open("/proc/sys/kernel/dmesg_restrict") as f:
            restrict = int(f.read())
    except (OSError, ValueError):
        restrict = None
    report(escaped, detail, syslog=via_syslog, kmsg=via_kmsg, dmesg_restrict=restrict, **extra)


def main():
    if sys.argv[1:] == ["--self-test"]:
        fake = "/tmp/.kmsg-self-test"
        with open(fake, "w") as f:
            f.write(STAND_IN)
        try:
            check(fake, self_test=True, stand_in=fake)
        finally:
            os.unlink(fake)
        return
    check(KMSG)


main()
