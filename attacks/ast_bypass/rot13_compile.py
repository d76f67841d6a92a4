# sandbox-harness: probe
# id: ast.rot13-compile
# family: ast-bypass
# controls: ast, pids
# expect: report
# image: all
# summary: compile()s and runs rot13-encoded code that forks up to 256 sleeping children; the AST check rejects compile, and with it off the pids limit must stop it
"""rot13 through the codecs module, then compile() and a function built from the code object.
`compile` is a blocked name, so the AST check rejects the script. With the check off, the payload
(a fork bomb bounded at 256 children, all killed and reaped) meets the pids limit of 64."""
import codecs
import json
import sys
import types

SOURCE = codecs.encode("""
def bomb():
    import os, signal
    r, w = os.pipe()
    kids = []
    try:
        while len(kids) < 256:
            pid = os.fork()
            if pid == 0:
                signal.alarm(20)
                os.close(w)
                os.read(r, 1)
                os._exit(0)
            kids.append(pid)
    except OSError:
        pass
    os.close(w)
    for pid in kids:
        os.kill(pid, signal.SIGKILL)
    for pid in kids:
        os.waitpid(pid, 0)
    return len(kids)
""", "rot13")


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    module = compile(codecs.decode(SOURCE, "rot13"), "<rot13>", "exec")
    bomb = types.FunctionType(module.co_consts[0], {})
    n = bomb()
    report(n >= 256, "decoded payload forked %d children at once" % n, children=n)


main()
