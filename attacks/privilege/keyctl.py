# sandbox-harness: probe
# id: priv.keyctl
# family: privilege
# controls: isolation
# expect: report
# image: all
# summary: calls keyctl(KEYCTL_GET_KEYRING_ID, session, create=0) and add_key with a bad pointer; escaped if either reaches the kernel
"""The kernel keyring.

Keyrings are not namespaced per container (they are per user), so a container could read or
plant keys of the same uid elsewhere on the host; the keyring code also has a history of bugs.
Docker's default seccomp profile refuses add_key, request_key and keyctl (EPERM). The calls
here change nothing: GET_KEYRING_ID with create=0 only looks up, and add_key gets an invalid
type pointer (EFAULT when it reaches the kernel).
"""
import ctypes
import errno
import json
import sys

SYS_ADD_KEY = 248
SYS_KEYCTL = 250
KEYCTL_GET_KEYRING_ID = 0
KEY_SPEC_SESSION_KEYRING = -3
BLOCKED = {"EPERM", "ENOSYS", "EACCES"}


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def syscall(nr, *args):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    return r, (errno.errorcode.get(ctypes.get_errno(), "?") if r == -1 else "ok")


def main():
    results = {}
    r, e = syscall(SYS_KEYCTL, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0)
    results["keyctl(GET_KEYRING_ID)"] = e if r == -1 else "keyring %d" % r
    r, e = syscall(SYS_ADD_KEY, -1, -1, -1, 0, KEY_SPEC_SESSION_KEYRING)
    results["add_key(bad pointers)"] = e
    reached = [k for k, v in results.items() if v not in BLOCKED]
    detail = ("reached the kernel: %s" % results) if reached else "refused: %s" % results
    report(reached, detail, results=results)


main()
