# sandbox-harness: probe
# id: priv.no-new-privs
# family: privilege
# controls: no-new-privileges
# expect: report
# image: all
# summary: reads NoNewPrivs from /proc/self/status and prctl(PR_GET_NO_NEW_PRIVS); escaped unless it is 1
"""The no_new_privs bit: once set, execve can never grant privileges (setuid bits, file caps).

Two witnesses, the NoNewPrivs line of /proc/self/status and prctl(PR_GET_NO_NEW_PRIVS); a kernel
that does not show the line (gVisor's) is judged by prctl alone.
"""
import ctypes
import json
import sys

PR_GET_NO_NEW_PRIVS = 39


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    status = None
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("NoNewPrivs:"):
                status = int(line.split(":")[1])
    libc = ctypes.CDLL(None, use_errno=True)
    via_prctl = libc.prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
    # A kernel without the status line (gVisor's) still answers prctl: then prctl alone decides.
    escaped = via_prctl != 1 or (status is not None and status != 1)
    detail = "NoNewPrivs is %s (prctl says %s)" % ("not shown in /proc/self/status" if status is None else status,
                                                  via_prctl)
    report(escaped, detail, status=status, prctl=via_prctl)


main()
