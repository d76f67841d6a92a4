#!/usr/bin/env bash
# The ablation run, targeted to stay short on CI: one run per weakened control (AST check off) of the
# probes that name that control, plus the default profile and the runtime alone. Every control must
# be caught by at least one probe, and with the AST check off the runtime alone must still contain
# every probe. Probes never seen to fail (neither escaped nor accepted-risk) are printed: each is a
# probe without a positive control in this matrix.
source "$(dirname "$0")/lib.sh"
require_docker

status=0
"$HARNESS" ablate --targeted --image base --jobs 2 --out "$TMP/ablate" --root "$ROOT" >"$TMP/log" 2>&1 || status=$?
tail -n 8 "$TMP/log"
[[ "$status" == 0 || "$status" == 1 ]] || { cat "$TMP/log"; fail "ablate exited $status (a harness error)"; }
uncovered=$(json_get "$TMP/ablate/coverage.json" '",".join(r["uncovered_controls"])')
[[ -z "$uncovered" ]] || fail "controls caught by no probe: $uncovered"
escapes=$(json_get "$TMP/ablate/validator-off/report.json" 'sum(1 for x in r["records"] if x["judgement"]["verdict"] in ("escaped","fail","error"))')
[[ "$escapes" == 0 ]] || fail "$escapes probes were not contained by the runtime alone"
expect_no_harness_containers "after the run"
echo "ok: every control caught; never seen to fail: $(json_get "$TMP/ablate/coverage.json" '", ".join(r["probes_never_failing"]) or "none"')"
