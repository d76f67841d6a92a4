# sandbox-harness: probe
# id: info.kallsyms
# family: info-leak
# controls: isolation, cap-drop
# expect: report
# image: all
# summary: reads /proc/kallsyms and counts non-zero kernel addresses; escaped if any address is shown
"""Kernel symbol addresses.

Real addresses in /proc/kallsyms defeat KASLR, the first step of most kernel exploits. The kernel
shows them only to readers with CAP_SYSLOG (depending on kptr_restrict and perf_event_paranoid);
everyone else sees zeros. Only the first 2000 lines are read.
"""
import json
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def sysctl(name):
    try:
        with open("/proc/sys/kernel/" + name) as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


def main():
    lines = nonzero = 0
    example = None
    try:
        with open("/proc/kallsyms") as f:
            for line in f:
                lines += 1
                addr = line.split(" ", 1)[0]
                if int(addr, 16) != 0:
                    nonzero += 1
                    example = example or line.strip()
                if lines >= 2000:
                    break
    except OSError as e:
        report(False, "/proc/kallsyms unreadable: %s" % e.strerror, kptr_restrict=sysctl("kptr_restrict"))
        return
    escaped = nonzero > 0
    detail = ("%d of %d symbols show a real address (e.g. %s)" % (nonzero, lines, example)) if escaped else \
        "all %d symbol addresses read as zero" % lines
    report(escaped, detail, lines_read=lines, nonzero=nonzero, kptr_restrict=sysctl("kptr_restrict"),
           perf_event_paranoid=sysctl("perf_event_paranoid"))


main()
