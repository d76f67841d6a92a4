# sandbox-harness: probe
# id: out.stderr-flood
# family: output
# controls: isolation
# expect: report
# image: all
# timeout: 30
# checked-by: tests/integration/test_run_default_suite.sh (capture capped, reports intact; tampered reports are its positive control) and sandbox/tests/output_flood_does_not_grow_docker_data_dir.sh (host logs; json-file is its positive control)
# summary: prints its report line, then 64 MiB of 1 KiB lines on stderr; the harness must cap what it keeps of stderr
"""Endless stderr, bounded at FLOOD bytes (64 MiB; the case timeout is 30 s because `docker run`
moves only tens of MB/s on a small host). Reported escaped false first (stdout); the harness
checks its stderr capture stayed bounded and did not block the run (a reader that drains only
stdout would deadlock against a full stderr pipe)."""
import json
import os
import sys

FLOOD = 64 << 20
CHUNK = (b"E" * 1023 + b"\n") * 1024


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    report(False, "report first; then %d MiB of 1 KiB lines on stderr (judged by the harness's capture cap)" % (
        FLOOD >> 20), bytes=FLOOD, stream="stderr")
    written = 0
    while written < FLOOD:
        written += os.write(2, CHUNK[: min(len(CHUNK), FLOOD - written)])


main()
