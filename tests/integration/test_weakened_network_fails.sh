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
