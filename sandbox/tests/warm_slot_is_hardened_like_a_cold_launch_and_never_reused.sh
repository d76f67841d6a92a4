#!/usr/bin/env bash
# A warm slot carries every flag a cold launch of the same profile sets (the engine's inspect of
# both, compared field by field, and the expected values themselves); from inside, a script sees
# the same controls, no pool socket and no host path of its script. A slot is never reused: two
# scripts run in two containers, and neither a file in /tmp or /dev/shm nor a background process
# of the first reaches the second. (AST check off in pool and launcher: the first script forks.)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images
require_pool_binary

socket=$TMP/pool.sock
start_pool "$socket" 2 SANDBOX_AST_CHECK=0 --
slot=$(pool_slots "$socket" | head -n 1)
[[ -n $slot ]] || fail "no slot runs"

# The same template over a ready slot and over a cold launch's container of the same profile.
fields='{{.HostConfig.NetworkMode}} {{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} {{.Config.User}}
{{.HostConfig.ReadonlyRootfs}} {{json .HostConfig.Tmpfs}} {{json .HostConfig.CapDrop}} {{json .HostConfig.CapAdd}}
{{json .HostConfig.SecurityOpt}} {{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}
{{.HostConfig.PidsLimit}} {{range .HostConfig.Ulimits}}{{.Name}}={{.Soft}}:{{.Hard}} {{end}} {{.HostConfig.LogConfig.Type}}
{{.HostConfig.Privileged}} {{.HostConfig.PidMode}} {{.HostConfig.Runtime}} {{.Config.WorkingDir}}
{{index .Config.Labels "sandbox-harness.launcher"}}'
sleeper=$(write_script sleeper.py <<'PY'
import time
time.sleep(60)
PY
)
cold=sbt-warm-cold-$$-$RANDOM
SANDBOX_NAME=$cold SANDBOX_TIMEOUT=50 SANDBOX_AST_CHECK=0 "$LAUNCHER" "$sleeper" >/dev/null 2>&1 &
launcher=$!
wait_running "$cold" 30
env_of() { docker inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$1" | sort | xargs; } # Docker's order varies
warm_flags="$(docker inspect --format "$fields" "$slot") $(env_of "$slot")"
cold_flags="$(docker inspect --format "$fields" "$cold") $(env_of "$cold")"
kill -TERM "$launcher"
wait "$launcher" || true
expect_eq "a slot's flags against a cold launch's (docker inspect)" "$warm_flags" "$cold_flags"
inspect() { docker inspect --format "$1" "$slot"; }
expect_eq "slot: User" "$(inspect '{{.Config.User}}')" 65534:65534
expect_eq "slot: ReadonlyRootfs" "$(inspect '{{.HostConfig.ReadonlyRootfs}}')" true
expect_eq "slot: NetworkMode" "$(inspect '{{.HostConfig.NetworkMode}}')" none
expect_eq "slot: CapDrop" "$(inspect '{{json .HostConfig.CapDrop}}')" '["ALL"]'
expect_eq "slot: SecurityOpt" "$(inspect '{{json .HostConfig.SecurityOpt}}')" '["no-new-privileges"]'
expect_eq "slot: Memory, MemorySwap, PidsLimit, NanoCpus" \
  "$(inspect '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.PidsLimit}} {{.HostConfig.NanoCpus}}')" \
  "268435456 268435456 64 1000000000"
expect_eq "slot: mounts (no script, no socket)" "$(inspect '{{len .Mounts}}')" 0
expect_eq "slot: AutoRemove (the pool removes it, once the status is known)" "$(inspect '{{.HostConfig.AutoRemove}}')" false

first=$(write_script first.py <<PY
import os, socket, time
def status(key):
    return [l.split()[1] for l in open("/proc/self/status") if l.startswith(key + ":")][0]
print("host", socket.gethostname())
print("uid", os.getuid(), os.getgid())
print("cap-eff", status("CapEff"))
print("no-new-privs", status("NoNewPrivs"))
print("interfaces", *sorted(n for _, n in socket.if_nameindex()))
print("socket-visible", os.path.exists("$socket"), "$TMP" in open("/proc/self/mountinfo").read())
open("/tmp/left-behind", "w").write("x")
open("/dev/shm/left-behind", "w").write("x")
if os.fork() == 0:
    os.setsid()
    time.sleep(60)
    os._exit(0)
print("done", flush=True)
PY
)
second=$(write_script second.py <<'PY'
import os, socket
print("host", socket.gethostname())
print("left", os.path.exists("/tmp/left-behind"), os.path.exists("/dev/shm/left-behind"))
print("pids", *sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getppid(), os.getpid())))
try:
    open("/proc/1/mem", "rb").read(1)
    print("pid1-mem readable")
except OSError as e:
    print("pid1-mem", type(e).__name__)
PY
)
warm() { launch SANDBOX_POOL="$socket" SANDBOX_AST_CHECK=0 SANDBOX_LABELS= -- "$@"; }
warm "$first"
expect_eq "first script: status" "$status" 0
cp "$TMP/out" "$TMP/first.out"
inside() { sed -n "s/^$1 //p" "$TMP/first.out"; }
expect_eq "inside a slot: uid gid" "$(inside uid)" "65534 65534"
expect_eq "inside a slot: effective capabilities" "$(inside cap-eff)" 0000000000000000
expect_eq "inside a slot: NoNewPrivs" "$(inside no-new-privs)" 1
expect_eq "inside a slot: network interfaces" "$(inside interfaces)" lo
expect_eq "inside a slot: the pool's socket and the test's folder" "$(inside socket-visible)" "False False"
warm "$second"
expect_eq "second script: status" "$status" 0
first_host=$(inside host)
second_host=$(sed -n 's/^host //p' "$TMP/out")
[[ -n $first_host && $first_host != "$second_host" ]] || fail "both scripts ran in container '$first_host'"
ok "two scripts, two containers ($first_host, $second_host)"
expect_eq "the first script's files in /tmp and /dev/shm, seen by the second" "$(sed -n 's/^left //p' "$TMP/out")" "False False"
expect_eq "processes besides PID 1, timeout and itself, seen by the second" "$(sed -n 's/^pids//p' "$TMP/out")" ""
expect_eq "PID 1's memory (it holds the run's exit token), read by the script" "$(sed -n 's/^pid1-mem //p' "$TMP/out")" PermissionError
# The pool removes a used slot right after the client has its status: give it a few seconds.
for ((i = 0; i < 100; i++)); do [[ -z $(docker ps -aq --filter "id=$first_host") ]] && break; sleep 0.1; done
[[ -z $(docker ps -aq --filter "id=$first_host") ]] || fail "the first script's container $first_host is still there after 10 s"
ok "the first script's container (and its background process) is gone"

stop_pool
expect_eq "pool status after SIGTERM" "$pool_status" 0
