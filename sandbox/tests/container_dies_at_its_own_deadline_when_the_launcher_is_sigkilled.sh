#!/usr/bin/env bash
# The timeout survives the launcher. A launcher killed with SIGKILL runs no trap and removes
# nothing, so the host-side timeout is gone with it; the container must still end: at its
# in-container deadline (PID 1 is timeout(1), deadline SANDBOX_TIMEOUT + 3 s from the container's
# start), or, when the script froze PID 1, by the launcher's watchdog outside the container (its own
# session, SANDBOX_TIMEOUT + 5 s after the launcher started, `docker rm -f`). The script makes it
# hard: it ignores SIGTERM, SIGINT and SIGHUP, tries to get rid of PID 1 from inside (SIGSTOP to it,
# and under runc SIGKILL too; ptrace access to it, checked the way the kernel checks an attach:
# opening /proc/1/mem), then spins. Only the launcher process is killed, once the script runs and
# well before the launcher's own deadline.
#
# Under runc the kernel drops both signals for a namespace's init: the engine's die event says 137
# (SIGKILL) and the engine carried out no kill. Under runsc (when the engine has it) gVisor lets the
# script stop PID 1 (its state T, read inside, is the positive control: the in-container deadline
# is frozen, and with the launcher of before this watchdog the container ran on past 16 s of a 2 s
# timeout); the container must be gone all the same, and the engine's kill event is the
# watchdog's. Without runsc that part is skipped (the rest still runs).
#
# Measured and printed: how long after the launcher's deadline the container is gone. Asserted only
# against a generous ceiling, SANDBOX_TEST_DEADLINE_CEILING seconds past the bound (default 20),
# since hosts differ in speed. Finally, with SANDBOX_TIMEOUT=0 there is no in-container deadline
# and no watchdog: a script that sleeps past the margin finishes.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

timeout_s=6
bound_s=$((timeout_s + 5)) # the watchdog: DEADLINE_MARGIN_S 3 + 1 + WATCHDOG_MARGIN_S 1
ceiling_s=${SANDBOX_TEST_DEADLINE_CEILING:-20}

