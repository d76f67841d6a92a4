# sandbox-harness: probe
# id: priv.setuid-root
# family: privilege
# controls: user
# expect: report
# image: all
# summary: calls setresuid(0,0,0), setresgid(0,0,0) and setgroups([0]); escaped if the process ends up with uid or gid 0
"""Becoming root by asking. Without CAP_SETUID/CAP_SETGID these fail with EPERM; a process that is
already root succeeds trivially, which is also an escape (it runs as root)."""
import errno
import json
import os
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def attempt(fn, *args):
    try:
        fn(*args)
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def main():
    results = {
        "setgroups([0])": attempt(os.setgroups, [0]),
        "setresgid(0,0,0)": attempt(os.setresgid, 0, 0, 0),
        "setresuid(0,0,0)": attempt(os.setresuid, 0, 0, 0),
    }
    uids, gids = list(os.getresuid()), list(os.getresgid())
    escaped = 0 in uids or 0 in gids
    detail = ("now uids %s gids %s" % (uids, gids)) if escaped else "all refused: %s" % results
    report(escaped, detail, results=results, uids=uids, gids=gids)


main()
