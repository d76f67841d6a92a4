# sandbox-harness: probe
# id: ast.subclasses-walk
# family: ast-bypass
# controls: ast, user
# expect: report
# image: all
# summary: walks object.__subclasses__() to os._wrap_close and its module globals, then calls setresuid(0, 0, 0); the AST check rejects the walk, the user control must stop the rest
"""The classic sandbox-escape walk: from any object up to `object`, down its subclasses to a class
defined in the os module, and into that module's globals. The AST check rejects __class__-free
walks through __base__/__subclasses__/__globals__. With the check off, the os functions reached
that way try to become root: escaped if the process ends with uid 0."""
import json
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    found = None
    for cls in ().__class__.__base__.__subclasses__():
        if cls.__name__ == "_wrap_close":
            found = cls.__init__.__globals__
            break
    if found is None:
        report(False, "os._wrap_close not found among object's subclasses")
        return
    try:
        found["setresuid"](0, 0, 0)
        result = "ok"
    except OSError as e:
        result = e.strerror
    uid = found["getuid"]()
    report(uid == 0, "os reached through __subclasses__; setresuid(0,0,0): %s; uid now %d" % (result, uid),
           setresuid=result, uid=uid)


main()
