#!/usr/bin/env bash
# ci/setup-host.sh decides what to install and whether to start an engine only from commands whose
# status it checked. Fakes of dpkg-query, apt-get, docker, dockerd, pgrep, node and npm stand in for
# the host (PATH holds nothing else but a few coreutils), so every decision is seen without a fresh
# machine: it installs exactly the missing packages, starts an engine only when none answers, names a
# permission problem, refuses a dead DOCKER_HOST, stops when a tool it relies on fails, and runs
# `npm ci` for the CI linters only when their lockfile changed. It registers runsc in the engine's
# daemon.json (SH_DOCKER_DAEMON_JSON, a file under the test's directory) by merging, keeping what is
# there, sends SIGHUP to a running dockerd only when that file changed, leaves the file alone when
# told to (SH_NO_ENGINE_CONFIG=1), for a remote engine, or when it is not ours to merge into, and
# goes on when runsc cannot be installed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SETUP=$ROOT/ci/setup-host.sh
TMP=$(mktemp -d)
# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
  pkill -f "$TMP/fake/dockerd" 2>/dev/null || true
  stop_running_dockerd
  rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}
ok() { printf 'ok - %s\n' "$*"; }

ALL=(docker.io mmdebstrap cmake g++ libgtest-dev libbenchmark-dev libboost-dev libboost-filesystem-dev
  libcurl4-openssl-dev libfmt-dev nlohmann-json3-dev libcli11-dev libsqlite3-dev hyperfine shellcheck iproute2 curl
  python3 procps nodejs npm chromium runsc)

mkdir -p "$TMP/fake" "$TMP/tools" "$TMP/package" "$TMP/nodetools"
for tool in bash nohup tail sleep cat cp env rm mkdir touch grep; do
  ln -s "$(command -v "$tool")" "$TMP/tools/$tool"
done

# dpkg-query -W -f FORMAT PKG...: "PKG installed" for each package listed in $TMP/installed;
# exit 1 (as dpkg-query does) when any is unknown; FAKE_DPKG_STATUS overrides the status.
cat >"$TMP/fake/dpkg-query" <<'FAKE'
#!/bin/bash
shift 3
rc=0
for p in "$@"; do
  if grep -qx -- "$p" "$FAKE_DIR/installed"; then printf '%s installed\n' "$p"
  else printf 'dpkg-query: no packages found matching %s\n' "$p" >&2; rc=1; fi
done
exit "${FAKE_DPKG_STATUS:-$rc}"
FAKE
# apt-get: logs its arguments; `install` marks the packages installed unless FAKE_APT_NOOP=1, and
# installing docker.io puts the fake dockerd on PATH, installing nodejs and npm the fake node and npm,
# installing runsc the fake runsc. FAKE_APT_FAILS_FOR=PKG: an install that includes PKG fails.
cat >"$TMP/fake/apt-get" <<'FAKE'
#!/bin/bash
printf 'apt-get %s\n' "$*" >>"$FAKE_DIR/log"
if [[ $1 == install && -n ${FAKE_APT_FAILS_FOR:-} && " $* " == *" $FAKE_APT_FAILS_FOR "* ]]; then
  echo "E: Unable to locate package $FAKE_APT_FAILS_FOR" >&2
  exit 100
fi
if [[ $1 == install && ${FAKE_APT_NOOP:-0} != 1 ]]; then
  for p in "$@"; do [[ $p == -* || $p == install ]] || printf '%s\n' "$p" >>"$FAKE_DIR/installed"; done
  [[ " $* " != *" docker.io "* ]] || cp "$FAKE_DIR/package/dockerd" "$FAKE_DIR/fake/dockerd"
  [[ " $* " != *" nodejs "* ]] || cp "$FAKE_DIR/package/node" "$FAKE_DIR/fake/node"
  [[ " $* " != *" npm "* ]] || cp "$FAKE_DIR/package/npm" "$FAKE_DIR/fake/npm"
  [[ " $* " != *" runsc "* ]] || cp "$FAKE_DIR/package/runsc" "$FAKE_DIR/fake/runsc"
