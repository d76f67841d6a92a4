# sandbox-harness: probe
# id: ast.getattr-built-name
# family: ast-bypass
# controls: read-only
# expect: report
# image: all
# summary: reaches os.system through getattr with a name built at run time (passes the AST check) and has the shell write a marker in /var/tmp; escaped if the marker appears
"""getattr with a computed name.

The AST check rejects `os.system` and `getattr(os, "system")`, but it cannot know what
"sys" + "tem" evaluates to. So this script passes the check, and containment is up to the runtime:
the shell command tries to create a file in /var/tmp, a world-writable directory of the image that
only a read-only root protects. The marker is removed again if it was created.
"""
import json
import os
import sys

MARKER = "/var/tmp/.ast-bypass-getattr"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    run = getattr(os, "sys" + "tem")
    status = run("echo bypassed > %s 2>/dev/null" % MARKER)
    created = os.path.exists(MARKER)
    if created:
        os.unlink(MARKER)
    detail = ("os.system reached through getattr; the shell wrote %s" % MARKER) if created else \
        "os.system reached through getattr (AST check bypassed), but the write failed (status %d)" % status
    report(created, detail, shell_status=status, reached_os_system=True)


main()
