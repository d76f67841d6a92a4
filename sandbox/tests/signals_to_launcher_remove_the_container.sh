#!/usr/bin/env bash
# SIGTERM, SIGINT and SIGHUP sent to the launcher (only to it, as a supervisor would) remove the
# running container, even one whose script ignores those signals, and the launcher exits 143, 130
# and 129.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images
# Job control: background jobs of a non-interactive shell would otherwise start with SIGINT ignored,
# and an ignored-at-entry signal cannot be trapped by the launcher.
set -m

script=$(write_script stubborn.py <<'PY'
import signal, time
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, signal.SIG_IGN)
print("running", flush=True)
time.sleep(120)
PY
)

for pair in TERM:143 INT:130 HUP:129; do
  sig=${pair%:*} want=${pair#*:} name=sbt-signal-$$-$RANDOM
  SANDBOX_NAME=$name SANDBOX_TIMEOUT=100 "$LAUNCHER" "$script" >"$TMP/out" 2>"$TMP/err" &
  launcher=$!
  wait_running "$name" 30
  for ((i = 0; i < 100; i++)); do grep -q running "$TMP/out" && break; sleep 0.1; done
  start=$(now_us)
  kill "-$sig" "$launcher"
  rc=0
  wait "$launcher" || rc=$?
  printf 'measured: SIG%s: launcher exited after %s s\n' "$sig" "$(micros_to_seconds $(($(now_us) - start)))"
  expect_eq "SIG$sig: launcher status" "$rc" "$want"
  expect_contains "SIG$sig: launcher message" "$(cat "$TMP/err")" "got SIG$sig: container $name removed"
  expect_no_container "$name"
done
