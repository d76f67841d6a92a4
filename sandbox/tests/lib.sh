# Helpers shared by the sandbox's shell tests (sourced, not run).
#
# Conventions: a test prints "ok - ..." for each check and exits 0; it prints "FAIL: ..." and exits
# 1 on the first failed check; it exits 77 (ctest SKIP_RETURN_CODE) when no Docker engine answers,
# except under CI=true, where a skipped Docker test is a failure. Every container a test starts
# carries the label sandbox-harness.test=$TEST_ID and is removed on exit, whatever happens.
# shellcheck shell=bash disable=SC2034 # variables used by the tests that source this file

set -euo pipefail

SANDBOX_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAUNCHER=$SANDBOX_DIR/run_secure_python.sh
BUILDER=$SANDBOX_DIR/build_secure_python.sh
TEST_NAME=$(basename "${BASH_SOURCE[1]:-test}" .sh)
TEST_ID=$TEST_NAME-$$-$RANDOM
TEST_LABEL=sandbox-harness.test=$TEST_ID
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-test.XXXXXX")
chmod 755 "$TMP" # the scripts are read inside the container by uid 65534
export SANDBOX_LABELS=$TEST_LABEL
# The tests exercise the default profile unless they say otherwise.
unset SANDBOX_PROFILE SANDBOX_NAME SANDBOX_CGROUP_PARENT

cleanup_test() {
  local ids
  # A pool a test started (start_pool) is SIGKILLed, so that it starts no slot after the removal.
  if [[ -n ${pool_pid:-} ]]; then
    kill -KILL "$pool_pid" 2>/dev/null || true
    wait "$pool_pid" 2>/dev/null || true
  fi
  ids=$(docker ps -aq --filter "label=$TEST_LABEL" 2>/dev/null || true)
  if [[ -n $ids ]]; then
    # shellcheck disable=SC2086 # one id per word
    docker rm -f $ids >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
}
trap cleanup_test EXIT

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}
ok() { printf 'ok - %s\n' "$*"; }

require_docker() {
  command -v docker >/dev/null && docker info >/dev/null 2>&1 && return 0
  if [[ ${CI:-} == true || ${CI:-} == 1 ]]; then
    fail "no Docker engine answers, and under CI=true a Docker test must not be skipped (run ci/setup-host.sh)"
  fi
  printf 'SKIP: no Docker engine answers (run ci/setup-host.sh)\n'
  exit 77
}

require_images() {
  docker image inspect secure-python:latest secure-python-science:latest >/dev/null 2>&1 ||
    fail "images secure-python:latest and secure-python-science:latest are missing (the fixture test images_build_and_unchanged_rebuild_is_fast builds them)"
}

# write_script NAME <<'EOF' ... EOF: writes a world-readable script into $TMP, prints its path
write_script() {
  cat >"$TMP/$1"
  chmod 644 "$TMP/$1"
  printf '%s\n' "$TMP/$1"
}

# byte_exact_script: writes hello.py, which prints every byte value, UTF-8 text and its arguments
# to stdout, a line to stderr, and exits with its first argument; prints the script's path.
byte_exact_script() {
  write_script hello.py <<'PY'
import sys
out = sys.stdout.buffer
out.write(b"hello, world\n")
out.write("caf\u00e9 \u2603\n".encode())
out.write(bytes(range(256)))
out.write(repr(sys.argv[1:]).encode())
out.flush()
sys.stderr.write("this goes to stderr\n")
sys.exit(int(sys.argv[1]))
PY
}

# byte_exact_stdout ARGS...: what byte_exact_script's script prints to stdout with ARGS, made by
# the host's Python.
byte_exact_stdout() {
  /usr/bin/python3 -c '
import sys
out = sys.stdout.buffer
out.write(b"hello, world\n")
out.write("caf\u00e9 \u2603\n".encode())
out.write(bytes(range(256)))
out.write(repr(sys.argv[1:]).encode())
' "$@"
}


