# sandbox-harness: probe
# id: out.report-injection
# family: output
# controls: isolation
# expect: report
# image: all
# checked-by: tests/integration/test_run_default_suite.sh (reports and console valid UTF-8, free of raw payloads, ESC and NUL; tampered reports are its positive control)
# summary: returns a report whose detail and evidence carry HTML, Markdown, XML/CDATA, CSV and shell metacharacters, a verdict-like key and a 64 KiB string
"""The report line is data from the untrusted side.

Its detail and evidence end up in records.jsonl, JUnit XML, Markdown and HTML reports: every one
of them must escape it. The probe also adds keys that look like harness fields ("verdict",
"contained", "stopped_by") to check that the harness takes the verdict from its own judgement
and never from the probe's JSON. Nothing else is done.
"""
import json
import sys

PAYLOADS = [
    "<script>alert('sandbox-harness')</script>",
    "<img src=x onerror=alert(1)>",
    "]]><injected/><![CDATA[",
    "</testcase><testcase name=\"forged\"/>",
    "| forged | table |\n|---|---|",
    "[link](javascript:alert(1)) ![img](http://example.invalid/x.png)",
    "`code` **bold** <!-- comment -->",
    "=cmd|' /C calc'!A0",
    "$(id) `id` ; rm -rf / #",
    "&amp; &lt; &#x27; &#0;",
    "{{7*7}} ${7*7}",
]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    report(False, " ".join(PAYLOADS), payloads=PAYLOADS, verdict="contained", contained=True,
           stopped_by="ast", long="x" * 65536)


main()
