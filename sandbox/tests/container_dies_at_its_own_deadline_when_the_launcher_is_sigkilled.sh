#!/usr/bin/env bash
# The timeout survives the launcher. A launcher killed with SIGKILL runs no trap and removes
# nothing, so the host-side timeout is gone with it; the container must still end by itself, at
# its in-container deadline (PID 1 is timeout(1), deadline SANDBOX_TIMEOUT + 3 s from the
# container's start). The script makes it hard: it ignores SIGTERM, SIGINT and SIGHUP, tries to
# get rid of PID 1 from inside (SIGKILL and SIGSTOP to it, which the kernel drops for a namespace's
# init; ptrace access to it, checked the way the kernel checks an attach: opening /proc/1/mem),
# then spins. Only the launcher process is killed, once the script runs and well before the
# launcher's own deadline.
#
# Measured and printed: how long after the launcher's deadline the container is gone. Asserted only
# against a generous ceiling, SANDBOX_TEST_DEADLINE_CEILING seconds past that deadline (default
# 20), since hosts differ in speed. Outside evidence that the container ended by its own deadline:
# the engine's die event says 137 (SIGKILL) and the engine carried out no kill. Finally, with
# SANDBOX_TIMEOUT=0 there is no in-container deadline: a script that sleeps past the margin
# finishes.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

timeout_s=6
ceiling_s=${SANDBOX_TEST_DEADLINE_CEILING:-20}

script=$(write_script stubborn.py <<'PY'
import os, signal, time
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, signal.SIG_IGN)
pid1 = open("/proc/1/cmdline", "rb").read().split(b"\0")[0].decode()
for s in (signal.SIGKILL, signal.SIGSTOP):
    os.kill(1, s)
time.sleep(0.2)
state = open("/proc/1/stat").read().rsplit(")", 1)[1].split()[0]
try:
    os.close(os.open("/proc/1/mem", os.O_RDONLY))
    mem = "opened"
except OSError as e:
    mem = type(e).__name__
print("pid1", pid1, "state-after-sigkill-and-sigstop", state, "mem", mem, flush=True)
while True:
    pass
PY
)
name=sbt-deadline-$$-$RANDOM
since=$(date +%s.%N)
start=$(now_us)
SANDBOX_NAME=$name SANDBOX_TIMEOUT=$timeout_s "$LAUNCHER" "$script" >"$TMP/out" 2>"$TMP/err" &
launcher=$!
for ((i = 0; i < 300; i++)); do
  grep -qs '^pid1 ' "$TMP/out" && break
  kill -0 "$launcher" 2>/dev/null || break
  sleep 0.1
done
grep -qs '^pid1 ' "$TMP/out" || fail "the script did not report within 30 s, or the launcher ended first (its stderr: $(cat "$TMP/err"))"
client=$(pgrep -P "$launcher" -f -- "--name=$name" || true)
killed_us=$(($(now_us) - start))
kill -KILL "$launcher" 2>/dev/null || fail "the launcher had already exited (stderr: $(cat "$TMP/err"))"
rc=0
{ wait "$launcher"; } 2>/dev/null || rc=$? # braces: bash's "Killed" notice goes to /dev/null too
expect_eq "launcher status (SIGKILL)" "$rc" 137
((killed_us < timeout_s * 1000000)) ||
  fail "the launcher was killed only $(micros_to_seconds "$killed_us") s after its start, past its own ${timeout_s} s deadline (host too slow for this test)"
ok "the launcher was SIGKILLed $(micros_to_seconds "$killed_us") s after its start, before its ${timeout_s} s deadline"
[[ $(cat "$TMP/err") != *"timed out"* ]] || fail "the launcher's own timeout fired: $(cat "$TMP/err")"

container_exists "$name" || fail "container $name was gone right after the launcher was killed"
ok "container $name runs on without its launcher"

limit_us=$(((timeout_s + ceiling_s) * 1000000))
while container_exists "$name"; do
  (($(now_us) - start < limit_us)) ||
    fail "container $name still exists ${ceiling_s} s after the launcher's ${timeout_s} s deadline"
  sleep 0.1
done
gone_us=$(($(now_us) - start))
over_us=$((gone_us - timeout_s * 1000000))
printf 'measured: the container was gone %s s after the launcher started, %s s past its %s s deadline\n' \
  "$(micros_to_seconds "$gone_us")" "$(micros_to_seconds "$over_us")" "$timeout_s"
ok "the container ended by itself within ${ceiling_s} s of the deadline"

actions=$(docker events --since "$since" --until "$(date +%s.%N)" --filter "label=$TEST_LABEL" \
  --filter "container=$name" --format '{{.Action}}{{with .Actor.Attributes.exitCode}}={{.}}{{end}}' | xargs) ||
  fail "docker events failed, so the check cannot run"
expect_contains "engine events of the container" "$actions" "die=137"
[[ " $actions " != *" kill "* ]] || fail "the engine killed the container (events: $actions): not its own deadline"
ok "no kill by the engine: the in-container deadline ended it (events: $actions)"

if [[ -n $client ]]; then
  for ((i = 0; i < 50; i++)); do
    kill -0 "$client" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$client" 2>/dev/null; then
    kill -KILL "$client" 2>/dev/null || true
    fail "the orphaned docker client $client still ran 5 s after its container was gone"
  fi
  ok "the orphaned docker client exited with its container"
fi

read -r _ pid1 _ state _ mem <"$TMP/out"
expect_eq "inside: PID 1" "$pid1" timeout
[[ -n $state && $state != [Tt] ]] || fail "inside: PID 1 was stopped by the script's SIGSTOP (state '$state')"
ok "inside: PID 1 survived SIGKILL and SIGSTOP from the script (state $state)"
expect_eq "inside: opening /proc/1/mem (ptrace access to PID 1)" "$mem" PermissionError

# SANDBOX_TIMEOUT=0: no deadline inside either; 4 s is past the 3 s margin.
sleeper=$(write_script sleeper.py <<'PY'
import time
time.sleep(4)
print("finished")
PY
)
launch SANDBOX_TIMEOUT=0 -- "$sleeper"
expect_eq "SANDBOX_TIMEOUT=0: status of a script sleeping 4 s" "$status" 0
expect_eq "SANDBOX_TIMEOUT=0: output" "$(cat "$TMP/out")" finished