script=$(write_script stubborn.py <<'PY'
import os, signal, sys, time
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, signal.SIG_IGN)
pid1 = open("/proc/1/cmdline", "rb").read().split(b"\0")[0].decode()
# Under gVisor a SIGKILL to PID 1 ends the container at once: only SIGSTOP freezes the deadline.
for s in (signal.SIGSTOP,) if sys.argv[1:] == ["stop-only"] else (signal.SIGKILL, signal.SIGSTOP):
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
# survives_sigkilled_launcher RUNTIME [ENV=VALUE...]: the stubborn script under that runtime.
survives_sigkilled_launcher() {
  local runtime=$1 name since start launcher client killed_us rc limit_us gone_us over_us actions i
  shift
  local args=()
  [[ $runtime == runsc ]] && args=(stop-only)
  name=sbt-deadline-$runtime-$$-$RANDOM
  since=$(date +%s.%N)
  start=$(now_us)
  : >"$TMP/out" # emptied here: the background launcher's own truncation may come after the first grep
  env "$@" SANDBOX_NAME="$name" SANDBOX_TIMEOUT=$timeout_s "$LAUNCHER" "$script" "${args[@]}" >"$TMP/out" 2>"$TMP/err" &
  launcher=$!
  for ((i = 0; i < 300; i++)); do
    grep -qs '^pid1 ' "$TMP/out" && break
    kill -0 "$launcher" 2>/dev/null || break
    sleep 0.1
  done
  grep -qs '^pid1 ' "$TMP/out" || fail "$runtime: the script did not report within 30 s, or the launcher ended first (its stderr: $(cat "$TMP/err"))"
  client=$(pgrep -P "$launcher" -f -- "--name=$name" || true)
  killed_us=$(($(now_us) - start))
  kill -KILL "$launcher" 2>/dev/null || fail "$runtime: the launcher had already exited (stderr: $(cat "$TMP/err"))"
  rc=0
  { wait "$launcher"; } 2>/dev/null || rc=$? # braces: bash's "Killed" notice goes to /dev/null too
  expect_eq "$runtime: launcher status (SIGKILL)" "$rc" 137
  ((killed_us < timeout_s * 1000000)) ||
    fail "$runtime: the launcher was killed only $(micros_to_seconds "$killed_us") s after its start, past its own ${timeout_s} s deadline (host too slow for this test)"
  ok "$runtime: the launcher was SIGKILLed $(micros_to_seconds "$killed_us") s after its start, before its ${timeout_s} s deadline"
  [[ $(cat "$TMP/err") != *"timed out"* ]] || fail "$runtime: the launcher's own timeout fired: $(cat "$TMP/err")"

  container_exists "$name" || fail "$runtime: container $name was gone right after the launcher was killed"
  ok "$runtime: container $name runs on without its launcher"

  limit_us=$(((bound_s + ceiling_s) * 1000000))
  while container_exists "$name"; do
    (($(now_us) - start < limit_us)) ||
      fail "$runtime: container $name still exists ${ceiling_s} s past its ${bound_s} s bound (timeout ${timeout_s} s)"
    sleep 0.1
  done
  gone_us=$(($(now_us) - start))
  over_us=$((gone_us - timeout_s * 1000000))
  printf 'measured: %s: the container was gone %s s after the launcher started, %s s past its %s s deadline (bound %s s)\n' \
    "$runtime" "$(micros_to_seconds "$gone_us")" "$(micros_to_seconds "$over_us")" "$timeout_s" "$bound_s"
  ok "$runtime: the container ended within ${ceiling_s} s of its ${bound_s} s bound"

  actions=$(docker events --since "$since" --until "$(date +%s.%N)" --filter "label=$TEST_LABEL" \
    --filter "container=$name" --format '{{.Action}}{{with .Actor.Attributes.exitCode}}={{.}}{{end}}' | xargs) ||
    fail "docker events failed, so the check cannot run"
  read -r _ pid1 _ state _ mem <"$TMP/out"
  expect_eq "$runtime: inside: opening /proc/1/mem (ptrace access to PID 1)" "$mem" PermissionError
  if [[ $runtime == runc ]]; then
    expect_eq "inside: PID 1" "$pid1" timeout
    [[ -n $state && $state != [Tt] ]] || fail "inside: PID 1 was stopped by the script's SIGSTOP (state '$state')"
    ok "inside: PID 1 survived SIGKILL and SIGSTOP from the script (state $state)"
    expect_contains "engine events of the container" "$actions" "die=137"
    [[ " $actions " != *" kill "* ]] || fail "the engine killed the container (events: $actions): not its own deadline"
    ok "no kill by the engine: the in-container deadline ended it (events: $actions)"
  else
    [[ $state == [Tt] ]] || fail "$runtime: positive control: the script's SIGSTOP did not stop PID 1 (state '$state'), so the watchdog was not needed"
    ok "$runtime: positive control: the script stopped PID 1 (state $state): the in-container deadline was frozen"
    [[ " $actions " == *" kill "* ]] || fail "$runtime: no kill by the engine (events: $actions): the watchdog did not remove it"
    ok "$runtime: the watchdog outside the container removed it (events: $actions)"
  fi
  for ((i = 0; i < 50; i++)); do
    pgrep -f -- "watchdog [0-9]* $name\$" >/dev/null || break
    sleep 0.1
  done
  ! pgrep -f -- "watchdog [0-9]* $name\$" >/dev/null || fail "$runtime: the watchdog of $name still runs after its container was gone"
  ok "$runtime: the watchdog exited with its container"

  if [[ -n $client ]]; then
    for ((i = 0; i < 50; i++)); do
      kill -0 "$client" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$client" 2>/dev/null; then
      kill -KILL "$client" 2>/dev/null || true
      fail "$runtime: the orphaned docker client $client still ran 5 s after its container was gone"
    fi
    ok "$runtime: the orphaned docker client exited with its container"
  fi
}

survives_sigkilled_launcher runc
runtimes=$(docker info --format '{{range $name, $_ := .Runtimes}}{{$name}} {{end}}')
if [[ " $runtimes" == *" runsc "* ]]; then
  survives_sigkilled_launcher runsc SANDBOX_PROFILE="$SANDBOX_DIR/profiles/runsc.env"
else
  printf 'skipped: the engine has no runsc runtime (it has: %s): the gVisor half\n' "${runtimes% }"
fi

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
