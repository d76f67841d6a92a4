#!/usr/bin/env bash
# Prepares a Debian 12 host for sandbox-harness: installs every Debian package the project needs
# (skipped when all are present, so a second run takes a second), then makes sure a Docker engine
# answers: when `docker info` fails it starts dockerd in the background and waits for it. An engine
# that already runs is left alone. Safe to run again at any time.
#
# Every decision rests on a command whose status is checked: a tool that cannot run (dpkg-query,
# apt-get, docker) stops the script with its name, never reads as "nothing to do".
#
# Environment: SH_DOCKERD_LOG (default /var/log/sandbox-harness-dockerd.log), SH_DOCKERD_WAIT
# (seconds to wait for the engine, default 60), SH_SKIP_CHROMIUM=1 (do not install chromium, which
# only the report screenshots need), SH_NODE_TOOLS_DIR (where the npm tools of ci/tools go, default
# ci/tools next to this script).
set -euo pipefail

readonly ME=setup-host
readonly PACKAGES=(
  docker.io mmdebstrap                              # the sandbox: engine, rootfs bootstrap
  cmake g++ libgtest-dev libbenchmark-dev           # build and tests
  libboost-dev libboost-filesystem-dev libcurl4-openssl-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  hyperfine shellcheck iproute2 curl python3 procps # measurement, lint, canary, AST check, pgrep
  nodejs npm                                        # the CI definitions' linters (ci/tools)
)
readonly OPTIONAL_PACKAGES=(chromium)               # report screenshots only
readonly DOCKERD_LOG=${SH_DOCKERD_LOG:-/var/log/sandbox-harness-dockerd.log}
readonly DOCKERD_WAIT=${SH_DOCKERD_WAIT:-60}

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
  [[ ${SH_SKIP_CHROMIUM:-0} == 1 ]] || missing_packages optional "${OPTIONAL_PACKAGES[@]}"
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
  if ((${#optional[@]})); then
    as_root apt-get install -y -q --no-install-recommends "${optional[@]}" ||
      say "warning: could not install ${optional[*]} (only the report screenshots need it)"
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

# --- npm tools: the linters of the CI definitions (tests/ci), pinned by ci/tools/package-lock.json ---
# Installed with `npm ci` into ci/tools/node_modules, and again only when the lockfile changed (a copy
# of the lockfile installed last is kept there). npm is checked like the other tools; a failing
# `npm ci` (no registry reachable) is a warning: only the tests of the CI definitions need them, and
# they fail under CI=true without them.
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
ensure_engine
