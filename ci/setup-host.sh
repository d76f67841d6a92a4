#!/usr/bin/env bash
# Prepares a Debian 12 host for sandbox-harness: installs every Debian package the project needs
# (skipped when all are present, so a second run takes a second), then makes sure a Docker engine
# answers: when `docker info` fails it starts dockerd in the background and waits for it. An engine
# that already runs is left alone. Safe to run again at any time.
#
# Environment: SH_DOCKERD_LOG (default /var/log/sandbox-harness-dockerd.log), SH_DOCKERD_WAIT
# (seconds to wait for the engine, default 60), SH_SKIP_CHROMIUM=1 (do not install chromium, which
# only the report screenshots need).
set -euo pipefail

readonly ME=setup-host
readonly PACKAGES=(
  docker.io mmdebstrap                              # the sandbox: engine, rootfs bootstrap
  cmake g++ libgtest-dev libbenchmark-dev           # build and tests
  libboost-dev libboost-filesystem-dev libcurl4-openssl-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  hyperfine shellcheck iproute2 curl python3        # measurement, lint, canary, AST check
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

missing_packages() { # prints the packages among "$@" that are not installed (one dpkg-query)
  local p installed
  installed=$'\n'$(dpkg-query -W -f '${Package} ${db:Status-Status}\n' "$@" 2>/dev/null | sed -n 's/ installed$//p')$'\n'
  for p in "$@"; do
    [[ $installed == *$'\n'"$p"$'\n'* ]] || printf '%s\n' "$p"
  done
}

install_packages() {
  local missing optional=()
  mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
  if ((${#missing[@]})) && command -v dockerd >/dev/null && command -v docker >/dev/null; then
    # An engine from another package (docker-ce, moby) would conflict with docker.io: keep it.
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | grep -vx -e docker.io -e '' || true)
  fi
  [[ ${SH_SKIP_CHROMIUM:-0} == 1 ]] || mapfile -t optional < <(missing_packages "${OPTIONAL_PACKAGES[@]}")
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
  fi
  if ((${#optional[@]})); then
    as_root apt-get install -y -q --no-install-recommends "${optional[@]}" ||
      say "warning: could not install ${optional[*]} (only the report screenshots need it)"
  fi
}

engine_answers() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

ensure_engine() {
  if engine_answers; then
    say "docker engine: running ($(docker info --format '{{.ServerVersion}}, cgroup v{{.CgroupVersion}}' 2>/dev/null))"
    return
  fi
  if docker info 2>&1 | grep -qi 'permission denied'; then
    die "the docker engine runs but $(id -un) may not use it: add the user to the docker group (or run as root)"
  fi
  [[ -z ${DOCKER_HOST:-} ]] || die "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine (this script only starts a local one)"
  command -v dockerd >/dev/null || die "dockerd not found although docker.io is installed"
  say "docker engine: not answering; starting dockerd (log: $DOCKERD_LOG)"
  # No iptables/NAT/bridge: the sandbox runs with --network none, and many CI hosts forbid iptables.
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  as_root bash -c 'nohup dockerd --iptables=false --ip-masq=false --bridge=none >>"$1" 2>&1 </dev/null &' \
    _ "$DOCKERD_LOG"
  local i
  for ((i = 0; i < DOCKERD_WAIT * 2; i++)); do
    if engine_answers; then
      say "docker engine: answering after $((i / 2)) s"
      return
    fi
    sleep 0.5
  done
  tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
  die "dockerd did not answer within ${DOCKERD_WAIT} s: see $DOCKERD_LOG (above: its last lines)"
}

install_packages
ensure_engine
