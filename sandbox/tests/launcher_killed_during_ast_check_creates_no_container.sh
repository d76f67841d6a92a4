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

# The kill must land while the check still runs, whatever the machine's speed: the check process is
# found and stopped (SIGSTOP) before the launcher is killed, so the launcher is provably still
# waiting for its verdict. The script is large so that the check is still running when it is found;
# if it was not (a check that finished first), the attempt is repeated with a larger script.
script=$TMP/big.py
since=
for attempt in 1 2 3; do
  for ((i = 0; i < 60000 * attempt; i++)); do printf 'x%d = 0\n' "$i"; done >"$script"
  printf 'print("ran")\n' >>"$script"
  chmod 644 "$script"
  name=sbt-gate-$$-$RANDOM
  since=$(date +%s.%N)
  SANDBOX_NAME=$name "$LAUNCHER" "$script" >"$TMP/out" 2>"$TMP/err" &
  launcher_pid=$!
  checker=
  for ((i = 0; i < 3000; i++)); do
    checker=$(pgrep -P "$launcher_pid" -f 'import ast_check' || true)
    [[ -z $checker ]] || break
    kill -0 "$launcher_pid" 2>/dev/null || break
    sleep 0.005
  done
  if [[ -n $checker ]] && kill -STOP "$checker" 2>/dev/null &&
    [[ $(ps -o stat= -p "$checker") == T* ]]; then
    break
  fi
  # The check had finished (or never started) before it could be stopped: clean up and retry.
  kill -TERM "$launcher_pid" 2>/dev/null || true
  wait "$launcher_pid" 2>/dev/null || true
  checker=
done
[[ -n $checker ]] || fail "could not catch the AST check running in 3 attempts (launcher stderr: $(cat "$TMP/err"))"
ok "the AST check (pid $checker) is stopped mid-check, $(wc -l <"$script") lines"
# The client is forked before the check, but on a busy host its exec of docker may come later.
client=
for ((i = 0; i < 50; i++)); do
  client=$(pgrep -f -- "--name=$name" | head -1 || true)
  [[ -z $client ]] || break
  sleep 0.1
done
[[ -n $client ]] || fail "no docker client for $name appeared within 5 s while the AST check was stopped"
kill -0 "$launcher_pid" 2>/dev/null || fail "the launcher exited while its AST check was stopped"
kill -KILL "$launcher_pid"
wait "$launcher_pid" 2>/dev/null || true
kill -KILL "$checker" 2>/dev/null || true
kill -CONT "$checker" 2>/dev/null || true
for ((i = 0; i < 50; i++)); do
  kill -0 "$client" 2>/dev/null || break
  sleep 0.1
done
! kill -0 "$client" 2>/dev/null || fail "the docker client $client still runs 5 s after the launcher was killed"
ok "the docker client exited by itself after the launcher was killed"
sleep 1 # let the event log catch up with anything that might have happened
expect_created_since "containers created after the launcher was killed (docker events)" "$since" ""
expect_eq "script output" "$(cat "$TMP/out")" ""
