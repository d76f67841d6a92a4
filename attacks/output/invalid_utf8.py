# sandbox-harness: probe
# id: out.invalid-utf8
# family: output
# controls: isolation
# expect: report
# image: all
# checked-by: tests/integration/test_run_default_suite.sh (reports and console valid UTF-8, free of raw payloads, ESC and NUL; tampered reports are its positive control)
# summary: writes invalid UTF-8 (stray continuation bytes, overlongs, surrogates, truncated sequences, 0xFE/0xFF) on stdout and stderr around its report line
"""Invalid UTF-8. Records and reports are JSON, XML and HTML: text that is not UTF-8 must be
escaped or replaced, never copied through raw and never crash a renderer. The report line itself
is valid; the bytes around it are not. Less than 4 KiB in total."""
import json
import os
import sys

BAD = [b"\x80", b"\xbf\xbf", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xf4\x90\x80\x80",
       b"\xf8\x88\x80\x80\x80", b"\xfe", b"\xff", b"\xe2\x82", b"\xf0\x9f\x98"]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    blob = b"before " + b" ".join(BAD) + b" after"
    os.write(1, blob + b"\n")
    os.write(2, blob + b"\n")
    report(False, "invalid UTF-8 written around this line on stdout and stderr", sequences=len(BAD))
    os.write(1, b"trailing " + b"".join(BAD) + b"\n" + b"\xff" * 256)
    os.write(2, b"\xed\xa0\x80" * 100)


main()
