#!/usr/bin/env bash
# The held-back rule: with the network control removed (host network, AST check off), every probe
# that reaches the canary is escaped or error, whatever it prints. The probes in
# tests/data/lying/attacks all print `"escaped": false` and lie in one way each: a connection with
# no payload, no token, a late token, a UDP token past 512 bytes, the canary's reply in their own
# record, a flood of 5000 connections before the last one, another case's token. Two more forge
# a kill by their exit status (137, 153), and one prints a second report past the capture cap.
# Three fork a child for the memory limit to kill and then go on: finish within a timeout they
# were to run into (escaped), crash without a report (error), exit 137 themselves (error); the
# OOM kill in their container is not of their own process. None of them may be judged contained.
# One workload overloads the host by itself (40 threads hashing outside the GIL) until its
# timeout and passes when run again: its own load must not earn the re-run (fail, never flaky).
# Its positive control: the host's runnable tasks while it ran reach the overload threshold, so
# that before its own tasks were taken off, the re-run was granted and it came out flaky. One job at a time, so that each verdict shows its own class
# (with cases side by side, a hit no evidence ties to one case counts against each of them: the
# unit tests of core/canary_evidence cover that rule and framing).
source "$(dirname "$0")/lib.sh"
require_docker

mkdir -p "$TMP/root"
cp -r "$ROOT/tests/data/lying/attacks" "$ROOT/tests/data/lying/workloads" "$TMP/root/"
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
    "lie.oom-child-then-finishes": "escaped", "lie.oom-child-then-crashes": "error",
    "lie.oom-child-then-exits-137": "error",
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
for case in ("lie.oom-child-then-finishes", "lie.oom-child-then-crashes", "lie.oom-child-then-exits-137"):
    x = seen.get(case)
    obs = x["observation"] if x else {}
    # Positive control: the child was OOM-killed in the container, and the kernel log named it.
    if not (obs.get("oom_killed") and obs.get("oom_killed_pids") and obs.get("script", {}).get("script_pid")):
        print(f"BAD {case}: no OOM kill of its child was seen (oom_killed {obs.get('oom_killed')}, "
              f"pids {obs.get('oom_killed_pids')}, script {obs.get('script')}): the test shows nothing")
        bad += 1
    elif obs["script"]["script_pid"] in obs["oom_killed_pids"]:
        print(f"BAD {case}: the kernel log names the script's own pid, not its child's")
        bad += 1
overload = seen.get("lie.self-made-overload")
if overload:
    first = overload.get("first_attempt") or overload
    load = (first.get("host_load") if overload.get("first_attempt") else overload["observation"].get("host_load")) or {}
    threshold = 2 * load.get("cores", 1)  # --overloaded-at's default, 2 per CPU
    others = load.get("runnable_mean", 0) - load.get("own_runnable_mean", 0)
    print("self-made overload, first run:", load, "; re-run:", bool(overload.get("first_attempt")))
    if not load.get("own_counted") or load.get("runnable_mean", 0) < threshold:
        print("BAD positive control: its own threads did not overload the host (or were not counted), so the test shows nothing")
        bad += 1
    elif others >= threshold:
        # Others overloaded the host too (another job on it): a re-run is then honest, the case's
        # own load aside. The rule is checked only when the load was its own.
        print(f"note: others' load alone ({others:.1f}) reached the threshold: a re-run was allowed")
    elif overload.get("first_attempt") or overload["judgement"]["verdict"] != "fail":
        print("BAD lie.self-made-overload was run again on its own load: " + overload["judgement"]["verdict"])
        bad += 1
sys.exit(1 if bad else 0)
PY
expect_no_harness_containers "after the run"
echo "ok: no lying probe was judged contained"
