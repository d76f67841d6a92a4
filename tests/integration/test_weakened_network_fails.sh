#!/usr/bin/env bash
# With one control removed (host network instead of none, AST check off so the runtime alone is
# tested), the network probes reach the loopback canary: they are judged escaped and the run
# exits 1. The canary's own evidence, not only the probe's report, must show it.
source "$(dirname "$0")/lib.sh"
require_docker

status=0
SANDBOX_NETWORK=host SANDBOX_AST_CHECK=0 \
  "$HARNESS" run --suite probes --filter 'net.tcp-canary' --filter 'net.udp-canary' --image base --out "$TMP/out" --root "$ROOT" >"$TMP/log" 2>&1 || status=$?
cat "$TMP/log"
expect_status 1 "$status" "run under SANDBOX_NETWORK=host"
escaped=$(json_get "$TMP/out/report.json" 'sum(1 for x in r["records"] if x["judgement"]["verdict"]=="escaped")')
(( escaped >= 1 )) || fail "no probe escaped under SANDBOX_NETWORK=host"
hits=$(json_get "$TMP/out/report.json" 'sum(len(x["observation"].get("canary_hits",[])) for x in r["records"])')
(( hits >= 1 )) || fail "the canary saw no connection, so the verdict rested on the probe alone"
expect_no_harness_containers "after the run"
echo "ok: $escaped escaped, $hits canary hits"

# report.sarif: valid SARIF 2.1.0; the escape an error result on the probe's own file; a schema
# violation is caught (positive control: the validator can fail).
SANDBOX_NETWORK=host SANDBOX_AST_CHECK=0 \
  "$HARNESS" run --suite probes --filter 'net.tcp-canary' --filter 'fs.dev-shm-writable' --image base --out "$TMP/sarif" --root "$ROOT" >"$TMP/log" 2>&1 || true
validate_json "$(sarif_schema)" "$TMP/sarif/report.sarif" || { cat "$TMP/ajv.log"; fail "report.sarif is not valid SARIF 2.1.0"; }
python3 - "$TMP/sarif/report.sarif" "$TMP/broken.sarif" <<'PY' || fail "report.sarif does not show the escape and the accepted risk as it should"
import json, sys
s = json.load(open(sys.argv[1]))
run = s["runs"][0]
rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
assert {"net.tcp-canary", "fs.dev-shm-writable"} <= rules, rules
by = {r["ruleId"]: r for r in run["results"]}
esc = by["net.tcp-canary"]
assert esc["level"] == "error" and not esc.get("suppressions"), esc
assert esc["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "attacks/network/tcp_canary.py", esc
risk = by["fs.dev-shm-writable"]
assert risk["suppressions"][0]["status"] == "accepted" and "Known Weakness" in risk["suppressions"][0]["justification"], risk
del run["tool"]["driver"]["name"]
json.dump(s, open(sys.argv[2], "w"))
PY
if validate_json "$(sarif_schema)" "$TMP/broken.sarif"; then
  fail "the validator accepted a SARIF without runs[0].tool.driver.name: it cannot fail"
fi
echo "ok: report.sarif valid, the escape and the accepted risk shown; a broken one rejected"

# review: the security review of a flag change (host network proposed; the AST check off in both, so
# that the runtime alone is compared), both runs' reports match the report schema.
sed 's/^SANDBOX_NETWORK=.*/SANDBOX_NETWORK=host/' "$ROOT/sandbox/profiles/default.env" >"$TMP/host-network.env"
status=0
SANDBOX_AST_CHECK=0 "$HARNESS" review --proposed "$TMP/host-network.env" --suite probes --filter 'net.tcp-canary' --image base \
  --out "$TMP/review" --root "$ROOT" >"$TMP/review.log" 2>&1 || status=$?
expect_status 1 "$status" "review of a proposed host network"
grep -q "net.tcp-canary" "$TMP/review/review.md" || { cat "$TMP/review.log"; fail "review.md does not name the probe whose verdict changed"; }
for side in current proposed; do validate_report "$TMP/review/$side/report.json" "review's $side report.json"; done
echo "ok: review names the changed probe; both reports match the schema"
