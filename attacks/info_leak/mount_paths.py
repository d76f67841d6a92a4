# sandbox-harness: probe
# id: info.mount-paths
# family: info-leak
# controls: isolation
# expect: report
# image: all
# accepted-risk: 6
# summary: reads /proc/self/mountinfo for host paths (the script's host path, Docker's overlay and container directories); escaped (accepted risk 6) when they show
"""Host paths in the mount table.

The script is bind-mounted read-only at /sandbox/main.py, and /proc/self/mountinfo shows where it
comes from on the host (its full host path, hence user and directory names), as well as Docker's
overlay layer directories and the container's full id. Known Weakness 6 accepts that the mounted
script is visible; the probe reports what it sees with the verdict accepted-risk.
"""
import json
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    host_paths = {}
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields = left.split()
            root, mnt = fields[3], fields[4]
            if root not in ("/",) and mnt in ("/sandbox/main.py", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"):
                host_paths[mnt] = root
            for opt in right.split()[-1].split(","):
                if opt.startswith(("upperdir=", "lowerdir=", "workdir=")):
                    host_paths.setdefault("overlay " + opt.split("=")[0], opt.split("=", 1)[1][:200])
    script = host_paths.get("/sandbox/main.py")
    escaped = bool(host_paths)
    detail = ("host paths visible; the script comes from %s" % script) if script else \
        ("host paths visible: %s" % ", ".join(sorted(host_paths)) if escaped else "no host path in the mount table")
    report(escaped, detail, host_paths=host_paths)


main()
