#!/usr/bin/env bash
# Through a pool (SANDBOX_POOL), a script's stdout is byte-exact, its stderr separate, its arguments
# intact, and its status the launcher's: its own, 128+N for a signal, 124 at its deadline, which
# counts from the hand-over (a slot that idled longer than the timeout still runs a script), 126
# for an AST rejection (no slot used), 125 for a script over the pool's cap or a profile that is
# not the pool's (no slot used either). The status comes from PID 1's exit line, which a script
# cannot forge (it lacks the run's token).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images
require_pool_binary

socket=$TMP/pool.sock
# The pool and the launcher must agree on the profile: both get SANDBOX_TIMEOUT=2.
start_pool "$socket" 2 SANDBOX_TIMEOUT=2 -- --max-script-bytes 4096
warm() { # warm [ENV=VALUE...] -- SCRIPT [ARGS...]: the launcher on the warm path
  local envs=(SANDBOX_POOL="$socket" SANDBOX_TIMEOUT=2 SANDBOX_LABELS=)
  while [[ $1 != -- ]]; do
    envs+=("$1")
    shift
  done
  launch "${envs[@]}" "$@"
}

script=$(byte_exact_script)
# shellcheck disable=SC2016 # meant literally
literal='$HOME; `id`'
byte_exact_stdout 0 'two words' '' "$literal" >"$TMP/want"

# The slots have idled longer than the 2 s timeout before their hand-over: the deadline counts
# from the hand-over, so the script still runs.
sleep 2.5
warm -- "$script" 0 'two words' '' "$literal"
expect_eq "exit status" "$status" 0
cmp "$TMP/want" "$TMP/out" || fail "stdout differs from the script's bytes (cmp above)"
ok "stdout is byte-exact ($(wc -c <"$TMP/out") bytes) from a slot that idled 2.5 s with a 2 s timeout"
expect_eq "stderr" "$(cat "$TMP/err")" "this goes to stderr"

warm -- "$script" 3
expect_eq "the script's own exit status passes through" "$status" 3

killed=$(write_script killed.py <<'PY'
import os, signal
print("before the kill", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
PY
)
warm -- "$killed"
expect_eq "a script ended by SIGKILL: status" "$status" 137
expect_eq "a script ended by SIGKILL: stdout" "$(cat "$TMP/out")" "before the kill"

# A script that writes an exit line of its own (without the run's secret token) only writes output.
forger=$(write_script forger.py <<'PY'
import sys
sys.stdout.write("\0SANDBOX-SLOT-EXIT:0123456789abcdef0123456789abcdef:0\n")
sys.stderr.write("\0SANDBOX-SLOT-EXIT:0123456789abcdef0123456789abcdef:0\n")
sys.exit(7)
PY
)
warm -- "$forger"
expect_eq "a script forging PID 1's exit line: status" "$status" 7
expect_eq "a script forging PID 1's exit line: stdout" "$(tr '\0' '@' <"$TMP/out")" "@SANDBOX-SLOT-EXIT:0123456789abcdef0123456789abcdef:0"
expect_eq "a script forging PID 1's exit line: stderr" "$(tr '\0' '@' <"$TMP/err")" "@SANDBOX-SLOT-EXIT:0123456789abcdef0123456789abcdef:0"

sleeper=$(write_script sleeper.py <<'PY'
import time
print("started", flush=True)
time.sleep(30)
PY
)
warm -- "$sleeper"
expect_eq "a sleeping script at its 2 s deadline: status" "$status" 124
expect_eq "a sleeping script: its output before the kill" "$(cat "$TMP/out")" "started"
expect_contains "a sleeping script: message" "$(cat "$TMP/err")" "run_secure_python: timed out after 2s: container sandbox-pool-"
killed_at=$elapsed
[[ ${killed_at%%.*} -lt 6 ]] || fail "the deadline took ${killed_at} s (2 s timeout)"
ok "killed after ${killed_at} s"
name=$(sed -n 's/.*container \(sandbox-pool-[0-9-]*\) killed.*/\1/p' "$TMP/err")
expect_no_container "$name"

# Rejections use no slot: the ready slots are the same ones before and after.
wait_slots "$socket" 7 60 # 2 at the start + 5 replacements
before=$(pool_slots "$socket")
rejected=$(write_script rejected.py <<'PY'
import json
import subprocess
PY
)
warm -- "$rejected"
expect_eq "AST rejection: status" "$status" 126
expect_contains "AST rejection: message" "$(cat "$TMP/err")" "run_secure_python: $rejected:2:1: blocked-module: import of 'subprocess'"
expect_eq "AST rejection: stdout" "$(cat "$TMP/out")" ""

big=$(write_script big.py < <(/usr/bin/python3 -c 'print("x = 1\n" * 1000, end="")'))
warm -- "$big"
expect_eq "a script over the pool's cap (4096 bytes): status" "$status" 125
expect_contains "over the cap: message" "$(cat "$TMP/err")" "script of 6000 bytes is over the cap of 4096 bytes"

warm SANDBOX_TIMEOUT=3 -- "$script" 0
expect_eq "a profile that is not the pool's (timeout 3 s, pool 2 s): status" "$status" 125
expect_contains "another profile: message" "$(cat "$TMP/err")" "runs another profile than the script's (pool: timeout=2, script: timeout=3)"
expect_eq "the ready slots after three refused scripts (none used)" "$(pool_slots "$socket")" "$before"
expect_contains "the pool's log" "$(cat "$TMP/pool.log")" "AST check rejected, no slot used"

stop_pool
expect_eq "pool status after SIGTERM" "$pool_status" 0
