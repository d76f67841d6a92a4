# sandbox-harness: probe
# id: out.nul-bytes
# family: output
# controls: isolation
# expect: report
# image: all
# checked-by: tests/integration/test_run_default_suite.sh (reports and console valid UTF-8, free of raw payloads, ESC and NUL; tampered reports are its positive control)
# summary: writes NUL bytes inside lines, a line of NULs and a NUL in the report's detail; the harness must keep the stream and the report intact
"""NUL bytes. C strings end at NUL: a capture or a renderer that uses them silently truncates
output (and could drop the report line after it). The report line sits after NULs on stdout and
carries an escaped NUL (\\u0000) in its JSON. Less than 1 KiB."""
import json
import os
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    os.write(1, b"before\x00after\n" + b"\x00" * 64 + b"\n")
    os.write(2, b"stderr\x00nul\n")
    report(False, "NUL bytes written before this line; this detail holds one: [\x00]", nul_in_detail=True)
    os.write(1, b"\x00tail\x00\n")


main()
