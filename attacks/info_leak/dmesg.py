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

Under a runtime that interposes a kernel of its own (gVisor) syslog(2) returns that kernel's own log
(gVisor's start-up lines), not the host's: the probe reports contained with what it read, and the
release it reached as a claim (host_claims) that the harness can check against the host's own.
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
    kernel = answering_kernel()
    host_log = not kernel["interposed"]
    # The stand-in of --self-test is a file, whoever the kernel is.
    kmsg_read = via_kmsg.endswith("bytes") and not via_kmsg.startswith("0 ")
    escaped = (n > 0 and host_log) or (kmsg_read and (host_log or "stand_in" in extra))
    detail = "syslog(READ_ALL): %s; %s: %s" % (via_syslog, kmsg, via_kmsg)
    if not host_log and (n > 0 or kmsg_read):
        detail += " (the runtime's own kernel's log, Linux %s as it calls itself, not the host's)" % kernel["release"]
    extra = dict(extra, answering_kernel=kernel, host_claims=kernel_claim(kernel))
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
