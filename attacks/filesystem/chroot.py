# sandbox-harness: probe
# id: fs.chroot
# family: filesystem
# controls: cap-drop, user
# expect: report
# image: all
# summary: calls chroot("/tmp") in a child; escaped if it succeeds
"""chroot(2) needs CAP_SYS_CHROOT, which Docker grants root by default and --cap-drop ALL removes.
With it, the old "chroot and walk up" tricks come back. The call is made in a forked child."""
import errno
import json
import os
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.chroot("/tmp")
            out = "ok"
        except OSError as e:
            out = errno.errorcode.get(e.errno, str(e))
        os.write(w, out.encode())
        os._exit(0)
    os.close(w)
    out = os.read(r, 64).decode()
    os.close(r)
    os.waitpid(pid, 0)
    report(out == "ok", "chroot(/tmp): %s" % out, result=out)


main()
