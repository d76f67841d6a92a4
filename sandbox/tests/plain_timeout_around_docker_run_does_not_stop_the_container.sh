#!/usr/bin/env bash
# The trap the launcher exists to avoid: `timeout N docker run ...` only signals the docker client.
# The client forwards SIGTERM to the script, which runs as PID 1 and ignores it; the client waits on,
# and when timeout(1) finally SIGKILLs the client the container keeps running, unattended.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

script=$(write_script stubborn.py <<'PY'
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ignoring SIGTERM", flush=True)
time.sleep(120)
PY
)
name=sbt-plain-timeout-$$-$RANDOM
# timeout(1) sends SIGTERM at 6 s and, since -k 2, SIGKILL 2 s later.
started=$(now_us)
( # a subshell, so that bash does not announce the SIGKILLed job
  timeout -k 2 6 docker run --rm --name "$name" --label "$TEST_LABEL" --network none --log-driver none \
    --mount "type=bind,source=$script,target=/sandbox/main.py,readonly" \
    secure-python:latest python3 -I -B /sandbox/main.py
) >"$TMP/out" 2>&1 &
timeout_pid=$!
for ((i = 0; i < 55; i++)); do grep -q 'ignoring SIGTERM' "$TMP/out" && break; sleep 0.1; done
grep -q 'ignoring SIGTERM' "$TMP/out" || fail "the script did not start within 5.5 s (host too slow for this test)"
ok "the script started before timeout(1) fired"
rc=0
wait "$timeout_pid" || rc=$?
took=$(micros_to_seconds $(($(now_us) - started)))
expect_eq "timeout(1) status: SIGTERM did not end the client, SIGKILL had to" "$rc" 137
printf 'measured: timeout(1) returned after %s s (SIGTERM at 6 s, SIGKILL at 8 s)\n' "$took"
sleep 1
expect_eq "container state one second after timeout(1) returned" \
  "$(docker inspect --format '{{.State.Status}}' "$name" 2>/dev/null || echo gone)" running
ok "timeout(1) around docker run left the container running (the launcher removes it instead)"
docker rm -f "$name" >/dev/null
