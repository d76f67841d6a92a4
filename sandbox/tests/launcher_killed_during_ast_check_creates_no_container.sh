#!/usr/bin/env bash
# The AST gate is fail-safe: the docker client starts before the check ends and waits for its
# environment on a pipe, so if the launcher dies (SIGKILL: no trap runs) before the check has
# passed, the client must still create no container. It relies on one behaviour of the docker CLI,
# checked first: an --env-file holding invalid UTF-8 (the gate's half-written first line) is
# refused before anything is created. Positive control: the same line completed is accepted.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

status=0
printf '# gate \xc3' | docker run --rm --log-driver=none --label "$TEST_LABEL" --network=none \
  --env-file /dev/stdin secure-python:latest python3 -c 'print("ran")' >"$TMP/out" 2>"$TMP/err" || status=$?
expect_eq "docker run with a half-written UTF-8 env line: status" "$status" 125
expect_contains "docker's message" "$(cat "$TMP/err")" "invalid utf8"
expect_eq "docker run with a half-written UTF-8 env line: stdout" "$(cat "$TMP/out")" ""
status=0
printf '# gate \xc3\xa9\nHOME=/tmp\n' | docker run --rm --log-driver=none --label "$TEST_LABEL" --network=none \
  --env-file /dev/stdin secure-python:latest python3 -c 'import os; print(os.environ["HOME"])' >"$TMP/out" 2>"$TMP/err" || status=$?
expect_eq "positive control, the line completed: output" "$(cat "$TMP/out")" "/tmp"

# A script big enough that the check takes well over a second, so that the kill lands during it.
script=$TMP/big.py
for ((i = 0; i < 60000; i++)); do printf 'x%d = 0\n' "$i"; done >"$script"
printf 'print("ran")\n' >>"$script"
chmod 644 "$script"
lines=$(wc -l <"$script")

name=sbt-gate-$$-$RANDOM
since=$(date +%s.%N)
SANDBOX_NAME=$name "$LAUNCHER" "$script" >"$TMP/out" 2>"$TMP/err" &
launcher_pid=$!
sleep 0.5
client=$(pgrep -f -- "--name=$name" | head -1 || true)
[[ -n $client ]] || fail "no docker client for $name was running 0.5 s into the AST check ($lines lines)"
kill -0 "$launcher_pid" 2>/dev/null || fail "the launcher had already exited 0.5 s into the AST check ($lines lines)"
kill -KILL "$launcher_pid"
wait "$launcher_pid" 2>/dev/null || true
for ((i = 0; i < 50; i++)); do
  kill -0 "$client" 2>/dev/null || break
  sleep 0.1
done
! kill -0 "$client" 2>/dev/null || fail "the docker client $client still runs 5 s after the launcher was killed"
ok "the docker client exited by itself after the launcher was killed"
sleep 1 # let the event log catch up with anything that might have happened
expect_eq "containers created after the launcher was killed (docker events)" "$(containers_created_since "$since")" ""
expect_eq "script output" "$(cat "$TMP/out")" ""
