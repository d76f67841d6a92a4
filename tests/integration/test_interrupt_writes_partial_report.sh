#!/usr/bin/env bash
# SIGINT to the harness mid-run: it stops the running cases through their launchers, removes every
# container of the run, writes reports of what was judged, marks them interrupted, exits 130.
source "$(dirname "$0")/lib.sh"
require_docker

"$HARNESS" run --suite probes --filter 'timeout.*' --image base --jobs 2 --out "$TMP/out" --root "$ROOT" >"$TMP/log" 2>&1 &
pid=$!
seen=0
for _ in $(seq 1 100); do
  seen=$(harness_containers)
  ((seen == 0)) || break
  sleep 0.1
done
((seen > 0)) || fail "the run never started a container within 10 s, so the interrupt would test nothing: $(cat "$TMP/log")"
kill -INT "$pid"
status=0
wait "$pid" || status=$?
cat "$TMP/log"
expect_status 130 "$status" "run interrupted by SIGINT"
[[ -s "$TMP/out/report.json" ]] || fail "no report.json after the interrupt"
[[ "$(json_get "$TMP/out/report.json" 'r["meta"]["interrupted"]')" == True ]] || fail "report.json does not say interrupted"
expect_no_harness_containers "after the run"
echo "ok"
