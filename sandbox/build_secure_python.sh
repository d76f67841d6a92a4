#!/usr/bin/env bash
# build_secure_python.sh [--rebuild|--refresh] base|science|canary|all
#
# Builds secure-python:{1,latest} and/or secure-python-science:{1,latest} without a registry:
#   1. rootfs: a Debian bookworm minbase + python3 tarball made by mmdebstrap and loaded with
#      `docker import` as secure-python-rootfs:bookworm-<hash of the bootstrap recipe>;
#   2. each image: `docker build` of its Dockerfile FROM that rootfs (build arg BASE_IMAGE).
# `canary` builds the test-only secure-python-setuid-canary:{1,latest} FROM secure-python (built
# first when needed): secure-python plus one setuid-root program, so that no-new-privileges can be
# shown to work (secure_python_setuid_canary.Dockerfile). `all` is base, science and canary.
# Every image carries the label sandbox-harness.recipe-hash (Dockerfile + build inputs + base image
# id): when the existing image already has the hash of the current recipe the build is skipped, and
# the bootstrap is skipped when the rootfs image of the current recipe exists. Safe to re-run.
#
# Options: --rebuild builds the images even when they are up to date; --refresh also bootstraps the
# rootfs again (to pick up Debian security and point-release updates), which rebuilds the images.
# Environment:
#   SECURE_PYTHON_MIRROR      Debian mirror for mmdebstrap (a URL, or sources.list lines); default:
#                             Debian's own (deb.debian.org, bookworm, -updates and -security).
#   SECURE_PYTHON_ROOTFS_TAR  import this mmdebstrap tarball instead of bootstrapping (offline hosts).
#   SECURE_PYTHON_BASE_IMAGE  build FROM this image instead (e.g. one from your registry); it must be
#                             Debian bookworm based with python3 on PATH (see sandbox/README.md).
# Exit status: 0 built or up to date; 1 a step failed (the message says which and what to do); 2 usage.
set -euo pipefail

