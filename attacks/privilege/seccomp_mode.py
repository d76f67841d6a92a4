# sandbox-harness: probe
# id: priv.seccomp-mode
# family: privilege
# controls: isolation
# expect: report
# image: all
# summary: reads Seccomp and Seccomp_filters from /proc/self/status; escaped unless the mode is 2 (filter)
"""A seccomp filter must be in force (Docker's default profile): mode 2 with at least one filter."""
import json
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Seccomp"):
                k, v = line.split(":")
                fields[k] = int(v)
    mode = fields.get("Seccomp")
    escaped = mode != 2
    names = {0: "disabled", 1: "strict", 2: "filter"}
    detail = "seccomp mode %s (%s), %s filter(s)" % (mode, names.get(mode, "?"), fields.get("Seccomp_filters"))
    report(escaped, detail, **{k.lower(): v for k, v in fields.items()})


main()
