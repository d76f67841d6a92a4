# sandbox-harness: probe
# id: ast.rot13-compile
# family: ast-bypass
# controls: ast, pids, memory
# expect: report
# image: all
# summary: compile()s and runs rot13-encoded code that forks up to 160 sleeping children in 6 s; the AST check rejects compile, and with it off the pids limit must stop it
"""rot13 through the codecs module, then compile() and a function built from the code object.
`compile` is a blocked name, so the AST check rejects the script. With the check off, the payload
(a fork bomb bounded at 160 children and 6 s, all killed and reaped) meets the pids limit of 64:
more than 64 children with no fork failure is the escape.

Under gVisor (profiles/runsc.env) the memory limit stops the payload first: each process costs the
runtime about 4.5 MiB of the container's memory, so 256m runs out before the task limit
(RLIMIT_NPROC there) is reached; an OOM kill of the container is containment by `memory`, hence the
third control.
"""
import codecs
import json
import sys
import types

SOURCE = codecs.encode("""
def bomb():
    import os, signal, time
    r, w = os.pipe()
    kids = []
    failed = False
    end = time.monotonic() + 6
    try:
        while len(kids) < 160 and time.monotonic() < end:
            pid = os.fork()
            if pid == 0:
                signal.alarm(20)
                os.close(w)
                os.read(r, 1)
                os._exit(0)
            kids.append(pid)
    except OSError:
        failed = True
    os.close(w)
    for pid in kids:
        os.kill(pid, signal.SIGKILL)
    for pid in kids:
        os.waitpid(pid, 0)
    return len(kids), failed
""", "rot13")


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    module = compile(codecs.decode(SOURCE, "rot13"), "<rot13>", "exec")
    bomb = types.FunctionType(module.co_consts[0], {})
    n, failed = bomb()
    escaped = n >= 160 or (not failed and n > 64)
    report(escaped, "decoded payload forked %d children at once (fork %s)" % (n, "failed" if failed else "never failed"),
           children=n, fork_failed=failed)


main()
