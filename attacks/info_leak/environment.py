# sandbox-harness: probe
# id: info.environment
# family: info-leak
# controls: isolation
# expect: report
# image: all
# tags: smoke
# summary: lists the environment variables the script sees; escaped if any is outside the launcher's allowlist (names only are reported)
"""The environment must hold only what the launcher and the image set on purpose.

Allowed: PATH and HOSTNAME (Docker), HOME, LANG and PYTHONDONTWRITEBYTECODE (the launcher and the
image), OPENBLAS_NUM_THREADS (the science image keeps BLAS to one thread), LC_CTYPE (Python sets it
itself when it coerces a C locale). Anything else (SANDBOX_*,
DOCKER_*, a CI token, a cloud credential) leaked from the host side. Only names and value lengths
are reported, never values.
"""
import json
import os
import sys

ALLOWED = {"PATH", "HOSTNAME", "HOME", "LANG", "PYTHONDONTWRITEBYTECODE", "LC_CTYPE", "OPENBLAS_NUM_THREADS"}


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    names = sorted(os.environ)
    extra = [n for n in names if n not in ALLOWED]
    detail = ("variables outside the allowlist: " + ", ".join(extra)) if extra else \
        "only allowlisted variables: " + ", ".join(names)
    report(extra, detail, names=names, unexpected={n: len(os.environ[n]) for n in extra},
           home=os.environ.get("HOME"), path=os.environ.get("PATH"))


main()
