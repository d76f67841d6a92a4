# sandbox-harness: probe
# id: ast.exec-base64
# family: ast-bypass
# controls: ast, ulimits
# expect: report
# image: all
# summary: exec() of base64-encoded code that opens up to 4096 descriptors; the AST check rejects exec, and with the check off the nofile limit must stop it
"""Encoded code. The payload is invisible to any static check, but `exec` itself is a blocked
name, so the AST check rejects the script. With the check off, the payload (bounded at 4096
descriptors, all closed) meets the nofile ulimit of 256."""
import base64
import json
import sys

PAYLOAD = base64.b64encode(b"""
import os
fds = []
try:
    while len(fds) < 4096:
        fds.append(os.open("/dev/null", os.O_RDONLY))
except OSError:
    pass
RESULT["opened"] = len(fds)
for fd in fds:
    os.close(fd)
""")


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    scope = {"RESULT": {}}
    exec(base64.b64decode(PAYLOAD), scope)
    n = scope["RESULT"]["opened"]
    report(n >= 4096, "decoded payload ran and opened %d descriptors" % n, opened=n)


main()
