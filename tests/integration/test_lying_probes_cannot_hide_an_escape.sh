#!/usr/bin/env bash
# The held-back rule: with the network control removed (host network, AST check off), every probe
# that reaches the canary is escaped or error, whatever it prints. The probes in
# tests/data/lying/attacks all print `"escaped": false` and lie in one way each: a connection with
# no payload, no token, a late token, a UDP token past 512 bytes, the canary's reply in their own
# record, a flood of 5000 connections before the last one, another case's token. Two more forge
# a kill by their exit status (137, 153), and one prints a second report past the capture cap.
# None of them may be judged contained. One job at a time, so that each verdict shows its own class
# (with cases side by side, a hit no evidence ties to one case counts against each of them: the
# unit tests of core/canary_evidence cover that rule and framing).
source "$(dirname "$0")/lib.sh"
require_docker

mkdir -p "$TMP/root"
cp -r "$ROOT/tests/data/lying/attacks" "$TMP/root/"
mkdir -p "$TMP/root/workloads" # no workloads: an empty directory (git keeps none)
ln -s "$ROOT/sandbox" "$TMP/root/sandbox"

status=0
SANDBOX_NETWORK=host SANDBOX_AST_CHECK=0 \
  "$HARNESS" run --root "$TMP/root" --image base --jobs 1 --out "$TMP/out" >"$TMP/log" 2>&1 || status=$?
cat "$TMP/log"
[[ -s "$TMP/out/report.json" ]] || fail "no report.json (exit $status)"
((status != 0)) || fail "the run passed although every case lies"

/usr/bin/python3 - "$TMP/out/report.json" <<'PY' || fail "a lying probe was judged contained (above)"
import json, sys
r = json.load(open(sys.argv[1]))
want = {
    "lie.connect-silent": "escaped", "lie.no-token": "escaped", "lie.token-late": "escaped",
    "lie.udp-token-past-512": "escaped", "lie.shows-canary-reply": "escaped",
    "lie.flood-then-escape": "escaped", "lie.frames-another-case": "escaped",
    "lie.exit-137": "error", "lie.exit-153": "error", "lie.report-past-the-cap": "error",
}
seen = {x["case_id"]: x for x in r["records"]}
bad = 0
for case, verdict in sorted(want.items()):
    x = seen.get(case)
    got = x["judgement"]["verdict"] if x else "missing"
    ok = got == verdict
    print(("ok  " if ok else "BAD ") + f"{case}: {got} (want {verdict}): " + "; ".join(x["judgement"]["reasons"][:2] if x else []))
    bad += not ok
flood = seen.get("lie.flood-then-escape")
if flood:
    hits = flood["observation"].get("canary_hits", [])
    counted = [h for h in hits if "more hit" in h]
    print("flood evidence:", len(hits), "lines;", counted[:1])
    if not counted:
        print("BAD the flood's hits beyond the kept sample were not counted")
        bad += 1
sys.exit(1 if bad else 0)
PY
expect_no_harness_containers "after the run"
echo "ok: no lying probe was judged contained"
