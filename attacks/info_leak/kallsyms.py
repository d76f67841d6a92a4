# sandbox-harness: probe
# id: info.kallsyms
# family: info-leak
# controls: isolation, cap-drop
# expect: report
# image: all
# self-test: --self-test
# summary: reads /proc/kallsyms and counts non-zero kernel addresses; escaped if any address is shown
"""Kernel symbol addresses.

Real addresses in /proc/kallsyms defeat KASLR, the first step of most kernel exploits. The kernel
shows them only to readers with CAP_SYSLOG (depending on kptr_restrict and perf_event_paranoid);
everyone else sees zeros. Only the first 2000 lines are read.

`--self-test` (positive control where `17-isolation-privileged-root` cannot start: no other
weakening gives the reader CAP_SYSLOG) points the very same reading and counting at a file the probe
writes in /tmp in kallsyms format (some zeroed, some non-zero made-up addresses), which must report
escaped; the file is removed again.
"""
import json
import os
import sys

PATH = "/proc/kallsyms"
STAND_IN = ("0000000000000000 A fixed_percpu_data\n"
            "ffffffff81000000 T _stext\n"
            "ffffffff81000000 T _text\n"
            "0000000000000000 t self_test_hidden_symbol\n"
            "ffffffff81001000 T self_test_symbol\t[self_test]\n")


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


def check(path, **extra):
    lines = nonzero = 0
    example = None
    try:
        with open(path) as f:
            for line in f:
                lines += 1
                addr = line.split(" ", 1)[0]
                if int(addr, 16) != 0:
                    nonzero += 1
                    example = example or line.strip()
                if lines >= 2000:
                    break
    except OSError as e:
        report(False, "%s unreadable: %s" % (path, e.strerror), kptr_restrict=sysctl("kptr_restrict"), **extra)
        return
    escaped = nonzero > 0
    detail = ("%d of %d symbols show a real address (e.g. %s)" % (nonzero, lines, example)) if escaped else \
        "all %d symbol addresses read as zero" % lines
    report(escaped, detail, lines_read=lines, nonzero=nonzero, kptr_restrict=sysctl("kptr_restrict"),
           perf_event_paranoid=sysctl("perf_event_paranoid"), **extra)


def main():
    if sys.argv[1:] == ["--self-test"]:
        fake = "/tmp/.kallsyms-self-test"
        with open(fake, "w") as f:
            f.write(STAND_IN)
        try:
            check(fake, self_test=True, stand_in=fake)
        finally:
            os.unlink(fake)
        return
    check(PATH)


main()
