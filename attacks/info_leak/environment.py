# sandbox-harness: probe
# id: info.environment
# family: info-leak
# controls: isolation
# expect: report
# image: all
# self-test: --self-test
# tags: smoke
# summary: lists the environment variables the script sees; escaped if any is outside the launcher's allowlist (names only are reported)
"""The environment must hold only what the launcher and the image set on purpose.

Allowed: PATH and HOSTNAME (Docker), HOME, LANG and PYTHONDONTWRITEBYTECODE (the launcher and the
image), OPENBLAS_NUM_THREADS (the science image keeps BLAS to one thread), LC_CTYPE (Python sets it
itself when it coerces a C locale). Anything else (SANDBOX_*,
DOCKER_*, a CI token, a cloud credential) leaked from the host side. Only names and value lengths
are reported, never values.

`--self-test` (positive control: no profile adds a variable, and the launcher passes none through)
sets one variable outside the allowlist in the probe's own environment (os.environ, so putenv as
well) and then runs the very same check, which must report escaped; the variable is removed again
and its value is a dummy.
"""
import json
import os
import sys

ALLOWED = {"PATH", "HOSTNAME", "HOME", "LANG", "PYTHONDONTWRITEBYTECODE", "LC_CTYPE", "OPENBLAS_NUM_THREADS"}
STAND_IN = "SANDBOX_HARNESS_SELF_TEST_TOKEN"  # shaped like a leaked CI or cloud credential


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def check(**extra_evidence):
    names = sorted(os.environ)
    extra = [n for n in names if n not in ALLOWED]
    detail = ("variables outside the allowlist: " + ", ".join(extra)) if extra else \
        "only allowlisted variables: " + ", ".join(names)
    report(extra, detail, names=names, unexpected={n: len(os.environ[n]) for n in extra},
           home=os.environ.get("HOME"), path=os.environ.get("PATH"), **extra_evidence)


def main():
    if sys.argv[1:] == ["--self-test"]:
        os.environ[STAND_IN] = "self-test-dummy-value"
        try:
            check(self_test=True)
        finally:
            del os.environ[STAND_IN]
        return
    check()


main()
