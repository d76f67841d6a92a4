# sandbox-harness: probe
# id: fs.mount
# family: filesystem
# controls: cap-drop, isolation
# expect: report
# image: all
# summary: tries to mount a tmpfs directly and then inside a new user+mount namespace (in a child); escaped if either mount succeeds
"""mount(2).

Mounting needs CAP_SYS_ADMIN, which --cap-drop ALL removes, and Docker's seccomp profile refuses
mount without it. The second attempt is the usual way around missing capabilities: a new user
namespace grants them inside it. Either mount succeeding means the file-system code of the kernel
is open to the script. Only a small tmpfs is mounted, on a directory under /tmp, and unmounted
again; the namespaced attempt runs in a child whose namespaces die with it.
"""
import ctypes
import errno
import json
import os
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
TARGET = b"/tmp/.mount-probe"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def try_mount(libc):
    if libc.mount(b"sandbox-harness", TARGET, b"tmpfs", 0, b"size=64k") == 0:
        libc.umount2(TARGET, 0)
        return "mounted"
    return errno.errorcode.get(ctypes.get_errno(), "?")


def in_user_namespace():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
            out = "unshare " + errno.errorcode.get(ctypes.get_errno(), "?")
        else:
            out = try_mount(libc)
        os.write(w, out.encode())
        os._exit(0)
    os.close(w)
    out = os.read(r, 128).decode()
    os.close(r)
    os.waitpid(pid, 0)
    return out


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        os.mkdir(TARGET)
    except FileExistsError:
        pass
    direct = try_mount(libc)
    userns = in_user_namespace()
    os.rmdir(TARGET)
    escaped = direct == "mounted" or userns == "mounted"
    detail = "direct mount: %s; in a new user namespace: %s" % (direct, userns)
    report(escaped, detail, direct=direct, user_namespace=userns)


main()