fi
exit "${FAKE_APT_STATUS:-0}"
FAKE
# docker info: answers once $TMP/engine exists; FAKE_DOCKER_SAYS sets the failure message. Asked for
# its runtimes, it names those in $TMP/runtimes (what the engine has loaded).
cat >"$TMP/fake/docker" <<'FAKE'
#!/bin/bash
if [[ -e $FAKE_DIR/engine && $* == *Runtimes* ]]; then cat "$FAKE_DIR/runtimes"; exit 0; fi
if [[ -e $FAKE_DIR/engine ]]; then echo "20.10.24, cgroup v1"; exit 0; fi
echo "${FAKE_DOCKER_SAYS:-Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?}" >&2
exit 1
FAKE
# dockerd: logs its arguments, loads the runtimes of daemon.json, brings the engine up and stays alive
# (FAKE_DOCKERD_DIES=1: exits).
cat >"$TMP/package/dockerd" <<'FAKE'
#!/bin/bash
printf 'dockerd %s\n' "$*" >>"$FAKE_DIR/log"
if [[ ${FAKE_DOCKERD_DIES:-0} == 1 ]]; then echo "failed to start daemon: pid file found" >&2; exit 1; fi
if grep -q '"runsc"' "$FAKE_DIR/daemon.json" 2>/dev/null; then echo "runc runsc " >"$FAKE_DIR/runtimes"; fi
touch "$FAKE_DIR/engine"
exec sleep 60
FAKE
# A dockerd that already runs (running_dockerd): records its pid for the fake pgrep; on SIGHUP it logs
# the signal and loads the runtimes of daemon.json, as dockerd does.
cat >"$TMP/package/dockerd-running" <<'FAKE'
#!/bin/bash
reload() {
  printf 'dockerd SIGHUP\n' >>"$FAKE_DIR/log"
  if grep -q '"runsc"' "$FAKE_DIR/daemon.json" 2>/dev/null; then echo "crun runc runsc " >"$FAKE_DIR/runtimes"; fi
}
trap reload HUP
echo $$ >"$FAKE_DIR/dockerd.pid"
for ((i = 0; i < 600; i++)); do
  sleep 0.1 &
  wait $! || true
