#!/usr/bin/env bash
# The warm path fails clearly and leaves nothing behind: SANDBOX_POOL naming a socket nobody
# listens on exits 125 naming it and how to start a pool (no cold launch instead); a client that
# disconnects mid-run, and one that never reads its output, lose their slot (removed); a full queue
# is refused with 125; SIGTERM to the pool removes every slot and exits 0; a SIGKILLed pool's slots
# are removed by the next pool on the same socket; an unused slot ends at its idle limit.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images
require_pool_binary

hello=$(write_script hello.py <<'PY'
print("hello")
PY
)
since=$(date +%s.%N)
launch SANDBOX_POOL="$TMP/nobody.sock" SANDBOX_LABELS= -- "$hello"
expect_eq "no pool listening: status" "$status" 125
expect_contains "no pool listening: message names the socket" "$(cat "$TMP/err")" "no sandbox pool answers at $TMP/nobody.sock"
expect_contains "no pool listening: message says how to start one" "$(cat "$TMP/err")" "sandbox-pool --socket $TMP/nobody.sock"
expect_eq "no pool listening: stdout (no cold launch instead)" "$(cat "$TMP/out")" ""
sleep 1
expect_created_since "containers created when no pool answers (docker events)" "$since" ""

socket=$TMP/pool.sock
start_pool "$socket" 1 SANDBOX_TIMEOUT=3 -- --queue 0
sleeper=$(write_script sleeper.py <<'PY'
import sys, time
print("started", flush=True)
if sys.argv[1:] == ["flood"]:
    while True:
        sys.stdout.write("x" * 65536)
time.sleep(30)
PY
)
# A client killed while its script runs: the pool removes that slot.
SANDBOX_POOL=$socket SANDBOX_TIMEOUT=3 SANDBOX_LABELS="" "$LAUNCHER" "$sleeper" >"$TMP/bg.out" 2>&1 &
client=$!
for ((i = 0; i < 100; i++)); do grep -q started "$TMP/bg.out" && break; sleep 0.1; done
grep -q started "$TMP/bg.out" || fail "the script did not start: $(cat "$TMP/bg.out")"
used=$(sed -n 's/.*slot \(sandbox-pool-[0-9-]*\) ready.*/\1/p' "$TMP/pool.log" | head -n 1)

# Meanwhile the one slot is taken and --queue 0 lets no request wait: refused at once.
launch SANDBOX_POOL="$socket" SANDBOX_TIMEOUT=3 SANDBOX_LABELS= -- "$hello"
if [[ $status == 125 ]]; then
  expect_contains "queue full: message" "$(cat "$TMP/err")" "no slot ready and the queue is full (0 requests wait already"
else
  # The replacement slot was ready already (the pool starts one as soon as one is taken).
  expect_eq "no queue, a replacement slot ready: status" "$status" 0
fi

kill -KILL "$client"
wait "$client" || true
for ((i = 0; i < 50; i++)); do grep -q 'client gone' "$TMP/pool.log" && break; sleep 0.1; done
expect_contains "the pool's log for the killed client" "$(cat "$TMP/pool.log")" "(client gone: slot removed)"
expect_no_container "$used"

# A client that never reads its output (a flooding script): the deadline ends it, slot removed.
wait_slots "$socket" 2 60 # the killed client's slot replaced (--queue 0: no request may wait)
/usr/bin/python3 - "$socket" "$sleeper" <<'PY' &
import socket, sys, time
script = open(sys.argv[2], "rb").read()
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"SBX1 %d 0 0 1 5\nflood" % len(script) + script)
time.sleep(8)  # never reads
PY
reader=$!
for ((i = 0; i < 100; i++)); do grep -q 'timed out' "$TMP/pool.log" && break; sleep 0.1; done
expect_contains "the pool's log for a client that never reads" "$(cat "$TMP/pool.log")" "(timed out)"
kill "$reader" 2>/dev/null || true
wait "$reader" 2>/dev/null || true

# SIGKILL: the slots stay (until their idle limit); the next pool on the socket removes them.
wait_slots "$socket" 3 60 # 1 at the start + 2 replacements
left=$(pool_slots "$socket")
[[ -n $left ]] || fail "no slot before the SIGKILL"
kill -KILL "$pool_pid"
wait "$pool_pid" || true
expect_eq "slots of the SIGKILLed pool, still running" "$(pool_slots "$socket")" "$left"
start_pool "$socket" 1 SANDBOX_TIMEOUT=3 -- --idle 2
expect_contains "the next pool's log" "$(cat "$TMP/pool.log")" "labelled sandbox-pool=$socket"
for name in $left; do expect_no_container "$name"; done

# An unused slot ends itself at its idle limit (2 s): the pool removes it and starts another.
idle=$(sed -n 's/.*slot \(sandbox-pool-[0-9-]*\) ready.*/\1/p' "$TMP/pool.log" | head -n 1)
wait_slots "$socket" 2 30
expect_no_container "$idle"

stop_pool
expect_eq "pool status after SIGTERM" "$pool_status" 0
expect_eq "containers labelled for the pool after SIGTERM" "$(docker ps -aq --filter "label=sandbox-pool=$socket")" ""
[[ ! -e $socket ]] || fail "the socket $socket is left"
ok "the socket is removed"
