#!/usr/bin/env bash
# At SANDBOX_TIMEOUT the launcher kills and removes the container and exits 124 within about one
# second of the deadline: for a CPU-spinning script, and for one that ignores SIGTERM and SIGINT
# and forks children. Bound on the overshoot: 1.0 s (SANDBOX_TEST_OVERSHOOT), or, on a
# host so loaded that the engine itself needs longer, the time of a bare `docker rm -f` of a spinning
# container measured just before, plus 0.5 s. The measured figures are printed. The launcher
# leaves no process behind (checked under a subreaper).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

timeout_s=3
bound_us=$(/usr/bin/python3 -c 'import sys; print(int(float(sys.argv[1]) * 1e6))' "${SANDBOX_TEST_OVERSHOOT:-1.0}")

# The engine's own kill-and-remove time for a spinning container, on this host, now.
baseline=sbt-baseline-$$-$RANDOM
docker run -d --rm --name "$baseline" --label "$TEST_LABEL" --network none --cpus 1 --log-driver none \
  secure-python:latest python3 -c 'while True: pass' >/dev/null
wait_running "$baseline" 30
sleep 0.5
start=$(now_us)
docker rm -f "$baseline" >/dev/null
engine_us=$(($(now_us) - start))
printf 'measured: a bare docker rm -f of a spinning container took %s s\n' "$(micros_to_seconds "$engine_us")"
((engine_us + 500000 <= bound_us)) || bound_us=$((engine_us + 500000))

spin=$(write_script spin.py <<'PY'
print("spinning", flush=True)
while True:
    pass
PY
)
stubborn=$(write_script stubborn.py <<'PY'
import os, signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
for _ in range(3):
    if os.fork() == 0:
        while True:
            time.sleep(1)
print("forked 3 children", flush=True)
while True:
    time.sleep(1)
PY
)

check_timeout() { # check_timeout WHAT SCRIPT EXPECTED-FIRST-LINE [ENV...]
  local what=$1 script=$2 first=$3 name=sbt-timeout-$$-$RANDOM
  shift 3
  launch SANDBOX_TIMEOUT=$timeout_s "SANDBOX_NAME=$name" "$@" -- "$script"
  expect_eq "$what: launcher status" "$status" 124
  expect_eq "$what: the script ran before the deadline" "$(head -n1 "$TMP/out")" "$first"
  expect_contains "$what: launcher message" "$(cat "$TMP/err")" "timed out after ${timeout_s}s"
  local overshoot_us=$((${elapsed/./} - timeout_s * 1000000))
  printf 'measured: %s: exit after %s s, %s s past the %s s deadline\n' "$what" "$elapsed" \
    "$(micros_to_seconds "$overshoot_us")" "$timeout_s"
  ((overshoot_us <= bound_us)) ||
    fail "$what: the launcher exited $(micros_to_seconds "$overshoot_us") s after the deadline (bound $(micros_to_seconds "$bound_us") s)"
  ok "$what: exited within $(micros_to_seconds "$bound_us") s of the deadline"
  expect_no_container "$name"
}

check_timeout "CPU-spinning script" "$spin" spinning
check_timeout "SIGTERM-ignoring script with children" "$stubborn" "forked 3 children" SANDBOX_AST_CHECK=0

# The client the timeout kills is reaped by the launcher: under a subreaper nothing is left.
launch_as_subreaper SANDBOX_TIMEOUT=1 -- "$LAUNCHER" "$spin"
expect_eq "timed out under a subreaper: launcher status" "$status" 124
expect_eq "timed out: processes the launcher left behind" "$left" ""
