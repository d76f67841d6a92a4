# sandbox-harness: probe
# id: info.hostname
# family: info-leak
# controls: network, isolation
# expect: report
# image: all
# summary: reads the hostname (uname, /etc/hostname, /proc/sys/kernel/hostname); escaped unless it is the container's own id-like name
"""Host identity.

Docker names a container's UTS namespace after the container id (12 hex digits) unless told
otherwise; with the host's network it copies the host's name instead, which tells a script which
machine it runs on. Escaped when the name is not a 12-hex-digit id (or the sources disagree).
The kernel release, which is the host's by design, is left to info.kernel-version.
"""
import json
import os
import re
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def main():
    names = {"uname": os.uname().nodename,
             "/etc/hostname": read("/etc/hostname"), "/proc/sys/kernel/hostname": read("/proc/sys/kernel/hostname")}
    values = {v for v in names.values() if v is not None}
    id_like = all(re.fullmatch(r"[0-9a-f]{12}", v) for v in values)
    escaped = not id_like or len(values) != 1
    detail = ("hostname %s is not the container's id" % sorted(values)) if escaped else \
        "hostname is the container id %s" % values.pop()
    report(escaped, detail, names=names)


main()
