# sandbox-harness: probe
# id: out.stdout-flood
# family: output
# controls: isolation
# expect: report
# image: all
# timeout: 30
# checked-by: tests/integration/test_run_default_suite.sh (capture capped, reports intact; tampered reports are its positive control) and sandbox/tests/output_flood_does_not_grow_docker_data_dir.sh (host logs; json-file is its positive control)
# summary: prints its report line first, then 64 MiB of 1 KiB lines on stdout; the harness must cap what it keeps and still judge the run
"""Endless output, bounded at FLOOD bytes (64 MiB: far beyond any
sensible capture cap, and still quick through `docker run`'s attach stream, which moves only
tens of MB/s on a small host; the case timeout is 30 s for the same reason).

The sandbox passes stdout through untouched, so whoever captures it (the harness, an application)
must cap it. The probe cannot see that from inside: it reports escaped false itself, first, before
the flood, so that a capture keeping the head of the stream still has the report. The harness
checks that it kept a bounded amount and that the record and the reports are well formed.
"""
import json
import os
import sys

FLOOD = 64 << 20
CHUNK = (b"A" * 1023 + b"\n") * 1024


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    report(False, "report first; then %d MiB of 1 KiB lines on stdout (judged by the harness's capture cap)" % (
        FLOOD >> 20), bytes=FLOOD, stream="stdout")
    written = 0
    while written < FLOOD:
        written += os.write(1, CHUNK[: min(len(CHUNK), FLOOD - written)])


main()
