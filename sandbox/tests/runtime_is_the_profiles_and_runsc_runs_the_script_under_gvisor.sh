#!/usr/bin/env bash
# SANDBOX_RUNTIME chooses the container's runtime. A runtime the engine has not registered stops the
# launcher with 125 and the engine's list, before any container exists. Where the engine has runsc
# (ci/setup-host.sh registers it), profiles/runsc.env runs the script under gVisor: the engine records
# HostConfig.Runtime runsc, the script sees gVisor's kernel rather than the host's, and its output and
# exit status pass through as under runc. Without runsc registered that part is skipped (exit 77): the
# runtime is optional on a host, under CI=true too.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

script=$(write_script gvisor.py <<'PY'
import os, sys, time
print("release", os.uname().release)
print("stderr line", file=sys.stderr)
print("ready", flush=True)
time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 0)
sys.exit(3)
PY
)

since=$(date +%s.%N)
launch SANDBOX_RUNTIME=no-such-runtime -- "$script"
expect_eq "unregistered runtime: status" "$status" 125
expect_contains "unregistered runtime: the engine's words" "$(cat "$TMP/err")" "Unknown runtime specified no-such-runtime"
expect_contains "unregistered runtime: the launcher names what the engine has" "$(cat "$TMP/err")" \
  "run_secure_python: runtime no-such-runtime is not registered with the engine (it has: "
[[ ! -s $TMP/out ]] || fail "unregistered runtime: the script printed something"
sleep 1
expect_created_since "containers created for an unregistered runtime (docker events)" "$since" ""

runtimes=$(docker info --format '{{range $name, $_ := .Runtimes}}{{$name}} {{end}}')
if [[ " $runtimes" != *" runsc "* ]]; then
  printf 'SKIP: the engine has no runsc runtime (it has: %s); ci/setup-host.sh installs and registers it\n' "${runtimes% }"
  exit 77
fi

name=sbt-gvisor-$$-$RANDOM
SANDBOX_PROFILE=$SANDBOX_DIR/profiles/runsc.env SANDBOX_NAME=$name SANDBOX_TIMEOUT=30 \
  "$LAUNCHER" "$script" 20 >"$TMP/out" 2>"$TMP/err" &
launcher=$!
wait_running "$name" 30
expect_eq "HostConfig.Runtime under profiles/runsc.env" "$(docker inspect --format '{{.HostConfig.Runtime}}' "$name")" runsc
docker rm -f "$name" >/dev/null
wait "$launcher" || true

launch "SANDBOX_PROFILE=$SANDBOX_DIR/profiles/runsc.env" -- "$script"
expect_eq "under runsc: the script's exit status" "$status" 3
release=$(sed -n 's/^release //p' "$TMP/out")
[[ -n $release && $release != "$(uname -r)" ]] ||
  fail "under runsc the script should see gVisor's kernel, not the host's $(uname -r): it saw '$release'"
ok "under runsc the script sees gVisor's kernel ($release), not the host's ($(uname -r))"
expect_eq "under runsc: stdout" "$(sed 1d "$TMP/out")" "ready"
expect_eq "under runsc: stderr" "$(cat "$TMP/err")" "stderr line"
