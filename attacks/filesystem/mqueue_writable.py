# sandbox-harness: probe
# id: fs.mqueue-writable
# family: filesystem
# controls: tmpfs, ulimits
# expect: report
# image: all
# accepted-risk: 16
# summary: creates (and removes) an empty POSIX message queue in /dev/mqueue; escaped (accepted risk 16) when Docker's mqueue mount accepts it
"""/dev/mqueue, a writable mount besides /tmp.

Docker mounts the mqueue file system of the container's IPC namespace on /dev/mqueue (mode 1777)
in every container, even with --read-only, and `--ipc none` does not remove it. Creating a file
there creates a POSIX message queue: kernel memory that holds data outside /tmp, bounded by
RLIMIT_MSGQUEUE (819200 bytes by default, counted per host uid: without user-namespace remapping
every sandbox running as 65534 shares it) and by fs.mqueue.queues_max per IPC namespace.
sandbox/README.md lists it as Known Weakness 16, so a queue created here is an accepted risk;
`--ulimit msgqueue=0` (SANDBOX_ULIMITS) makes every creation fail with EMFILE.

The probe creates one empty queue with open(O_CREAT | O_EXCL) under a name of its own, reads its
status line and removes it; it never sends a message. The queue lives in the container's own IPC
namespace and would vanish with it anyway.
"""
import errno
import json
import os
import resource
import stat
import sys

DIR = "/dev/mqueue"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def sysctl(name):
    try:
        with open("/proc/sys/fs/mqueue/" + name) as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


def main():
    try:
        st = os.stat(DIR)
    except OSError as e:
        report(False, "no %s: %s" % (DIR, errno.errorcode.get(e.errno, str(e))))
        return
    evidence = dict(mode=oct(stat.S_IMODE(st.st_mode)), owner_uid=st.st_uid,
                    rlimit_msgqueue=list(resource.getrlimit(resource.RLIMIT_MSGQUEUE)),
                    queues_max=sysctl("queues_max"), msg_max=sysctl("msg_max"), msgsize_max=sysctl("msgsize_max"))
    path = "%s/sandbox-harness-probe-%d" % (DIR, os.getpid())
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e))
        report(False, "creating a message queue in %s failed: %s" % (DIR, name), error=name, **evidence)
        return
    try:
        os.close(fd)
        with open(path) as f:
            status = f.read(200).split()
    finally:
        os.unlink(path)
    report(True, "%s (mode %s) accepted a new message queue (removed again)" % (DIR, evidence["mode"]),
           queue_status=status, **evidence)


main()
