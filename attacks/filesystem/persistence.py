# sandbox-harness: probe
# id: fs.persistence
# family: filesystem
# controls: read-only, tmpfs, isolation
# expect: report
# image: all
# summary: looks for markers an earlier run planted (tmpfs, image dirs, the uid's kernel keyring), then plants its own; escaped if an earlier run's marker is found
"""Persistence from one run to the next.

Every run must start from the pristine image: nothing one script leaves behind may reach the next.
The probe first looks for markers left by an earlier run of itself, then plants fresh ones in every
writable place it can find (tmpfs mounts, world-writable image directories, the home directory)
and, if the keyctl syscalls are allowed, in the user keyring of its uid (keyrings belong to the
uid on the host, not to the container, so they outlive it; the key is given a 120 s timeout,
after linking the user keyring into the container's session keyring so that the key is possessed
and the timeout can be set).
A fresh run must never see a marker: the harness may run the probe twice in a row to show it.
Positive control: run it twice in the same container, or twice within 120 s with keyctl allowed.
"""
import ctypes
import json
import os
import sys
import time

NAME = ".sandbox-harness-persistence-marker"
DIRS = ["/tmp", "/dev/shm", "/var/tmp", "/run/lock", "/", os.environ.get("HOME", "/tmp")]
SYS_ADD_KEY, SYS_KEYCTL = 248, 250
KEY_SPEC_USER_KEYRING = -4
KEYCTL_SETPERM, KEYCTL_LINK, KEYCTL_SEARCH, KEYCTL_READ, KEYCTL_SET_TIMEOUT = 5, 8, 10, 11, 15
KEY_SPEC_SESSION_KEYRING = -3
KEY_PERM_POSSESSOR_AND_USER_ALL = 0x3F3F0000
KEY_DESC = b"sandbox-harness-persistence-marker"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def keyring(libc, stamp):
    """Returns (earlier marker or None, what happened)."""
    libc.syscall.restype = ctypes.c_long
    # Link the user keyring into this container's own session keyring: the keys in it are then
    # "possessed", which reading them and setting their timeout require.
    if libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(KEYCTL_LINK), ctypes.c_long(KEY_SPEC_USER_KEYRING),
                    ctypes.c_long(KEY_SPEC_SESSION_KEYRING)) < 0 and ctypes.get_errno() in (1, 38):
        return None, "keyctl blocked"
    key = libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(KEYCTL_SEARCH), ctypes.c_long(KEY_SPEC_USER_KEYRING),
                       b"user", KEY_DESC, ctypes.c_long(0))
    found = None
    if key >= 0:
        buf = ctypes.create_string_buffer(256)
        n = libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(KEYCTL_READ), ctypes.c_long(key), buf, ctypes.c_long(256))
        found = buf.raw[:max(n, 0)].decode("ascii", "replace")
    elif ctypes.get_errno() in (1, 38):  # EPERM, ENOSYS: keyctl is blocked
        return None, "keyctl blocked"
    new = libc.syscall(ctypes.c_long(SYS_ADD_KEY), b"user", KEY_DESC, stamp, ctypes.c_long(len(stamp)),
                       ctypes.c_long(KEY_SPEC_USER_KEYRING))
    if new < 0:
        return found, "add_key refused (errno %d)" % ctypes.get_errno()
    libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(KEYCTL_SETPERM), ctypes.c_long(new),
                 ctypes.c_long(KEY_PERM_POSSESSOR_AND_USER_ALL))
    libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(KEYCTL_SET_TIMEOUT), ctypes.c_long(new), ctypes.c_long(120))
    return found, "planted in the user keyring"


def main():
    stamp = ("%s pid %d at %.3f" % (os.uname().nodename, os.getpid(), time.time())).encode()
    found = {}
    planted = []
    for d in dict.fromkeys(DIRS):
        path = os.path.join(d, NAME)
        try:
            with open(path, "rb") as f:
                found[path] = f.read(200).decode("ascii", "replace")
        except OSError:
            pass
        try:
            with open(path, "wb") as f:
                f.write(stamp)
            planted.append(path)
        except OSError:
            pass
    libc = ctypes.CDLL(None, use_errno=True)
    earlier_key, key_status = keyring(libc, stamp)
    if earlier_key is not None:
        found["user keyring"] = earlier_key
    detail = ("markers from an earlier run: %s" % found) if found else \
        "no marker from an earlier run; planted %d (%s)" % (len(planted), key_status)
    report(found, detail, found=found, planted=planted, keyring=key_status, this_run=stamp.decode())


main()
