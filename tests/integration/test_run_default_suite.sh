#!/usr/bin/env bash
# The nightly suite on both images passes under the default profile, writes every report, and
# leaves no container behind; the output probes did not get through the harness's capture cap or
# into its reports (check_output_integrity.py, shown able to fail on tampered copies).
source "$(dirname "$0")/lib.sh"
require_docker

status=0
"$HARNESS" run --suite nightly --image all --jobs 2 --out "$TMP/out" --root "$ROOT" >"$TMP/log" 2>&1 || status=$?
cat "$TMP/log"
expect_status 0 "$status" "sandbox-harness run --suite nightly"

for f in records.jsonl report.json junit.xml summary.md report.html report.sarif; do
  [[ -s "$TMP/out/$f" ]] || fail "$f was not written"
done
[[ "$(json_get "$TMP/out/report.json" 'r["schema_version"]')" == 1 ]] || fail "report.json schema_version is not 1"
total=$(json_get "$TMP/out/report.json" 'len(r["records"])')
probes=$(json_get "$TMP/out/report.json" 'sum(1 for x in r["records"] if x["kind"]=="probe")')
bad=$(json_get "$TMP/out/report.json" 'sum(1 for x in r["records"] if x["judgement"]["verdict"] in ("fail","escaped","error"))')
[[ "$bad" == 0 ]] || fail "$bad records failed, escaped or errored"
(( probes >= 12 )) || fail "only $probes probe records"
/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$TMP/out/junit.xml" ||
  fail "junit.xml is not well-formed XML"

# run_efficiency's split is measured, not left at zero: the launchers' CPU (the harness's reaped
# children over the run) is the sum of every record's own launcher CPU (wait4 of each launcher),
# two measurements taken apart; and the two factors multiply to the ratio.
eff='r["meta"]["extra"]["run_efficiency"]'
launchers=$(json_get "$TMP/out/report.json" "$eff"'["factors"]["launchers_cpu_s"]')
per_record=$(json_get "$TMP/out/report.json" 'sum(x["launch"]["cpu_user_ms"] + x["launch"]["cpu_sys_ms"] for x in r["records"]) / 1000')
/usr/bin/python3 -c 'import sys; a, b = map(float, sys.argv[1:]); sys.exit(not (b > 0 and abs(a - b) <= 0.01 + 0.02 * b))' \
  "$launchers" "$per_record" || fail "run_efficiency: launchers_cpu_s $launchers, but the records' launchers used $per_record CPU-s"
product=$(json_get "$TMP/out/report.json" 'abs('"$eff"'["factors"]["idle_cores"] * '"$eff"'["factors"]["outside_engine"] - '"$eff"'["efficiency_ratio"]) < 1e-9')
[[ $product == True ]] || fail "run_efficiency: idle_cores × outside_engine is not the efficiency ratio"
echo "ok: run_efficiency: launchers $launchers CPU-s, the records' launchers $per_record CPU-s"

# The output probes (attacks/output/) attack the harness itself: its capture cap, the escaping of
# every report, the console. Their own reports always say "escaped": false; the evidence is here.
cap=262144 # RunnerConfig::output_cap_bytes, harness/run/runner.h
check=("$ROOT/tests/integration/check_output_integrity.py")
/usr/bin/python3 "${check[@]}" "$TMP/out" "$cap" "$TMP/log" || fail "the output probes got through the harness (above)"
# Positive controls: the same check on tampered copies of these reports names each problem.
tamper() { # tamper WHAT PYTHON-EDIT-OF-DIR EXPECTED-MESSAGE
  local said status=0
  rm -rf "$TMP/tampered" && cp -r "$TMP/out" "$TMP/tampered"
  /usr/bin/python3 -c "$2" "$TMP/tampered"
  said=$(/usr/bin/python3 "${check[@]}" "$TMP/tampered" "$cap") || status=$?
  [[ $status == 1 && $said == *"$3"* ]] || fail "positive control ($1): the check said (status $status): $said"
}
edit_flood='import json, sys
p = sys.argv[1] + "/report.json"; r = json.load(open(p))
rec = next(x for x in r["records"] if x["case_id"] == "out.stdout-flood")
'
tamper "raw script in the HTML report" 'import sys; open(sys.argv[1] + "/report.html", "a").write("<script>alert(\x27sandbox-harness\x27)</script>")' \
  "report.html: raw payload <script>"
tamper "an escape sequence in the Markdown summary" 'import sys; open(sys.argv[1] + "/summary.md", "a").write("\x1b[2J")' \
  "summary.md: raw ESC byte"
tamper "invalid UTF-8 in the Markdown summary" 'import sys; open(sys.argv[1] + "/summary.md", "ab").write(b"\xff")' \
  "summary.md: not valid UTF-8"
tamper "a forged JUnit testcase" 'import sys; p = sys.argv[1] + "/junit.xml"; s = open(p).read(); open(p, "w").write(s.replace("<testcase ", "<testcase name=\"forged\"/><testcase ", 1))' \
  "junit.xml: a forged testcase"
tamper "a flood kept beyond the cap" "$edit_flood"'rec["launch"]["stdout_text"] = "x" * '"$((cap + 1))"'; json.dump(r, open(p, "w"))' \
  "kept $((cap + 1)) bytes, more than the cap"
tamper "a flood not marked truncated" "$edit_flood"'rec["launch"]["stdout_truncated"] = False; json.dump(r, open(p, "w"))' \
  "not marked truncated"
echo "ok: the output-integrity check names each of 6 tampered reports"

expect_no_harness_containers "after the run"
echo "ok: $total records, $probes probes, none bad"

# The report and every line of records.jsonl match the shipped JSON Schemas (reports/schema/); the
# validator rejects a report with a key removed and one with a key of the wrong type (positive
# controls: it can fail).
validate_report "$TMP/out/report.json" "the nightly run's report.json"
validate_records "$TMP/out/records.jsonl"
python3 - "$TMP/out/report.json" "$TMP" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
no_id = json.loads(json.dumps(r)); del no_id["meta"]["run_id"]
json.dump(no_id, open(sys.argv[2] + "/no-run-id.json", "w"))
bad_type = json.loads(json.dumps(r)); bad_type["records"][0]["repetition"] = "0"
json.dump(bad_type, open(sys.argv[2] + "/repetition-as-text.json", "w"))
PY
for broken in no-run-id repetition-as-text; do
  if validate_json "$ROOT/reports/schema/report.schema.json" "$TMP/$broken.json"; then
    fail "the schema accepted a report.json with $broken: it cannot fail"
  fi
done
echo "ok: report.json and records.jsonl match their schemas; two broken reports rejected"
