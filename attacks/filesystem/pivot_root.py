# sandbox-harness: probe
# id: fs.pivot-root
# family: filesystem
# controls: cap-drop, isolation
# expect: report
# image: all
# summary: calls pivot_root with non-existent paths, directly and in a new user+mount namespace; escaped if it gets past the permission check
"""pivot_root(2) with paths that do not exist, so it can never succeed: ENOENT, EINVAL or EBUSY
mean the call reached the kernel and passed the CAP_SYS_ADMIN check; EPERM means the seccomp
filter or the capability check stopped it. The namespaced attempt runs in a forked child."""
import ctypes
import errno
import json
import os
import sys

SYS_PIVOT_ROOT = 155
CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
STOPPED = {"EPERM", "ENOSYS", "EACCES"}


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def pivot(libc):
    libc.syscall.restype = ctypes.c_long
    r = libc.syscall(ctypes.c_long(SYS_PIVOT_ROOT), b"/nonexistent-new-root", b"/nonexistent-new-root/old")
    return "succeeded" if r == 0 else errno.errorcode.get(ctypes.get_errno(), "?")


def in_user_namespace():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
            out = "unshare " + errno.errorcode.get(ctypes.get_errno(), "?")
        else:
            out = pivot(libc)
        os.write(w, out.encode())
        os._exit(0)
    os.close(w)
    out = os.read(r, 128).decode()
    os.close(r)
    os.waitpid(pid, 0)
    return out


def main():
    direct = pivot(ctypes.CDLL(None, use_errno=True))
    userns = in_user_namespace()
    passed = [k for k, v in (("direct", direct), ("user namespace", userns))
              if v not in STOPPED and not v.startswith("unshare")]
    detail = "direct: %s; in a new user namespace: %s" % (direct, userns)
    report(passed, detail, direct=direct, user_namespace=userns)


main()
