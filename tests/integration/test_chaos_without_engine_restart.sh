#!/usr/bin/env bash
# `sandbox-harness chaos` as CI runs it: every fault but the engine restart (which stops every
# container on the host), each injected into a real run. Each fault is a positive control of one
# invariant (the run flags it), "none" the negative control; the command exits 0 only when every
# fault held, and chaos.json must say so fault by fault, with nothing left on the engine.
source "$(dirname "$0")/lib.sh"
require_docker

status=0
"$HARNESS" chaos --root "$ROOT" --out "$TMP/chaos" >"$TMP/log" 2>&1 || status=$?
cat "$TMP/log"
[[ -f $TMP/chaos/chaos.json && -f $TMP/chaos/chaos.md ]] || fail "chaos.json or chaos.md missing"
held=$(json_get "$TMP/chaos/chaos.json" '" ".join(sorted(f["fault"] for f in r["faults"] if f["status"] == "held"))')
others=$(json_get "$TMP/chaos/chaos.json" '"; ".join(f["fault"] + " " + f["status"] + ": " + f.get("reason", "") for f in r["faults"] if f["status"] != "held")')
echo "held: $held"
[[ -z $others ]] || fail "faults not held: $others"
for fault in none docker-kill docker-pause docker-stop launcher-sigkill-in-run launcher-sigkill \
  launcher-sigkill-pid1-stopped harness-sigint harness-sigterm harness-sigkill host-pressure disk-full; do
  [[ " $held " == *" $fault "* ]] || fail "fault $fault missing from chaos.json"
done
[[ " $held " != *" engine-restart "* ]] || fail "the engine was restarted without --allow-engine-restart"
expect_status 0 "$status" "chaos"
expect_no_harness_containers "after chaos"

# The deadline under gVisor, which lets a script stop PID 1: the same fault under runsc, where the
# engine has it (the launcher's watchdog outside the container must end it).
if docker info --format '{{range $name, $_ := .Runtimes}}{{$name}} {{end}}' | grep -qw runsc; then
  status=0
  "$HARNESS" chaos --root "$ROOT" --profile "$ROOT/sandbox/profiles/runsc.env" --fault launcher-sigkill-pid1-stopped \
    --out "$TMP/chaos-runsc" >"$TMP/log" 2>&1 || status=$?
  cat "$TMP/log"
  held=$(json_get "$TMP/chaos-runsc/chaos.json" '" ".join(f["fault"] + "=" + f["status"] for f in r["faults"])')
  [[ $held == "launcher-sigkill-pid1-stopped=held" ]] || fail "under runsc: $held"
  expect_status 0 "$status" "chaos under runsc"
  expect_no_harness_containers "after chaos under runsc"
else
  echo "skipped: the engine has no runsc: the launcher-sigkill-pid1-stopped fault under gVisor"
fi
