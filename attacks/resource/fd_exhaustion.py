# sandbox-harness: probe
# id: res.fd-exhaustion
# family: resource
# controls: ulimits
# expect: report
# image: all
# tags: smoke
# summary: opens /dev/null until EMFILE or 4096 descriptors; escaped at 4096 (16x the nofile limit of 256)
"""File-descriptor exhaustion, bounded at CAP descriptors, all closed again."""
import errno
import json
import os
import resource
import sys

CAP = 4096


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    fds = []
    error = None
    try:
        while len(fds) < CAP:
            fds.append(os.open("/dev/null", os.O_RDONLY))
    except OSError as e:
        error = errno.errorcode.get(e.errno, str(e.errno))
    n = len(fds)
    for fd in fds:
        os.close(fd)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    escaped = n >= CAP
    detail = ("%d descriptors open at once: no low descriptor limit" % n if escaped
              else "open failed with %s after %d descriptors" % (error, n))
    report(escaped, detail, opened=n, error=error, rlimit_nofile=[soft, hard])


main()
