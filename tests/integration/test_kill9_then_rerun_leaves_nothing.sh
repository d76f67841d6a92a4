#!/usr/bin/env bash
# kill -9 of the harness in mid-run, then a new run: the new run removes what the dead one left,
# and once the orphaned launchers have ended, no container of either run remains.
source "$(dirname "$0")/lib.sh"
require_docker

"$HARNESS" run --suite probes --filter 'timeout.*' --image base --jobs 2 --out "$TMP/killed" --root "$ROOT" >"$TMP/log1" 2>&1 &
pid=$!
seen=0
for _ in $(seq 1 100); do
  seen=$(harness_containers)
  ((seen == 0)) || break
  sleep 0.1
done
((seen > 0)) || fail "the first run never started a container within 10 s"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true

status=0
"$HARNESS" run --suite workloads --filter 'wl.hello' --image base --out "$TMP/second" --root "$ROOT" >"$TMP/log2" 2>&1 || status=$?
cat "$TMP/log2"
expect_status 0 "$status" "the run after the kill"

# Orphaned launchers end on their own deadline; give them that long.
for _ in $(seq 1 150); do
  left=$(harness_containers)
  ((left == 0)) && ! pgrep -f "$ROOT/sandbox/run_secure_python.sh" >/dev/null && break
  sleep 0.2
done
expect_no_harness_containers "after the run"
echo "ok: nothing left behind"
