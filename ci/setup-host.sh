#!/usr/bin/env bash
# Prepares a Debian 12 host for sandbox-harness: installs every Debian package the project needs
# (skipped when all are present, so a second run takes a second), then makes sure a Docker engine
# answers: when `docker info` fails it starts dockerd in the background and waits for it. An engine
# that already runs is left alone. Safe to run again at any time.
#
# Every decision rests on a command whose status is checked: a tool that cannot run (dpkg-query,
# apt-get, docker) stops the script with its name, never reads as "nothing to do".
#
# It also installs gVisor's `runsc` (Debian's package; optional: a host without it still runs
# everything else, and the harness skips the cases of sandbox/profiles/runsc.env with the reason) and
# registers it with the engine: it merges {"runtimes": {"runsc": {"path": ..., "runtimeArgs":
# ["--platform=ptrace", "--network=none"]}}} into /etc/docker/daemon.json, keeping every other
# setting there, and sends SIGHUP to a running dockerd when the file changed (a reload,
# not a restart: running containers are untouched). An engine this script starts reads the file at
# its start.
#
# Environment: SH_DOCKERD_LOG (default /var/log/sandbox-harness-dockerd.log), SH_DOCKERD_WAIT
# (seconds to wait for the engine, default 60), SH_SKIP_CHROMIUM=1 (do not install chromium, which
# only the report screenshots need), SH_NODE_TOOLS_DIR (where the npm tools of ci/tools go, default
# ci/tools next to this script), SH_NO_ENGINE_CONFIG=1 (leave the engine's configuration alone: no
# change to daemon.json and no reload, for hosts whose engine is not ours to configure; runsc is
# then not registered), SH_DOCKER_DAEMON_JSON (the engine's configuration file, default
# /etc/docker/daemon.json). With DOCKER_HOST set, the engine's configuration is not on this host and
# is left alone too.
set -euo pipefail

readonly ME=setup-host
readonly PACKAGES=(
  docker.io mmdebstrap                              # the sandbox: engine, rootfs bootstrap
  cmake g++ libgtest-dev libbenchmark-dev           # build and tests
  libboost-dev libboost-filesystem-dev libcurl4-openssl-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  libsqlite3-dev                                    # run --history
  hyperfine shellcheck iproute2 curl python3 procps # measurement, lint, canary, AST check, pgrep
  nodejs npm                                        # the CI definitions' linters (ci/tools)
)
# Optional: installed one by one, and a failure is a warning (what each is for, in the warning).
readonly OPTIONAL_PACKAGES=(chromium runsc)
declare -rA OPTIONAL_FOR=(
  [chromium]="only the report screenshots need it"
  [runsc]="the gVisor runtime of sandbox/profiles/runsc.env: without it the harness skips those cases"
)
readonly DOCKERD_LOG=${SH_DOCKERD_LOG:-/var/log/sandbox-harness-dockerd.log}
readonly DOCKERD_WAIT=${SH_DOCKERD_WAIT:-60}
readonly DAEMON_JSON=${SH_DOCKER_DAEMON_JSON:-/etc/docker/daemon.json}
# gVisor on the ptrace platform (KVM hung at 100% CPU on a VM host), and with no network stack of
# its own: with Docker's --network none, runsc refuses to start without --network=none ("cannot run
# with network enabled in root network namespace"). Not --oci-seccomp, although without it runsc
# does not apply the container's seccomp profile (SANDBOX_SECCOMP) to the script: with Docker 20.10's
# default profile applied inside gVisor, Python cannot start a thread ("can't start new thread").
readonly RUNSC_ARGS=(--platform=ptrace --network=none)

say() { printf '%s: %s\n' "$ME" "$*"; }
die() {
  printf '%s: error: %s\n' "$ME" "$*" >&2
  exit 1
}

as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root for: $* (run as root or install sudo)"
  fi
}

