#!/usr/bin/python3
"""check_output_integrity.py OUT_DIR CAP_BYTES [CONSOLE_LOG]: what the output probes (attacks/output/)
attack is the harness itself, so their escape shows here, not in their reports.

Checks a run's report.json, report.html, summary.md, junit.xml and report.sarif (and the console log):
- capture stays capped: out.stdout-flood, out.stderr-flood and out.huge-line pushed at least 64 MiB
  at the harness, which counted every byte, marked the stream truncated and kept at most CAP_BYTES;
- reports stay escaped: out.report-injection's HTML, XML and Markdown payloads never appear raw,
  junit.xml parses and holds no forged element, and every rendered file (and the console) is valid
  UTF-8 despite out.invalid-utf8 and free of the raw escape and NUL bytes of out.terminal-escapes
  and out.nul-bytes.
Every out.* record must be present (a missing one would make the checks vacuous).
Prints one line per problem and exits 1 if there is any; exits 0 with a summary otherwise.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

FLOODS = {"out.stdout-flood": "stdout", "out.stderr-flood": "stderr", "out.huge-line": "stdout"}
FLOOD_BYTES = 64 << 20
RAW_PAYLOADS = ["<script>alert('sandbox-harness')</script>", "<img src=x onerror=alert(1)>"]
OUTPUT_PROBES = set(FLOODS) | {"out.report-injection", "out.terminal-escapes", "out.nul-bytes",
                               "out.invalid-utf8"}


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__.splitlines()[0] + "\n")
        return 2
    out, cap = argv[1], int(argv[2])
    problems = []
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        records = json.load(f)["records"]

    seen = {r["case_id"] for r in records}
    problems += ["no record of %s" % c for c in sorted(OUTPUT_PROBES - seen)]
    floods = 0
    for r in records:
        stream = FLOODS.get(r["case_id"])
        if not stream:
            continue
        floods += 1
        launch, where = r["launch"], "%s [%s] %s" % (r["case_id"], r["image"], stream)
        seen_bytes, kept = launch[stream + "_bytes"], len(launch[stream + "_text"].encode("utf-8"))
        if seen_bytes < FLOOD_BYTES:
            problems.append("%s: only %d bytes reached the harness (the flood is %d)" % (where, seen_bytes, FLOOD_BYTES))
        if not launch[stream + "_truncated"]:
            problems.append("%s: not marked truncated after %d bytes" % (where, seen_bytes))
        if kept > cap:
            problems.append("%s: kept %d bytes, more than the cap of %d" % (where, kept, cap))

    paths = {name: os.path.join(out, name) for name in ("report.html", "summary.md", "junit.xml", "report.sarif")}
    if len(argv) == 4:
        paths["console log"] = argv[3]
    rendered = {}
    for name, path in paths.items():
        with open(path, "rb") as f:
            rendered[name] = f.read()
    for name, data in rendered.items():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append("%s: not valid UTF-8 at offset %d" % (name, e.start))
        for byte, what in ((b"\x1b", "ESC"), (b"\x00", "NUL")):
            if byte in data:
                problems.append("%s: raw %s byte at offset %d" % (name, what, data.index(byte)))
    for name in ("report.html", "summary.md"):
        for payload in RAW_PAYLOADS:
            if payload.encode() in rendered[name]:
                problems.append("%s: raw payload %s" % (name, payload))
    try:
        root = ET.fromstring(rendered["junit.xml"])
    except ET.ParseError as e:
        problems.append("junit.xml: not well-formed (%s)" % e)
    try:
        json.loads(rendered["report.sarif"])
    except ValueError as e:
        problems.append("report.sarif: not valid JSON (%s)" % e)
    else:
        if any(True for _ in root.iter("injected")):
            problems.append("junit.xml: an injected element")
        if any(t.get("name") == "forged" for t in root.iter("testcase")):
            problems.append("junit.xml: a forged testcase")

    for p in problems:
        print("output integrity: " + p)
    if problems:
        return 1
    print("output integrity: ok (%d flood records capped at %d bytes; %d files valid UTF-8, free of raw payloads, ESC and NUL)"
          % (floods, cap, len(rendered)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
