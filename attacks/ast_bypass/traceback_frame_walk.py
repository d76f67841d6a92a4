# sandbox-harness: probe
# id: ast.traceback-frame-walk
# family: ast-bypass
# controls: isolation
# expect: report
# image: all
# summary: walks from an exception's traceback to a frame's builtins with computed attribute names (passes the AST check), imports ctypes and calls unshare(CLONE_NEWUSER) in a child; escaped if it succeeds
"""From a traceback to __import__.

Every exception carries __traceback__ (not on the check's list); its frame's builtins hold
__import__. The attribute names tb_frame and f_builtins are built at run time, so the check sees
no forbidden attribute. ctypes imported this way asks for a new user namespace (in a forked
child): only the seccomp filter stops it now.

Under a runtime that interposes a kernel of its own (gVisor), the call reaches that kernel, not the
host's: the probe says so and reports contained, with the release it reached as a claim
(host_claims) that the harness can check against the host's own.
"""
import json
import os
import sys


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


def builtins_via_traceback():
    try:
        raise ValueError("walk")
    except ValueError as e:
        tb = e.__traceback__
    frame = getattr(tb, "tb_" + "frame")
    return getattr(frame, "f_" + "builtins")


def main():
    imp = builtins_via_traceback()["__imp" + "ort__"]
    native = imp("cty" + "pes")
    r, w = os.pipe()
    pid = getattr(os, "fo" + "rk")()
    if pid == 0:
        libc = native.CDLL(None, use_errno=True)
        rc = libc.unshare(0x10000000)
        os.write(w, b"ok" if rc == 0 else str(native.get_errno()).encode())
        os._exit(0)
    os.close(w)
    out = os.read(r, 32).decode()
    os.close(r)
    os.waitpid(pid, 0)
    kernel = answering_kernel()
    succeeded = out == "ok"
    if succeeded and kernel["interposed"]:
        detail = "ctypes imported past the AST check; unshare(CLONE_NEWUSER) succeeded in the runtime's own kernel " \
                 "(Linux %s as it calls itself), not the host's" % kernel["release"]
    elif succeeded:
        detail = "ctypes imported past the AST check; unshare(CLONE_NEWUSER) succeeded"
    else:
        detail = "ctypes imported past the AST check; unshare(CLONE_NEWUSER) refused (errno %s)" % out
    report(succeeded and not kernel["interposed"], detail, imported="ctypes", unshare=out, answering_kernel=kernel,
           host_claims=kernel_claim(kernel))


main()
