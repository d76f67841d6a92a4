# sandbox-harness: probe
# id: priv.uid-gid
# family: privilege
# controls: user
# expect: report
# image: all
# tags: smoke
# summary: reads real/effective/saved uids and gids and the supplementary groups; escaped if any of them is 0
"""The script must not run as root or with group root (`--user 65534:65534`)."""
import json
import os
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    uids = list(os.getresuid())
    gids = list(os.getresgid())
    groups = sorted(os.getgroups())
    zero = []
    if 0 in uids:
        zero.append("uid")
    if 0 in gids:
        zero.append("gid")
    if 0 in groups:
        zero.append("supplementary group")
    detail = ("root %s: uids %s gids %s groups %s" % ("/".join(zero), uids, gids, groups)) if zero else \
        "uids %s gids %s groups %s" % (uids, gids, groups)
    report(zero, detail, uids=uids, gids=gids, groups=groups)


main()
