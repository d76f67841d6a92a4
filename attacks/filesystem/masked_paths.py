# sandbox-harness: probe
# id: fs.masked-paths
# family: filesystem
# controls: isolation
# expect: report
# image: all
# summary: reads the /proc and /sys paths Docker masks (kcore, keys, timer_list, sched_debug, acpi, scsi, firmware, ...); escaped if any yields content
"""Masked paths.

Docker hides host-revealing /proc and /sys entries by bind-mounting /dev/null over files and an
empty read-only tmpfs over directories. The probe reads at most 64 bytes of each file and lists
each directory; any content (or entries) means the mask is gone. /proc/kcore would be host kernel
memory: only its first bytes (the ELF magic) are ever read.
"""
import errno
import json
import os
import sys

FILES = ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
         "/proc/latency_stats"]
DIRS = ["/proc/acpi", "/proc/asound", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    results = {}
    exposed = []
    for p in FILES:
        try:
            with open(p, "rb") as f:
                data = f.read(64)
            results[p] = "%d bytes" % len(data)
            if data:
                exposed.append(p)
        except OSError as e:
            results[p] = errno.errorcode.get(e.errno, str(e))
    for p in DIRS:
        try:
            entries = os.listdir(p)
            results[p] = "%d entries" % len(entries)
            if entries:
                exposed.append(p)
        except OSError as e:
            results[p] = errno.errorcode.get(e.errno, str(e))
    detail = ("unmasked: " + ", ".join(exposed)) if exposed else "every masked path is empty or unreadable"
    report(exposed, detail, results=results)


main()
