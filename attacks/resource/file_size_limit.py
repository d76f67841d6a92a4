# sandbox-harness: probe
# id: res.file-size-limit
# family: resource
# controls: ulimits
# expect: report
# image: all
# summary: writes one byte at offset 32 MiB of a sparse /tmp file; escaped if RLIMIT_FSIZE (16 MiB) lets it through
"""The per-file size limit, tested without using space.

A sparse write past RLIMIT_FSIZE needs no free blocks, so the small /tmp cannot be what stops it.
Python ignores SIGXFSZ, so the limit shows up as EFBIG.
"""
import errno
import json
import os
import resource
import sys

OFFSET = 32 << 20
PATH = "/tmp/.fsize-probe"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    lim = [None if v == resource.RLIM_INFINITY else v for v in (soft, hard)]
    error = None
    size = None
    try:
        fd = os.open(PATH, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        try:
            os.pwrite(fd, b"x", OFFSET)
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
    except OSError as e:
        error = errno.errorcode.get(e.errno, str(e.errno))
    finally:
        try:
            os.unlink(PATH)
        except OSError:
            pass
    if error == "EROFS" or (error and error != "EFBIG"):
        detail = "could not test: %s" % error
        report(False, detail, error=error, rlimit_fsize=lim)
        return
    escaped = size is not None and size > OFFSET
    detail = ("a file grew to %d bytes past the 16 MiB limit" % size if escaped
              else "write at offset %d failed with %s" % (OFFSET, error))
    report(escaped, detail, error=error, size=size, rlimit_fsize=lim)


main()
