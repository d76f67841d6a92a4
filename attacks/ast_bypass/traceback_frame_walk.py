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
"""
import json
import os
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


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
    escaped = out == "ok"
    detail = ("ctypes imported past the AST check; unshare(CLONE_NEWUSER) succeeded") if escaped else \
        "ctypes imported past the AST check; unshare(CLONE_NEWUSER) refused (errno %s)" % out
    report(escaped, detail, imported="ctypes", unshare=out)


main()