done
FAKE
# pgrep -xo dockerd: the pid of the running fake dockerd, if any.
cat >"$TMP/fake/pgrep" <<'FAKE'
#!/bin/bash
[[ -s $FAKE_DIR/dockerd.pid ]] || exit 1
cat "$FAKE_DIR/dockerd.pid"
FAKE
cat >"$TMP/package/runsc" <<'FAKE'
#!/bin/bash
exit 0
FAKE
# npm ci --prefix DIR ...: logs its arguments and makes DIR/node_modules (FAKE_NPM_FAILS=1: fails);
# a DIR outside $TMP fails, so that the checkout's own ci/tools is never marked installed.
cat >"$TMP/package/npm" <<'FAKE'
#!/bin/bash
printf 'npm %s\n' "$*" >>"$FAKE_DIR/log"
[[ ${FAKE_NPM_FAILS:-0} != 1 ]] || { echo "npm error network request failed" >&2; exit 1; }
[[ $1 == ci && $2 == --prefix ]] || exit 1
[[ $3 == "$FAKE_DIR"/* ]] || { echo "fake npm: $3 is outside the test's directory" >&2; exit 1; }
mkdir -p "$3/node_modules"
FAKE
cat >"$TMP/package/node" <<'FAKE'
#!/bin/bash
exit 0
FAKE
chmod +x "$TMP/fake"/* "$TMP/package"/*
with_dockerd() { cp "$TMP/package/dockerd" "$TMP/fake/dockerd"; }
without_dockerd() { rm -f "$TMP/fake/dockerd"; }
with_node() { cp "$TMP/package/node" "$TMP/package/npm" "$TMP/fake/"; }
without_node() { rm -f "$TMP/fake/node" "$TMP/fake/npm"; }
with_runsc() { cp "$TMP/package/runsc" "$TMP/fake/runsc"; }
without_runsc() { rm -f "$TMP/fake/runsc"; }
# running_dockerd: starts the fake dockerd that already runs (its runtimes: crun and runc) and waits
# for its pid; stop_running_dockerd ends it, by that pid.
running_dockerd() {
  rm -f "$TMP/dockerd.pid"
  echo "crun runc " >"$TMP/runtimes"
  FAKE_DIR=$TMP bash "$TMP/package/dockerd-running" </dev/null >/dev/null 2>&1 &
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s $TMP/dockerd.pid ]] && return 0
    sleep 0.05
  done
  fail "the fake running dockerd did not start"
}
stop_running_dockerd() {
  [[ -s $TMP/dockerd.pid ]] || return 0
  kill "$(<"$TMP/dockerd.pid")" 2>/dev/null || true
  rm -f "$TMP/dockerd.pid"
}
# The engine's configuration file (SH_DOCKER_DAEMON_JSON) and what the engine has loaded from it.
DAEMON_JSON=$TMP/daemon.json
registered_runsc='{"runtimes": {"runsc": {"path": "'$TMP'/fake/runsc", "runtimeArgs": ["--platform=ptrace", "--network=none"]}}}'
daemon_json() { printf '%s\n' "$1" >"$DAEMON_JSON"; }
# same_json FILE JSON: FILE holds that JSON document (key order and layout aside).
same_json() { python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.loads(sys.argv[2]))' "$1" "$2"; }
# The lockfile of the npm tools, and the copy that marks it installed (SH_NODE_TOOLS_DIR).
printf '{"lockfileVersion": 3}\n' >"$TMP/nodetools/package-lock.json"
tools_installed() {
  mkdir -p "$TMP/nodetools/node_modules"
  cp "$TMP/nodetools/package-lock.json" "$TMP/nodetools/node_modules/.installed-package-lock.json"
}
tools_not_installed() { rm -rf "$TMP/nodetools/node_modules"; }
with_node
tools_installed
with_runsc
daemon_json "$registered_runsc"
echo "runc runsc " >"$TMP/runtimes"

# setup [ENV=VALUE...]: runs setup-host.sh on the fakes; sets $status and $output. With ENGINE_UP=1
# (`ENGINE_UP=1 setup`) the engine already answers.
setup() {
  rm -f "$TMP/log" "$TMP/engine"
  touch "$TMP/log"
  [[ ${ENGINE_UP:-0} != 1 ]] || touch "$TMP/engine"
  status=0
  output=$(env -i PATH="$TMP/fake:$TMP/tools" FAKE_DIR="$TMP" SH_DOCKERD_LOG="$TMP/dockerd.log" \
    SH_NODE_TOOLS_DIR="$TMP/nodetools" SH_DOCKER_DAEMON_JSON="$DAEMON_JSON" SH_DOCKERD_WAIT=20 "$@" \
    bash "$SETUP" 2>&1) || status=$?
  pkill -f "$TMP/fake/dockerd" 2>/dev/null || true
}
installed() { printf '%s\n' "$@" >"$TMP/installed"; }
log() { cat "$TMP/log"; }
expect_status() { [[ $status == "$1" ]] || fail "$2: status $status, want $1; output: $output"; }
expect_output() { [[ $output == *"$1"* ]] || fail "$2: '$1' not in output: $output"; }
expect_log() { [[ $(log) == "$1" ]] || fail "$2: commands run: '$(log)', want '$1'"; }

installed "${ALL[@]}"
touch "$TMP/engine"
status=0
output=$(env -i PATH="$TMP/fake:$TMP/tools" FAKE_DIR="$TMP" SH_DOCKERD_LOG="$TMP/dockerd.log" \
  SH_NODE_TOOLS_DIR="$TMP/nodetools" SH_DOCKER_DAEMON_JSON="$DAEMON_JSON" bash "$SETUP" 2>&1) || status=$?
expect_status 0 "everything present"
expect_output "packages: all present" "everything present"
expect_output "docker engine: running (20.10.24, cgroup v1)" "everything present"
expect_output "npm tools: up to date ($TMP/nodetools)" "everything present"
expect_output "engine config: runsc is registered in $DAEMON_JSON" "everything present"
expect_output "docker engine: runtimes runc runsc" "everything present"
[[ ! -s $TMP/log ]] || fail "everything present: ran $(log)"
ok "everything present: nothing installed, the running engine left alone, npm not run"

without_dockerd
without_node
without_runsc
installed cmake g++ libgtest-dev libbenchmark-dev libboost-dev libboost-filesystem-dev libcurl4-openssl-dev \
  nlohmann-json3-dev libcli11-dev libsqlite3-dev shellcheck iproute2 curl python3 procps
setup
expect_status 0 "five packages, chromium and runsc missing"
expect_log "apt-get update -q
apt-get install -y -q --no-install-recommends docker.io mmdebstrap libfmt-dev hyperfine nodejs npm
apt-get install -y -q --no-install-recommends chromium
apt-get install -y -q --no-install-recommends runsc
dockerd --iptables=false --ip-masq=false --bridge=none" "missing packages, no engine"
expect_output "docker engine: answering after" "missing packages, no engine"
ok "missing packages: exactly those installed (chromium and runsc apart, one by one), then dockerd started once"
with_dockerd
with_node

grep -vx -e nodejs -e npm "$TMP/installed" >"$TMP/installed.new"
mv "$TMP/installed.new" "$TMP/installed"
ENGINE_UP=1 setup
expect_status 0 "node and npm from another package"
expect_output "packages: all present" "node and npm from another package"
expect_log "" "node and npm from another package"
ok "nodejs and npm are not installed over a node and npm from another package (NodeSource's conflicts with npm)"

installed "${ALL[@]}"
tools_not_installed
ENGINE_UP=1 setup
expect_status 0 "npm tools not installed"
expect_log "npm ci --prefix $TMP/nodetools --no-audit --no-fund --ignore-scripts" "npm tools not installed"
[[ $(<"$TMP/nodetools/node_modules/.installed-package-lock.json") == "$(<"$TMP/nodetools/package-lock.json")" ]] ||
  fail "npm tools not installed: the installed lockfile was not recorded"
ENGINE_UP=1 setup
expect_log "" "npm tools just installed"
expect_output "npm tools: up to date" "npm tools just installed"
printf '{"lockfileVersion": 3, "changed": true}\n' >"$TMP/nodetools/package-lock.json"
ENGINE_UP=1 setup
expect_log "npm ci --prefix $TMP/nodetools --no-audit --no-fund --ignore-scripts" "lockfile changed"
ok "npm ci runs when the npm tools are missing or their lockfile changed, and not again after"

tools_not_installed
ENGINE_UP=1 setup FAKE_NPM_FAILS=1
expect_status 0 "npm ci fails"
expect_output "warning: npm ci failed in $TMP/nodetools" "npm ci fails"
[[ ! -e $TMP/nodetools/node_modules/.installed-package-lock.json ]] || fail "npm ci fails: recorded as installed"
without_node
ENGINE_UP=1 setup
with_node
expect_status 1 "no npm"
expect_output "npm not found although the npm package was installed" "no npm"
tools_installed
ok "a failing npm ci is a warning and is tried again next time; no npm on PATH stops the script"

installed "${ALL[@]}"
setup FAKE_DPKG_STATUS=2
expect_status 1 "dpkg-query fails"
expect_output "dpkg-query failed (status 2)" "dpkg-query fails"
expect_log "" "dpkg-query fails"
ok "a failing dpkg-query stops the script (never 'all present')"

rm -f "$TMP/fake/dpkg-query.off"
mv "$TMP/fake/dpkg-query" "$TMP/fake/dpkg-query.off"
setup
mv "$TMP/fake/dpkg-query.off" "$TMP/fake/dpkg-query"
expect_status 1 "no dpkg-query"
expect_output "dpkg-query failed (status 127)" "no dpkg-query"
ok "no dpkg-query on PATH: stops, naming it"

installed cmake
setup FAKE_APT_NOOP=1
expect_status 1 "apt-get installs nothing"
expect_output "apt-get reported success but these are still not installed: mmdebstrap g++" "apt-get installs nothing"
ok "an install that leaves packages missing is named"

installed cmake
setup FAKE_APT_STATUS=100
expect_status 1 "apt-get fails"
expect_output "apt-get update failed" "apt-get fails"
ok "a failing apt-get stops the script"

installed "${ALL[@]}"
setup "FAKE_DOCKER_SAYS=permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock"
expect_status 1 "permission denied"
expect_output "a docker engine runs but this user may not use it" "permission denied"
expect_log "" "permission denied"
ok "a permission problem is named, and no second dockerd is started"

setup DOCKER_HOST=tcp://192.0.2.1:2375
expect_status 1 "dead DOCKER_HOST"
expect_output "DOCKER_HOST=tcp://192.0.2.1:2375 does not answer" "dead DOCKER_HOST"
expect_log "" "dead DOCKER_HOST"
ok "a dead DOCKER_HOST is refused, and no local dockerd is started"

setup FAKE_DOCKERD_DIES=1
expect_status 1 "dockerd dies"
expect_output "exited before it answered" "dockerd dies"
expect_output "failed to start daemon: pid file found" "dockerd dies: its log is shown"
ok "a dockerd that dies at once is reported with its log, without waiting for the timeout"

installed "${ALL[@]}"
without_dockerd
setup
with_dockerd
expect_status 1 "no dockerd"
expect_output "dockerd not found: install docker.io" "no dockerd"
ok "no dockerd on PATH: named with the package to install"

# --- runsc in the engine's daemon.json ---
installed "${ALL[@]}"
with_runsc
before='{
  "log-driver": "journald",
  "data-root": "/srv/docker",
  "runtimes": {"crun": {"path": "/usr/bin/crun"}}
}'
daemon_json "$before"
chmod 600 "$DAEMON_JSON"
running_dockerd
pid=$(<"$TMP/dockerd.pid")
ENGINE_UP=1 setup
expect_status 0 "merge"
expect_log "dockerd SIGHUP" "merge: one SIGHUP to the running dockerd"
expect_output "engine config: registered runsc ($TMP/fake/runsc --platform=ptrace --network=none) in $DAEMON_JSON, keeping log-driver, data-root, runtimes.crun" "merge"
expect_output "docker engine: sent SIGHUP to dockerd (pid $pid) to load $DAEMON_JSON" "merge"
expect_output "docker engine: runtimes crun runc runsc" "merge: the engine lists runsc after the reload"
same_json "$DAEMON_JSON" '{"log-driver": "journald", "data-root": "/srv/docker", "runtimes": {"crun": {"path": "/usr/bin/crun"},
  "runsc": {"path": "'"$TMP"'/fake/runsc", "runtimeArgs": ["--platform=ptrace", "--network=none"]}}}' ||
  fail "merge: daemon.json is now: $(cat "$DAEMON_JSON")"
[[ $(stat -c %a "$DAEMON_JSON") == 600 ]] || fail "merge: daemon.json mode $(stat -c %a "$DAEMON_JSON"), want 600 (kept)"
ENGINE_UP=1 setup
expect_status 0 "merge again"
expect_log "" "merge again: no SIGHUP when nothing changed"
expect_output "engine config: runsc is registered in $DAEMON_JSON" "merge again"
stop_running_dockerd
ok "runsc is merged into daemon.json keeping its other settings (and mode); SIGHUP once, not when unchanged"

daemon_json '{"log-driver": "journald"}'
cp "$DAEMON_JSON" "$TMP/daemon.json.before"
running_dockerd
ENGINE_UP=1 setup SH_NO_ENGINE_CONFIG=1
expect_status 0 "opt-out"
expect_log "" "opt-out: no SIGHUP"
expect_output "engine config: left alone (SH_NO_ENGINE_CONFIG=1)" "opt-out"
cmp -s "$DAEMON_JSON" "$TMP/daemon.json.before" || fail "opt-out: daemon.json changed: $(cat "$DAEMON_JSON")"
ENGINE_UP=1 setup DOCKER_HOST=tcp://192.0.2.1:2375
expect_status 0 "remote engine"
expect_log "" "remote engine: no SIGHUP"
expect_output "engine config: left alone (DOCKER_HOST=tcp://192.0.2.1:2375" "remote engine"
cmp -s "$DAEMON_JSON" "$TMP/daemon.json.before" || fail "remote engine: daemon.json changed: $(cat "$DAEMON_JSON")"
ok "SH_NO_ENGINE_CONFIG=1, and an engine at DOCKER_HOST: daemon.json untouched, no SIGHUP"

for bad in '{"log-driver": "journald",' '["runtimes"]' '{"runtimes": {"runsc": {"path": "/usr/local/bin/runsc"}}}'; do
  daemon_json "$bad"
  cp "$DAEMON_JSON" "$TMP/daemon.json.before"
  ENGINE_UP=1 setup
  expect_status 0 "not ours to merge: $bad"
  expect_log "" "not ours to merge: $bad: no SIGHUP"
  expect_output "warning: $DAEMON_JSON " "not ours to merge: $bad"
  expect_output "(runsc not registered)" "not ours to merge: $bad"
  cmp -s "$DAEMON_JSON" "$TMP/daemon.json.before" || fail "not ours to merge: $bad: daemon.json changed: $(cat "$DAEMON_JSON")"
done
expect_output "registers runsc with other settings" "runsc registered otherwise"
stop_running_dockerd
ok "a daemon.json that is not JSON, not an object, or registers runsc otherwise is left as it is, with a warning"

daemon_json "$registered_runsc"
echo "runc " >"$TMP/runtimes"
ENGINE_UP=1 setup
expect_status 0 "registered, not loaded"
expect_log "" "registered, not loaded: no SIGHUP (the file did not change)"
expect_output "warning: $DAEMON_JSON registers runsc but the engine has not loaded it (runtimes: runc): send SIGHUP" \
  "registered, not loaded"
ok "a daemon.json that registers runsc while the engine lists no runsc is named, and the file left alone"

daemon_json '{"log-driver": "journald"}'
rm -f "$TMP/runtimes"
setup
expect_status 0 "no engine"
expect_log "dockerd --iptables=false --ip-masq=false --bridge=none" "no engine: started, never signalled"
expect_output "docker engine: runtimes runc runsc" "no engine: dockerd read the file at its start"
same_json "$DAEMON_JSON" '{"log-driver": "journald", "runtimes": {"runsc": {"path": "'"$TMP"'/fake/runsc",
  "runtimeArgs": ["--platform=ptrace", "--network=none"]}}}' || fail "no engine: daemon.json is now: $(cat "$DAEMON_JSON")"
rm -f "$DAEMON_JSON"
setup
expect_status 0 "no daemon.json"
same_json "$DAEMON_JSON" "$registered_runsc" || fail "no daemon.json: daemon.json is now: $(cat "$DAEMON_JSON")"
ok "without a running engine, daemon.json is written (or created) first and the engine started after: no SIGHUP"

grep -vx runsc "$TMP/installed" >"$TMP/installed.new"
mv "$TMP/installed.new" "$TMP/installed"
without_runsc
daemon_json '{"log-driver": "journald"}'
cp "$DAEMON_JSON" "$TMP/daemon.json.before"
ENGINE_UP=1 setup FAKE_APT_FAILS_FOR=runsc
expect_status 0 "runsc cannot be installed"
expect_log "apt-get update -q
apt-get install -y -q --no-install-recommends runsc" "runsc cannot be installed"
expect_output "warning: could not install runsc (the gVisor runtime of sandbox/profiles/runsc.env" "runsc cannot be installed"
expect_output "engine config: runsc is not installed, so not registered" "runsc cannot be installed"
cmp -s "$DAEMON_JSON" "$TMP/daemon.json.before" || fail "runsc cannot be installed: daemon.json changed: $(cat "$DAEMON_JSON")"
with_runsc
ok "runsc that cannot be installed is a warning: setup goes on, daemon.json untouched"

installed "${ALL[@]}"
grep -vx -e docker.io -e chromium "$TMP/installed" >"$TMP/installed.new"
mv "$TMP/installed.new" "$TMP/installed"
touch "$TMP/engine"
daemon_json "$registered_runsc"
echo "runc runsc " >"$TMP/runtimes"
status=0
output=$(env -i PATH="$TMP/fake:$TMP/tools" FAKE_DIR="$TMP" SH_NODE_TOOLS_DIR="$TMP/nodetools" SH_SKIP_CHROMIUM=1 \
  SH_DOCKER_DAEMON_JSON="$DAEMON_JSON" bash "$SETUP" 2>&1) || status=$?
expect_status 0 "engine from another package"
expect_output "packages: all present" "engine from another package"
ok "docker.io is not installed over an engine from another package; SH_SKIP_CHROMIUM=1 skips chromium"