readonly ME=build_secure_python
readonly IMAGE_VERSION=1
readonly SUITE=bookworm
readonly ROOTFS_REPO=secure-python-rootfs
readonly HOOKS=/usr/share/mmdebstrap/hooks/merged-usr
# merged-usr hook: merged /usr without the usrmerge package (which would pull in all of perl).
# dpkg path excludes: no docs, man pages or translations, now and in later apt installs.
readonly MMDEBSTRAP_ARGS=(--variant=minbase --include=python3 "--hook-dir=$HOOKS"
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*')

readonly INFO_FORMAT='{{.Id}} {{index .Config.Labels "sandbox-harness.recipe-hash"}} {{.Size}} {{index .Config.Labels "sandbox-harness.python-version"}}'

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
workdir=

say() { printf '%s: %s\n' "$ME" "$*"; }
die() {
  printf '%s: error: %s\n' "$ME" "$*" >&2
  exit 1
}
usage() {
  printf 'usage: %s [--rebuild|--refresh] base|science|canary|all\n' "${BASH_SOURCE[0]}" >&2
  exit 2
}
cleanup() { [[ -z $workdir ]] || rm -rf "$workdir"; }
trap cleanup EXIT

# say_since T0 MESSAGE...: says MESSAGE followed by the seconds since T0 (an EPOCHREALTIME value)
say_since() {
  local now=${EPOCHREALTIME//[!0-9]/} start=${1//[!0-9]/}
  local tenths=$(((now - start) / 100000))
  shift
  say "$* [$((tenths / 10)).$((tenths % 10)) s]"
}

sha256() { sha256sum | cut -d' ' -f1; }

check_engine() {
  command -v docker >/dev/null || die "docker CLI not found: run ci/setup-host.sh"
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
    die "docker engine not reachable (DOCKER_HOST=${DOCKER_HOST:-default}): run ci/setup-host.sh"
}

make_workdir() {
  [[ -n $workdir ]] || workdir=$(mktemp -d "${TMPDIR:-/var/tmp}/secure-python-build.XXXXXX")
}

# Sets base_ref and base_id: the image the Dockerfiles build FROM.
prepare_base() {
  local t0=$EPOCHREALTIME
  if [[ -n ${SECURE_PYTHON_BASE_IMAGE:-} ]]; then
    base_ref=$SECURE_PYTHON_BASE_IMAGE
    if ! docker image inspect "$base_ref" >/dev/null 2>&1; then
      say "pulling base image $base_ref (SECURE_PYTHON_BASE_IMAGE)"
      docker pull "$base_ref" || die "cannot pull $base_ref: check SECURE_PYTHON_BASE_IMAGE and registry access"
    fi
    base_id=$(docker image inspect --format '{{.Id}}' "$base_ref")
    say_since "$t0" "base: $base_ref ($base_id)"
    return
  fi

  local recipe
  recipe=$(printf 'suite=%s\nmmdebstrap %s\nmirror=%s\n' "$SUITE" "${MMDEBSTRAP_ARGS[*]}" "${SECURE_PYTHON_MIRROR:-default}")
  if [[ -n ${SECURE_PYTHON_ROOTFS_TAR:-} ]]; then
    [[ -r $SECURE_PYTHON_ROOTFS_TAR ]] || die "SECURE_PYTHON_ROOTFS_TAR=$SECURE_PYTHON_ROOTFS_TAR is not a readable file"
    local tar_hash
    tar_hash=$(sha256 <"$SECURE_PYTHON_ROOTFS_TAR") || die "cannot read $SECURE_PYTHON_ROOTFS_TAR"
    recipe="rootfs tar sha256=$tar_hash"
  fi
  local recipe_hash
  recipe_hash=$(printf '%s' "$recipe" | sha256)
  base_ref=$ROOTFS_REPO:$SUITE-${recipe_hash:0:12}

  if [[ $mode != refresh ]] && base_id=$(docker image inspect --format '{{.Id}}' "$base_ref" 2>/dev/null); then
    say_since "$t0" "rootfs: $base_ref exists, bootstrap skipped"
    return
  fi

  local tar
  if [[ -n ${SECURE_PYTHON_ROOTFS_TAR:-} ]]; then
    tar=$SECURE_PYTHON_ROOTFS_TAR
  else
    command -v mmdebstrap >/dev/null || die "mmdebstrap not installed: run ci/setup-host.sh"
    [[ -d $HOOKS ]] || die "$HOOKS missing: reinstall mmdebstrap (ci/setup-host.sh)"
    make_workdir
    tar=$workdir/rootfs.tar
    local mirror=()
    [[ -z ${SECURE_PYTHON_MIRROR:-} ]] || mirror=("$SECURE_PYTHON_MIRROR")
    say "rootfs: bootstrapping Debian $SUITE minbase + python3 with mmdebstrap (mirror: ${SECURE_PYTHON_MIRROR:-Debian default})"
    mmdebstrap "${MMDEBSTRAP_ARGS[@]}" "$SUITE" "$tar" "${mirror[@]}" ||
      die "mmdebstrap failed: check network access to the Debian mirror (or set SECURE_PYTHON_MIRROR / SECURE_PYTHON_ROOTFS_TAR)"
    say_since "$t0" "rootfs: bootstrapped"
  fi
  local t1=$EPOCHREALTIME
  docker import --change "LABEL sandbox-harness.rootfs-recipe-hash=${base_ref##*-}" \
    --message "$ME: mmdebstrap ${MMDEBSTRAP_ARGS[*]} $SUITE" "$tar" "$base_ref" >/dev/null ||
    die "docker import of $tar failed"
  base_id=$(docker image inspect --format '{{.Id}}' "$base_ref")
  say_since "$t1" "rootfs: imported as $base_ref ($base_id)"
  [[ -z $workdir ]] || rm -f "$workdir/rootfs.tar"
}

# build_image KIND: builds secure-python (base), secure-python-science (science) or
# secure-python-setuid-canary (canary, FROM secure-python) unless up to date.
build_image() {
  local kind=$1 repo dockerfile network from_ref=$base_ref from_id=$base_id
  case $kind in
    base) repo=secure-python dockerfile=$here/secure_python.Dockerfile network=none ;;
    science) repo=secure-python-science dockerfile=$here/secure_python_science.Dockerfile network=host ;;
    canary)
      repo=secure-python-setuid-canary dockerfile=$here/secure_python_setuid_canary.Dockerfile network=none
      from_ref=secure-python:$IMAGE_VERSION
      from_id=$(docker image inspect --format '{{.Id}}' "$from_ref" 2>/dev/null) ||
        die "$from_ref is missing: build it first (build_secure_python.sh base)"
      ;;
  esac
  local t0=$EPOCHREALTIME hash current
  hash=$({
    printf 'recipe-format=1\nkind=%s\nimage-version=%s\nbase=%s\nbase-id=%s\nbuild-network=%s\n' \
      "$kind" "$IMAGE_VERSION" "$from_ref" "$from_id" "$network"
    cat "$dockerfile"
  } | sha256)

  # One inspect of both tags: "id recipe-hash size python-version" per tag found.
  local versioned=() latest=()
  current=$(docker image inspect --format "$INFO_FORMAT" "$repo:$IMAGE_VERSION" "$repo:latest" 2>/dev/null || true)
  read -r -a versioned <<<"${current%%$'\n'*}"
  [[ $current != *$'\n'* ]] || read -r -a latest <<<"${current#*$'\n'}"
  if [[ $mode == build && ${versioned[1]:-} == "$hash" ]]; then
    [[ ${latest[0]:-} == "${versioned[0]}" ]] || docker tag "$repo:$IMAGE_VERSION" "$repo:latest"
    say_since "$t0" "$kind: $repo:$IMAGE_VERSION is up to date (recipe ${hash:0:12}), build skipped"
    say "$repo:$IMAGE_VERSION ${versioned[0]} ${versioned[2]} bytes, python ${versioned[3]}"
    return
  fi

  local python_version
  python_version=$(docker run --rm --network none --log-driver none --entrypoint python3 "$from_ref" \
    -c 'import platform; print(platform.python_version())') ||
    die "cannot run python3 in $from_ref: the base image needs python3 on PATH"
  make_workdir
  mkdir -p "$workdir/context"
  say "$kind: building $repo:$IMAGE_VERSION and :latest FROM $from_ref (recipe ${hash:0:12}, python $python_version, build network $network)"
  local hint=
  [[ $kind != science ]] || hint=': it needs the Debian mirror, and the pinned versions must still be on it'
  docker build --force-rm --network "$network" -f "$dockerfile" \
    --build-arg "BASE_IMAGE=$from_ref" --build-arg "BASE_IMAGE_ID=$from_id" \
    --build-arg "RECIPE_HASH=$hash" --build-arg "PYTHON_VERSION=$python_version" \
    --build-arg "IMAGE_VERSION=$IMAGE_VERSION" \
    -t "$repo:$IMAGE_VERSION" -t "$repo:latest" "$workdir/context" ||
    die "docker build of $repo failed (see above)$hint"
  # The classic builder leaves the build stage behind as a dangling image: drop it.
  docker image prune --force --filter "label=sandbox-harness.build-stage=$repo" >/dev/null || true
  say_since "$t0" "$kind: built"
  report "$repo"
}

report() {
  local info=() said
  said=$(docker image inspect --format "$INFO_FORMAT" "$1:$IMAGE_VERSION") || die "cannot inspect $1:$IMAGE_VERSION after its build"
  read -r -a info <<<"$said"
  say "$1:$IMAGE_VERSION ${info[0]} ${info[2]} bytes, python ${info[3]}"
}

mode=build
case ${1:-} in
  --rebuild | --refresh)
    mode=${1#--}
    shift
    ;;
esac
[[ $# -eq 1 ]] || usage
case $1 in
  base) kinds=(base) ;;
  science) kinds=(science) ;;
  canary) kinds=(base canary) ;;
  all) kinds=(base science canary) ;;
  *) usage ;;
esac

start=$EPOCHREALTIME
check_engine
prepare_base
for kind in "${kinds[@]}"; do build_image "$kind"; done
say_since "$start" "done: ${kinds[*]}"