# launch [ENV=VALUE...] -- SCRIPT [ARGS...]: runs the launcher; sets $status, $elapsed (seconds,
# decimal), and leaves stdout/stderr in $TMP/out and $TMP/err.
launch() {
  local envs=()
  while [[ $1 != -- ]]; do
    envs+=("$1")
    shift
  done
  shift
  local start=${EPOCHREALTIME//[!0-9]/}
  status=0
  env "${envs[@]}" "$LAUNCHER" "$@" >"$TMP/out" 2>"$TMP/err" || status=$?
  elapsed=$(micros_to_seconds $((${EPOCHREALTIME//[!0-9]/} - start)))
}

# launch_as_subreaper [ENV=VALUE...] -- COMMAND [ARGS...]: runs COMMAND (normally the launcher)
# under a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so that whatever it leaves behind (a
# child it neither reaped nor waited for, running or a zombie) is re-parented there instead of to
# PID 1. Sets $status and $left ("PID (comm) STATE; ...", empty when nothing was left).
launch_as_subreaper() {
  local envs=() out
  while [[ $1 != -- ]]; do
    envs+=("$1")
    shift
  done
  shift
  out=$(env "${envs[@]}" /usr/bin/python3 -c '
import ctypes, os, subprocess, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
left = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        continue
    rest = stat[stat.rindex(")") + 2:].split()
    if int(rest[1]) == os.getpid():
        left.append(pid + " " + stat[stat.index("("):stat.rindex(")") + 1] + " " + rest[0])
print(status)
print("; ".join(left))
' "$@")
  left=
  { read -r status && IFS= read -r left; } <<<"$out" || true
}

micros_to_seconds() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }

# now_us: current time in microseconds
now_us() { printf '%s' "${EPOCHREALTIME//[!0-9]/}"; }

expect_eq() { # expect_eq WHAT GOT WANT
  [[ $2 == "$3" ]] || fail "$1: got '$2', want '$3'"
  ok "$1 = '$3'"
}

expect_contains() { # expect_contains WHAT TEXT FRAGMENT
  [[ $2 == *"$3"* ]] || fail "$1: '$3' not found in: $2"
  ok "$1 mentions '$3'"
}

# container_exists NAME: true if the engine has a container NAME. A failing `docker ps` fails the
# test: "no container" must never be read from a command that did not run.
container_exists() {
  local ids
  ids=$(docker ps -aq --filter "name=^/$1\$") || fail "docker ps failed: cannot tell whether container $1 exists"
  [[ -n $ids ]]
}

expect_no_container() { # expect_no_container NAME
  ! container_exists "$1" || fail "container $1 still exists"
  ok "no container named $1 is left"
}

# containers_created_since SINCE(unix seconds): names of containers with this test's label created
# since then, from the engine's event log (catches containers that came and went).
containers_created_since() {
  docker events --since "$1" --until "$(date +%s.%N)" --filter "label=$TEST_LABEL" \
    --filter event=create --format '{{.Actor.Attributes.name}}'
}

expect_created_since() { # expect_created_since WHAT SINCE WANT: containers_created_since SINCE is WANT
  local got
  got=$(containers_created_since "$2") || fail "$1: docker events failed, so the check cannot run"
  expect_eq "$1" "$got" "$3"
}

wait_running() { # wait_running NAME TIMEOUT_SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    [[ $(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null) == true ]] && return 0
    sleep 0.1
  done
  fail "container $1 was not running after $2 s"
}

# ---- warm slots (sandbox/pool/) ------------------------------------------------------------------
# The pool binary: CMake passes its path (SECURE_PYTHON_POOL_CLIENT, which the launcher also uses).
POOL_BIN=${SECURE_PYTHON_POOL_CLIENT:-}
require_pool_binary() {
  [[ -n $POOL_BIN && -x $POOL_BIN ]] ||
    fail "SECURE_PYTHON_POOL_CLIENT does not name the built sandbox-pool (run through ctest, or set it)"
}

# start_pool SOCKET SLOTS [ENV=VALUE...] -- [POOL OPTIONS...]: starts a pool with SLOTS slots in
# the background (its stderr in $TMP/pool.log, its pid in $pool_pid) and waits until they are ready.
# Its slots carry this test's label too (SANDBOX_LABELS), so cleanup_test removes them in any case.
start_pool() {
  local socket=$1 slots=$2 envs=()
  shift 2
  while [[ $1 != -- ]]; do
    envs+=("$1")
    shift
  done
  shift
  env "${envs[@]}" "$POOL_BIN" --socket "$socket" --slots "$slots" "$@" 2>"$TMP/pool.log" &
  pool_pid=$!
  wait_slots "$socket" "$slots" 60
}

# pool_slots SOCKET: names of the running slot containers of the pool on SOCKET, sorted.
pool_slots() {
  docker ps --filter "label=sandbox-pool=$1" --filter status=running --format '{{.Names}}' | sort
}

# wait_slots SOCKET N SECONDS: until the pool's log has said N times in all that a slot is ready
# (its PID 1 printed its readiness line), counting the slots already used.
wait_slots() {
  local i n
  for ((i = 0; i < $3 * 10; i++)); do
    n=$(grep -c ' ready in ' "$TMP/pool.log" 2>/dev/null) || n=0
    ((n >= $2)) && [[ -S $1 ]] && return 0
    sleep 0.1
  done
  fail "the pool on $1 did not have $2 slots ready within $3 s (log: $(cat "$TMP/pool.log"))"
}

stop_pool() { # stop_pool: SIGTERM, then its exit status in $pool_status
  pool_status=0
  kill -TERM "$pool_pid" 2>/dev/null || true
  wait "$pool_pid" || pool_status=$?
}
