# sandbox-harness: probe
# id: fs.open-by-handle
# family: filesystem
# controls: cap-drop, isolation
# expect: report
# image: all
# summary: calls name_to_handle_at and open_by_handle_at (the "shocker" escape) with a bogus inode handle; escaped if open_by_handle_at passes its CAP_DAC_READ_SEARCH check
"""open_by_handle_at(2).

With CAP_DAC_READ_SEARCH, open_by_handle_at opens any inode of a mounted file system by number,
including inodes outside the container's root (Docker's 2014 "shocker" breakout). Docker removes
the capability and its seccomp profile refuses the call. Here the handle is bogus (inode 0,
generation 0 of the file system holding /etc/hostname): ESTALE, EINVAL or EBADF mean the call got
past the permission check; EPERM means it was stopped. Nothing is opened.

Under a runtime that interposes a kernel of its own (gVisor), the call reaches that kernel, not the
host's: the probe says so and reports contained, with the release it reached as a claim
(host_claims) that the harness can check against the host's own. (gVisor 20221219 answers both calls
with EOPNOTSUPP: not implemented.)
"""
import ctypes
import errno
import json
import os
import struct
import sys

SYS_NAME_TO_HANDLE_AT = 303
SYS_OPEN_BY_HANDLE_AT = 304
FILEID_INO32_GEN = 1
STOPPED = {"EPERM", "ENOSYS", "EACCES"}


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


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    handle = ctypes.create_string_buffer(struct.pack("=Ii", 128, 0), 8 + 128)
    mount_id = ctypes.c_int(0)
    r = libc.syscall(ctypes.c_long(SYS_NAME_TO_HANDLE_AT), ctypes.c_long(-100), b"/etc/hostname", handle,
                     ctypes.byref(mount_id), ctypes.c_long(0))
    name_to_handle = "ok" if r == 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    bogus = ctypes.create_string_buffer(struct.pack("=IiII", 8, FILEID_INO32_GEN, 0, 0), 16)
    mount_fd = os.open("/etc/hostname", os.O_RDONLY)
    r = libc.syscall(ctypes.c_long(SYS_OPEN_BY_HANDLE_AT), ctypes.c_long(mount_fd), bogus, ctypes.c_long(os.O_RDONLY))
    if r >= 0:
        os.close(r)
        open_by_handle = "opened"
    else:
        open_by_handle = errno.errorcode.get(ctypes.get_errno(), "?")
    os.close(mount_fd)
    kernel = answering_kernel()
    passed = open_by_handle not in STOPPED
    detail = "open_by_handle_at: %s; name_to_handle_at: %s" % (open_by_handle, name_to_handle)
    if passed and kernel["interposed"]:
        detail += " (the runtime's own kernel, Linux %s as it calls itself, not the host's: its handles name only " \
                  "its own files)" % kernel["release"]
    report(passed and not kernel["interposed"], detail, open_by_handle_at=open_by_handle,
           name_to_handle_at=name_to_handle, answering_kernel=kernel, host_claims=kernel_claim(kernel))


main()
