# sandbox-harness: probe
# id: fs.dev-shm-writable
# family: filesystem
# controls: tmpfs, memory
# expect: report
# image: all
# accepted-risk: 7
# summary: writes 1 MiB to /dev/shm and reads its size; escaped (accepted risk 7) when Docker's 64 MiB /dev/shm tmpfs accepts writes
"""/dev/shm, the second writable tmpfs.

Docker mounts a 64 MiB tmpfs on /dev/shm in every container with a private IPC namespace, even
with --read-only, so the writable temp space is not only the launcher's 16 MiB /tmp. Its pages are
charged to the container's memory cgroup and it disappears with the container; sandbox/README.md
lists it as Known Weakness 7, so a write here is an accepted risk (with the size as evidence).
`--ipc none` (no /dev/shm at all) or a small `--shm-size` would remove or shrink it.
"""
import errno
import json
import os
import sys

PATH = "/dev/shm/.sandbox-harness-shm-probe"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    try:
        st = os.statvfs("/dev/shm")
        size_mib = st.f_blocks * st.f_frsize >> 20
    except OSError as e:
        report(False, "no /dev/shm: %s" % errno.errorcode.get(e.errno, str(e)))
        return
    try:
        with open(PATH, "wb") as f:
            f.write(b"\x5a" * (1 << 20))
        written = True
        os.unlink(PATH)
    except OSError as e:
        written = False
        error = errno.errorcode.get(e.errno, str(e))
    if written:
        report(True, "/dev/shm (%d MiB tmpfs) accepted a 1 MiB write" % size_mib, size_mib=size_mib)
    else:
        report(False, "/dev/shm (%d MiB) refused the write: %s" % (size_mib, error), size_mib=size_mib, error=error)


main()