# missing_packages OUT_ARRAY PACKAGE...: sets OUT_ARRAY to the packages that are not installed.
# Not run in a subshell, so that a failing dpkg-query stops the script instead of reading as "none".
missing_packages() {
  local -n into=$1
  shift
  local listing status=0 name state p
  # dpkg-query exits 1 when some package is unknown to it: that is part of the answer. Any other
  # status (127: no dpkg-query) means the question was never answered.
  listing=$(dpkg-query -W -f '${Package} ${db:Status-Status}\n' "$@" 2>/dev/null) || status=$?
  ((status <= 1)) || die "dpkg-query failed (status $status): this script needs a Debian or Ubuntu host"
  local -A installed=()
  while read -r name state; do
    [[ $state != installed ]] || installed[$name]=1
  done <<<"$listing"
  into=()
  for p in "$@"; do
    [[ -n ${installed[$p]:-} ]] || into+=("$p")
  done
}

install_packages() {
  local missing=() optional=() kept=() p
  missing_packages missing "${PACKAGES[@]}"
  # A tool that another package already provides is kept: an engine from docker-ce or moby would
  # conflict with docker.io, and NodeSource's nodejs (which bundles npm) conflicts with Debian's npm.
  for p in "${missing[@]}"; do
    case $p in
      docker.io) if command -v dockerd >/dev/null && command -v docker >/dev/null; then continue; fi ;;
      nodejs | npm) if command -v node >/dev/null && command -v npm >/dev/null; then continue; fi ;;
    esac
    kept+=("$p")
  done
  missing=("${kept[@]}")
  local wanted=()
  for p in "${OPTIONAL_PACKAGES[@]}"; do
    [[ $p == chromium && ${SH_SKIP_CHROMIUM:-0} == 1 ]] || wanted+=("$p")
  done
  ((${#wanted[@]} == 0)) || missing_packages optional "${wanted[@]}"
  if ((${#missing[@]} == 0 && ${#optional[@]} == 0)); then
    say "packages: all present"
    return
  fi
  say "packages: installing ${missing[*]} ${optional[*]}"
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
  as_root apt-get update -q || die "apt-get update failed: check the network and /etc/apt/sources.list"
  if ((${#missing[@]})); then
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}" ||
      die "apt-get install failed for: ${missing[*]}"
    missing_packages missing "${missing[@]}"
    ((${#missing[@]} == 0)) || die "apt-get reported success but these are still not installed: ${missing[*]}"
  fi
  for p in "${optional[@]}"; do
    as_root apt-get install -y -q --no-install-recommends "$p" ||
      say "warning: could not install $p (${OPTIONAL_FOR[$p]})"
  done
}

# --- engine configuration: runsc registered in daemon.json ---------------------------------------
# merge_runtime FILE NAME PATH ARG...: adds runtimes.NAME = {"path": PATH, "runtimeArgs": [ARG...]}
# to FILE (created if missing), keeping everything else in it; writes a temporary file next to it
# and renames it over the old one (same mode). Prints what it did. Exit 0: already registered so,
# nothing written; 10: written; 3: FILE is not a JSON object (or its runtimes is not an object) and
# 4: FILE registers NAME with other settings (both left as they are).
readonly MERGE_RUNTIME='
import json, os, sys, tempfile
path, name, exe, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
want = {"path": exe, "runtimeArgs": args}
try:
    with open(path, encoding="utf-8") as f:
        text = f.read()
except FileNotFoundError:
    text = None
config = {}
if text is not None and text.strip():
    try:
        config = json.loads(text)
    except ValueError as e:
        print(f"{path} is not valid JSON ({e}): left as it is")
        sys.exit(3)
if not isinstance(config, dict) or not isinstance(config.get("runtimes", {}), dict):
    print(f"{path} is not a JSON object with a \"runtimes\" object: left as it is")
    sys.exit(3)
others = [k for k in config if k != "runtimes"] + [f"runtimes.{k}" for k in config.get("runtimes", {}) if k != name]
have = config.get("runtimes", {}).get(name)
if have == want:
    print(f"{name} is registered in {path}")
    sys.exit(0)
if have is not None:
    print(f"{path} registers {name} with other settings ({json.dumps(have)}), not {json.dumps(want)}: left as it is")
    sys.exit(4)
config.setdefault("runtimes", {})[name] = want
target = os.path.realpath(path)
folder = os.path.dirname(target)
os.makedirs(folder, mode=0o755, exist_ok=True)
mode = os.stat(target).st_mode & 0o7777 if text is not None else 0o644
fd, tmp = tempfile.mkstemp(dir=folder, prefix=".daemon.json.")
try:
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    os.chmod(tmp, mode)
    os.replace(tmp, target)
except BaseException:
    os.unlink(tmp)
    raise
kept = ", keeping " + ", ".join(others) if others else ""
print(f"registered {name} ({exe} " + " ".join(args) + f") in {path}{kept}")
sys.exit(10)
'
engine_config=none # none: not ours or nothing to do; registered: in the file; changed: the file changed
started_engine=0   # 1 when this script started dockerd (it then read the file at its start)

register_runsc() {
  if [[ ${SH_NO_ENGINE_CONFIG:-0} == 1 ]]; then
    say "engine config: left alone (SH_NO_ENGINE_CONFIG=1): runsc is not registered by this script"
    return
  fi
  if [[ -n ${DOCKER_HOST:-} ]]; then
    say "engine config: left alone (DOCKER_HOST=$DOCKER_HOST: that engine's configuration is not on this host)"
    return
  fi
  local runsc said status=0
  if ! runsc=$(command -v runsc); then
    say "engine config: runsc is not installed, so not registered (the harness skips the cases of sandbox/profiles/runsc.env)"
    return
  fi
  said=$(as_root /usr/bin/python3 -I -S -c "$MERGE_RUNTIME" "$DAEMON_JSON" runsc "$runsc" "${RUNSC_ARGS[@]}" 2>&1) ||
    status=$?
  case $status in
    0) engine_config=registered ;;
    10) engine_config=changed ;;
    3 | 4) said="warning: $said (runsc not registered)" ;;
    *) said="warning: could not update $DAEMON_JSON (status $status): $said (runsc not registered)" ;;
  esac
  say "engine config: $said"
}

# engine_runtimes: the names of the runtimes the engine has loaded, space-separated.
engine_runtimes() { docker info --format '{{range $name, $_ := .Runtimes}}{{$name}} {{end}}' 2>/dev/null; }

# After ensure_engine: a running engine whose configuration file changed is told to reload it
# (SIGHUP: dockerd reloads "runtimes" without a restart), and the engine must then list runsc.
reload_engine_config() {
  [[ $engine_config != none ]] || return 0
  local runtimes i pid
  if [[ $engine_config == changed && $started_engine == 0 ]]; then
    if ! pid=$(pgrep -xo dockerd); then
      say "warning: no dockerd process on this host to reload: restart the engine to load $DAEMON_JSON"
      return
    fi
    if ! as_root kill -HUP "$pid"; then
      say "warning: could not send SIGHUP to dockerd (pid $pid): restart the engine to load $DAEMON_JSON"
      return
    fi
    say "docker engine: sent SIGHUP to dockerd (pid $pid) to load $DAEMON_JSON"
  fi
  # The reload is asynchronous: wait for it (at most 10 s) after a change, look once otherwise.
  for ((i = 0; i < 20; i++)); do
    runtimes=$(engine_runtimes) || runtimes=
    if [[ " $runtimes" == *" runsc "* ]]; then
      say "docker engine: runtimes ${runtimes% }"
      return
    fi
    [[ $engine_config == changed ]] || break
    sleep 0.5
  done
  runtimes=${runtimes% }
  runtimes=${runtimes:-none listed}
  if [[ $engine_config == changed ]]; then
    say "warning: the engine does not list runsc after loading $DAEMON_JSON (runtimes: $runtimes): see the dockerd log (an engine that refuses a reloaded file keeps its old configuration)"
  else
    say "warning: $DAEMON_JSON registers runsc but the engine has not loaded it (runtimes: $runtimes): send SIGHUP to dockerd or restart it"
  fi
}

# engine_status: prints what `docker info` said and returns its status.
engine_status() { docker info --format '{{.ServerVersion}}, cgroup v{{.CgroupVersion}}' 2>&1; }

ensure_engine() {
  command -v docker >/dev/null || die "the docker client is not on PATH although docker.io was installed"
  local said status=0
  said=$(engine_status) || status=$?
  if ((status == 0)); then
    say "docker engine: running ($said)"
    return
  fi
  if [[ ${said,,} == *"permission denied"* ]]; then
    die "a docker engine runs but this user may not use it ($said): add user ${USER:-$EUID} to the docker group, or run as root"
  fi
  [[ -z ${DOCKER_HOST:-} ]] ||
    die "DOCKER_HOST=$DOCKER_HOST does not answer ($said): start that engine, or unset DOCKER_HOST to use a local one (this script only starts a local engine)"
  command -v dockerd >/dev/null || die "dockerd not found: install docker.io (apt-get install docker.io) or another Docker engine"
  local pid
  if pid=$(pgrep -xo dockerd); then
    say "docker engine: dockerd (pid $pid) runs but does not answer yet; waiting for it"
  else
    say "docker engine: not answering; starting dockerd (log: $DOCKERD_LOG)"
    # No iptables/NAT/bridge: the sandbox runs with --network none, and many CI hosts forbid iptables.
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash
    pid=$(as_root bash -c 'nohup dockerd --iptables=false --ip-masq=false --bridge=none >>"$1" 2>&1 </dev/null & echo $!' \
      _ "$DOCKERD_LOG") || die "could not start dockerd"
    started_engine=1
  fi
  local i
  for ((i = 0; i < DOCKERD_WAIT * 2; i++)); do
    if said=$(engine_status); then
      say "docker engine: answering after $((i / 2)) s ($said)"
      return
    fi
    if [[ ! -d /proc/$pid ]]; then
      tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
      die "dockerd (pid $pid) exited before it answered: see $DOCKERD_LOG (above: its last lines)"
    fi
    sleep 0.5
  done
  tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
  die "dockerd did not answer within ${DOCKERD_WAIT} s (last: $said): see $DOCKERD_LOG (above: its last lines)"
}

# --- npm tools, pinned by ci/tools/package-lock.json ---
# The linters of the CI definitions (tests/ci) and the validators of the report formats (ajv, and
# the SARIF 2.1.0 schema that the SARIF multitool ships). Installed with `npm ci` into
# ci/tools/node_modules, and again only when the lockfile changed (a copy of the lockfile installed
# last is kept there). npm is checked like the other tools; a failing `npm ci` (no registry
# reachable) is a warning: only those tests need them, and they fail under CI=true without them.
install_node_tools() {
  local here=.
  [[ ${BASH_SOURCE[0]} != */* ]] || here=${BASH_SOURCE[0]%/*}
  local dir=${SH_NODE_TOOLS_DIR:-$here/tools}
  local lock=$dir/package-lock.json stamp=$dir/node_modules/.installed-package-lock.json
  [[ -f $lock ]] || die "$lock is missing: is the checkout complete?"
  if [[ -f $stamp && "$(<"$stamp")" == "$(<"$lock")" ]]; then
    say "npm tools: up to date ($dir)"
    return
  fi
  command -v npm >/dev/null || die "npm not found although the npm package was installed"
  say "npm tools: installing into $dir/node_modules (npm ci)"
  if npm ci --prefix "$dir" --no-audit --no-fund --ignore-scripts; then
    cp "$lock" "$stamp"
  else
    say "warning: npm ci failed in $dir (only the tests of the CI definitions need these tools)"
  fi
}

install_packages
install_node_tools
register_runsc
ensure_engine
reload_engine_config
