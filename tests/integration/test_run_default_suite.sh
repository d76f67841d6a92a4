#!/usr/bin/env bash
# The nightly suite on both images passes under the default profile, writes every report, and
# leaves no container behind.
source "$(dirname "$0")/lib.sh"
require_docker

status=0
"$HARNESS" run --suite nightly --image all --jobs 2 --out "$TMP/out" --root "$ROOT" >"$TMP/log" 2>&1 || status=$?
cat "$TMP/log"
expect_status 0 "$status" "sandbox-harness run --suite nightly"

for f in records.jsonl report.json junit.xml summary.md report.html; do
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
[[ "$(harness_containers)" == 0 ]] || fail "containers left behind: $(docker ps -a --filter label=sandbox-harness.run)"
echo "ok: $total records, $probes probes, none bad"
