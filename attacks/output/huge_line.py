# sandbox-harness: probe
# id: out.huge-line
# family: output
# controls: isolation
# expect: report
# image: all
# timeout: 30
# checked-by: tests/integration/test_run_default_suite.sh (capture capped, reports intact; tampered reports are its positive control) and sandbox/tests/output_flood_does_not_grow_docker_data_dir.sh (host logs; json-file is its positive control)
# summary: prints its report line, then one 64 MiB line with no newline on stdout; the harness must not buffer an unbounded line
"""One huge line. Line-oriented readers that wait for a newline before applying a cap keep
everything; the harness must cap bytes, not lines. Reported escaped false first."""
import json
import os
import sys

SIZE = 64 << 20
CHUNK = b"L" * (1 << 20)


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    report(False, "report first; then a single %d MiB line without a newline" % (SIZE >> 20), bytes=SIZE)
    written = 0
    while written < SIZE:
        written += os.write(1, CHUNK[: min(len(CHUNK), SIZE - written)])


main()
