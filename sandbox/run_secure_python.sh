#!/bin/bash
# run_secure_python.sh SCRIPT [ARGS...]: runs one untrusted Python script in a fresh, hardened
# container and passes its stdout/stderr through untouched. sandbox/README.md is the reference for
# the profile variables, the exit codes and the AST policy.
#
# Exit status: the script's own; 124 timeout (container killed and removed); 125 launcher or Docker
# failure (bad profile value, no docker, no engine, no image); 126 the AST check rejected the script
# (no container was created); 129/130/143 the launcher got SIGHUP/SIGINT/SIGTERM (container removed).
#
# Kept cheap on purpose, so that its latency stays within a few ms of a bare `docker run`: the
# profile is parsed and validated in bash (never sourced), the AST check is one python3 process that
# overlaps with the docker client's start-up (see "run" below), and the normal path runs exactly one
# docker process (no inspect before, no rm after: --rm does that).
set -euo pipefail

readonly ME=run_secure_python
here=${BASH_SOURCE[0]%/*}
[[ $here == "${BASH_SOURCE[0]}" ]] && here=.

fail() { # fail STATUS MESSAGE...
  local status=$1
  shift
  printf '%s: %s\n' "$ME" "$*" >&2
  exit "$status"
}

# ---- profile -------------------------------------------------------------------------------------

readonly PROFILE_KEYS=(IMAGE NETWORK USER READ_ONLY TMPFS CAP_DROP CAP_ADD NO_NEW_PRIVILEGES CPUS
  MEMORY MEMORY_SWAP PIDS_LIMIT ULIMITS TIMEOUT AST_CHECK SECCOMP PRIVILEGED PID_MODE RUNTIME POOL)
readonly RUN_KEYS=(NAME LABELS CGROUP_PARENT)
declare -A value=() origin=()

profile=${SANDBOX_PROFILE:-$here/profiles/default.env}
[[ -f $profile && -r $profile ]] ||
  fail 125 "profile not found or not readable: $profile (SANDBOX_PROFILE selects another one)"
profile_dir=${profile%/*}
[[ $profile_dir == "$profile" ]] && profile_dir=.

lineno=0
while IFS= read -r line || [[ -n $line ]]; do
  lineno=$((lineno + 1))
  [[ $line == '#'* || -z ${line//[[:space:]]/} ]] && continue
  [[ $line =~ ^(SANDBOX_[A-Z0-9_]+)=(.*)$ ]] ||
    fail 125 "$profile:$lineno: expected SANDBOX_<NAME>=VALUE, a '#' comment or a blank line"
  key=${BASH_REMATCH[1]#SANDBOX_}
  case " ${PROFILE_KEYS[*]} " in
    *" $key "*) ;;
    *)
      case " ${RUN_KEYS[*]} PROFILE " in
        *" $key "*) fail 125 "$profile:$lineno: SANDBOX_$key is a per-run variable: set it in the environment, not in a profile" ;;
        *) fail 125 "$profile:$lineno: unknown variable SANDBOX_$key (known: ${PROFILE_KEYS[*]/#/SANDBOX_})" ;;
      esac
      ;;
  esac
  [[ -z ${origin[$key]:-} ]] || fail 125 "$profile:$lineno: SANDBOX_$key is set twice (first at ${origin[$key]})"
  v=${BASH_REMATCH[2]}
  value[$key]=${v%"${v##*[![:space:]]}"} # trailing blanks and CR are dropped, nothing else
  origin[$key]=$profile:$lineno
done <"$profile"

for key in "${PROFILE_KEYS[@]}" "${RUN_KEYS[@]}"; do
  var=SANDBOX_$key
  if [[ -v $var ]]; then
    value[$key]=${!var}
    origin[$key]=environment
  fi
done
for key in "${PROFILE_KEYS[@]}"; do
  [[ -n ${origin[$key]:-} ]] ||
    fail 125 "$profile: SANDBOX_$key is not set (a profile sets every variable; see $here/profiles/default.env)"
done

# ---- validation: every value, before anything runs -----------------------------------------------

invalid() { # invalid KEY WHAT-IS-ALLOWED
  fail 125 "invalid SANDBOX_$1='${value[$1]}' (from ${origin[$1]:-default}): expected $2"
}
re_decimal='^([0-9]+(\.[0-9]*)?|\.[0-9]+)$'
re_size='^[0-9]{1,12}([kmgtKMGT]([iI]?[bB])?|[bB])?$' # Docker's syntax: 256m, 256MB, 1GiB, 512b
to_bytes() { # to_bytes SIZE -> $bytes
  local n=${1%%[!0-9]*} unit=${1#"${1%%[!0-9]*}"}
  n=$((10#$n))
  case ${unit:0:1} in
    k | K) bytes=$((n << 10)) ;;
    m | M) bytes=$((n << 20)) ;;
    g | G) bytes=$((n << 30)) ;;
    t | T) bytes=$((n << 40)) ;;
    *) bytes=$n ;;
  esac
}
is_positive_decimal() { [[ $1 =~ $re_decimal && $1 =~ [1-9] ]]; }
zero_or_one() { [[ ${value[$1]} == 0 || ${value[$1]} == 1 ]] || invalid "$1" "0 or 1"; }

docker_args=(run --rm --log-driver=none --pull=never --label=sandbox-harness.launcher=run_secure_python)

v=${value[IMAGE]}
[[ $v =~ ^[A-Za-z0-9][A-Za-z0-9._/:@-]*$ ]] || invalid IMAGE "a local image reference such as secure-python:latest"
image=$v

v=${value[NETWORK]}
[[ $v =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || invalid NETWORK "none, host, bridge or the name of a Docker network"
docker_args+=("--network=$v")
# Without a network there is no resolver to reach, yet Docker would copy the host's nameservers and
# search domains into /etc/resolv.conf. 0.0.0.0 (the container's own loopback) rather than
# 127.0.0.1: the docker CLI prints a warning on stderr for any loopback --dns, into the script's
# own stderr. With a network, the container keeps Docker's resolver configuration.
[[ $v == none ]] && docker_args+=(--dns=0.0.0.0 --dns-search=.)

v=${value[USER]}
if [[ $v != none ]]; then
  [[ $v =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$ ]] || invalid USER "uid:gid, uid, user[:group], or none"
  docker_args+=("--user=$v")
fi

zero_or_one READ_ONLY
[[ ${value[READ_ONLY]} == 1 ]] && docker_args+=(--read-only)

v=${value[TMPFS]}
if [[ $v != none ]]; then
  read -r -a mounts <<<"$v"
  ((${#mounts[@]})) || invalid TMPFS "space-separated PATH[:OPTIONS] mounts, or none"
  re_tmpfs_opt='^(rw|ro|exec|noexec|suid|nosuid|dev|nodev|size=[0-9]+[kmgKMG%]?|mode=[0-7]{3,4}|uid=[0-9]+|gid=[0-9]+|nr_inodes=[0-9]+[kmgKMG]?)$'
  for m in "${mounts[@]}"; do
    [[ $m =~ ^/[A-Za-z0-9_./-]*(:(.*))?$ ]] || invalid TMPFS "space-separated PATH[:OPTIONS] mounts with an absolute PATH, or none"
    if [[ -n ${BASH_REMATCH[1]} ]]; then
      IFS=, read -r -a opts <<<"${BASH_REMATCH[2]},"
      ((${#opts[@]})) || invalid TMPFS "tmpfs options after ':'"
      for o in "${opts[@]}"; do
        [[ $o =~ $re_tmpfs_opt ]] || invalid TMPFS "tmpfs options among rw ro exec noexec suid nosuid dev nodev size=N[k|m|g] mode=OCTAL uid=N gid=N nr_inodes=N (not '$o')"
      done
    fi
    docker_args+=("--tmpfs=$m")
  done
fi

capabilities() { # capabilities KEY FLAG WHAT-IS-ALLOWED: none, or one FLAG per name of a comma list
  local v=${value[$1]} c caps
  [[ $v == none ]] && return 0
  [[ $v =~ ^[A-Za-z_]+(,[A-Za-z_]+)*$ ]] || invalid "$1" "$3"
  IFS=, read -r -a caps <<<"$v"
  for c in "${caps[@]}"; do docker_args+=("$2=$c"); done
}
capabilities CAP_DROP --cap-drop "ALL, none, or a comma list of capabilities such as NET_RAW,SYS_ADMIN"
capabilities CAP_ADD --cap-add "none, or a comma list of capabilities to add back such as SYS_PTRACE"

zero_or_one NO_NEW_PRIVILEGES
[[ ${value[NO_NEW_PRIVILEGES]} == 1 ]] && docker_args+=(--security-opt=no-new-privileges)

v=${value[CPUS]}
if [[ $v != none ]]; then
  is_positive_decimal "$v" || invalid CPUS "a positive decimal number of CPUs (at most the host's), or none"
  docker_args+=("--cpus=$v")
fi

v=${value[MEMORY]}
memory_bytes=
if [[ $v != none ]]; then
  [[ $v =~ $re_size && $v =~ [1-9] ]] || invalid MEMORY "a positive size N[b|k|m|g|t] (at least 6m), or none"
  to_bytes "$v"
  ((bytes >= 6 << 20)) || invalid MEMORY "a size of at least 6m (Docker's minimum), or none"
  memory_bytes=$bytes
  docker_args+=("--memory=$v")
fi

v=${value[MEMORY_SWAP]}
if [[ $v != none ]]; then
  [[ -n $memory_bytes ]] || invalid MEMORY_SWAP "none when SANDBOX_MEMORY is none (swap is limited together with memory)"
  if [[ $v != -1 ]]; then
    [[ $v =~ $re_size ]] || invalid MEMORY_SWAP "a size N[b|k|m|g|t] at least SANDBOX_MEMORY, -1 (unlimited) or none"
    to_bytes "$v"
    ((bytes >= memory_bytes)) || invalid MEMORY_SWAP "a size at least SANDBOX_MEMORY (${value[MEMORY]}); equal means no swap"
  fi
  docker_args+=("--memory-swap=$v")
fi

v=${value[PIDS_LIMIT]}
if [[ $v != none ]]; then
  [[ $v =~ ^[0-9]+$ && $v =~ [1-9] ]] || invalid PIDS_LIMIT "a positive integer, or none"
  docker_args+=("--pids-limit=$v")
fi

v=${value[ULIMITS]}
if [[ $v != none ]]; then
  read -r -a limits <<<"$v"
  ((${#limits[@]})) || invalid ULIMITS "space-separated NAME=SOFT:HARD limits, or none"
  re_ulimit='^(core|cpu|data|fsize|locks|memlock|msgqueue|nice|nofile|nproc|rss|rtprio|rttime|sigpending|stack)=(-1|[0-9]+)(:(-1|[0-9]+))?$'
  for l in "${limits[@]}"; do
    [[ $l =~ $re_ulimit ]] ||
      invalid ULIMITS "space-separated NAME=SOFT:HARD with NAME among core cpu data fsize locks memlock msgqueue nice nofile nproc rss rtprio rttime sigpending stack (not '$l')"
    soft=${BASH_REMATCH[2]} hard=${BASH_REMATCH[4]:-${BASH_REMATCH[2]}}
    if [[ $hard != -1 ]] && { [[ $soft == -1 ]] || ((10#$soft > 10#$hard)); }; then
      invalid ULIMITS "soft limits no larger than hard limits (not '$l')"
    fi
    docker_args+=("--ulimit=$l")
  done
fi

v=${value[TIMEOUT]}
[[ $v =~ $re_decimal && ${v%%.*} =~ ^[0-9]{0,7}$ ]] || invalid TIMEOUT "a number of seconds (decimals allowed), 0 for none"
timeout=$v timeout_us=
if is_positive_decimal "$timeout"; then # microseconds, for the deadline arithmetic
  int=${v%%.*} frac=${v#"$int"}
  frac=${frac#.}000000
  timeout_us=$((10#${int:-0} * 1000000 + 10#${frac:0:6}))
fi

zero_or_one AST_CHECK

v=${value[SECCOMP]}
case $v in
  default) ;;
  unconfined) docker_args+=(--security-opt=seccomp=unconfined) ;;
  *)
    [[ -n $v ]] || invalid SECCOMP "default, unconfined or the path of a JSON seccomp profile"
    [[ $v == /* || ${origin[SECCOMP]} == environment ]] || v=$profile_dir/$v
    [[ -f $v && -r $v ]] || invalid SECCOMP "default, unconfined or the path of a readable JSON seccomp profile"
    docker_args+=("--security-opt=seccomp=$v")
    ;;
esac

zero_or_one PRIVILEGED
[[ ${value[PRIVILEGED]} == 1 ]] && docker_args+=(--privileged)

case ${value[PID_MODE]} in
  private) ;;
  host) docker_args+=(--pid=host) ;;
  *) invalid PID_MODE "private or host" ;;
esac

# Always passed, runc too: the profile, not the engine's default-runtime, decides what runs.
v=${value[RUNTIME]}
[[ $v =~ ^[A-Za-z0-9_.-]+$ ]] || invalid RUNTIME "the name of a runtime the engine has registered, such as runc or runsc"
docker_args+=("--runtime=$v")
runtime=$v

v=${value[POOL]}
if [[ -n $v ]]; then
  [[ $v =~ ^/[A-Za-z0-9_./-]*$ && ${#v} -le 107 ]] ||
    invalid POOL "empty (a cold launch) or the absolute path of a sandbox-pool socket ([A-Za-z0-9_./-], at most 107 bytes)"
fi
pool=$v

# What a warm slot must have been started with to run this script as this profile would: every
# flag above, the image, the timeout and the AST check. The pool computes the same line from its own
# profile (--slot-info) and refuses a script whose line differs.
profile_flags="${docker_args[*]} image=$image timeout=$timeout ast_check=${value[AST_CHECK]}"

v=${value[NAME]:-}
if [[ -z $v ]]; then
  now=${EPOCHREALTIME//[!0-9]/}
  v=secure-python-$now-$$-$RANDOM
else
  [[ $v =~ ^[A-Za-z0-9][A-Za-z0-9_.-]+$ ]] || invalid NAME "a container name: [A-Za-z0-9][A-Za-z0-9_.-]+"
fi
name=$v
docker_args+=("--name=$name")

v=${value[LABELS]:-}
if [[ -n $v ]]; then
  read -r -a labels <<<"$v"
  for l in "${labels[@]}"; do
    [[ $l =~ ^[A-Za-z0-9][A-Za-z0-9._/-]*=[^[:space:]]*$ ]] || invalid LABELS "space-separated key=value labels (not '$l')"
    docker_args+=("--label=$l")
  done
fi

v=${value[CGROUP_PARENT]:-}
if [[ -n $v ]]; then
  [[ $v =~ ^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/?$ && /$v/ != */../* && /$v/ != */./* ]] ||
    invalid CGROUP_PARENT "a cgroup path such as /sandbox-harness/run1 (no . or .. parts), or empty"
  docker_args+=("--cgroup-parent=$v")
fi

# ---- pool-side modes (sandbox/pool/: a slot is started by this launcher, so that its flags are these)

readonly DEADLINE_MARGIN_S=3
deadline_of() { # deadline_of -> $deadline: SANDBOX_TIMEOUT + DEADLINE_MARGIN_S, or 0 (none)
  deadline=0
  if [[ -n $timeout_us ]]; then
    local deadline_us=$((timeout_us + DEADLINE_MARGIN_S * 1000000)) frac
    deadline=$((deadline_us / 1000000))
    printf -v frac '%06d' $((deadline_us % 1000000))
    frac=${frac%"${frac##*[1-9]}"} # trailing zeros dropped
    [[ -z $frac ]] || deadline+=.$frac
  fi
}
# The container's whole environment (besides what Docker and the image set: PATH, HOSTNAME).
readonly CONTAINER_ENV=(HOME=/tmp LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1)

case ${1:-} in
  --slot-info) # what the pool needs to know of this profile, one key=value per line
    printf 'timeout=%s\nast_check=%s\nruntime=%s\npool=%s\nprofile_flags=%s\n' \
      "$timeout" "${value[AST_CHECK]}" "$runtime" "$pool" "$profile_flags"
    exit 0
    ;;
  --slot) # --slot IDLE_SECONDS MAX_SCRIPT_BYTES: becomes the docker client of one warm slot
    if (($# != 3)) || [[ ! $2 =~ ^[0-9]+$ || ! $3 =~ ^[0-9]+$ ]]; then
      fail 125 "usage: run_secure_python.sh --slot IDLE_SECONDS MAX_SCRIPT_BYTES"
    fi
    [[ -r $here/slot_init.py ]] || fail 125 "$here/slot_init.py not found"
    type -P docker >/dev/null || fail 125 "docker CLI not found on PATH: run ci/setup-host.sh"
    deadline_of
    # -i: the script comes on stdin. PID 1 is slot_init.py until the hand-over, then the same
    # `timeout --signal=KILL DEADLINE python3 -I -B` as below, reading the script from a pipe.
    # Without --rm (the one flag a slot drops): the client then exits with the script's status as
    # soon as the container exits, not ~60 ms later after its removal; the pool removes it then.
    exec docker "${docker_args[@]/#--rm/--label=sandbox-pool.slot=1}" -i --workdir=/tmp "${CONTAINER_ENV[@]/#/--env=}" --entrypoint=python3 \
      "$image" -I -S -c "$(<"$here/slot_init.py")" "$deadline" "$2" "$3"
    ;;
esac

# ---- the script ----------------------------------------------------------------------------------

(($#)) || fail 125 "usage: run_secure_python.sh SCRIPT [ARGS...]"
script=$1
shift
[[ $script == /* ]] || script=$PWD/$script
[[ -f $script && -r $script ]] || fail 125 "script not found or not readable: $script"
[[ $script != *$'\n'* ]] || fail 125 "script path contains a newline: not supported"
source_field="source=$script"
if [[ $script == *[,\"]* ]]; then # --mount is CSV: quote the field, double any quote
  source_field=\"${source_field//\"/\"\"}\"
fi
# PID 1 is timeout(1), the in-container deadline: it survives this launcher (a SIGKILLed launcher
# runs no trap, so its host-side timeout dies with it). It fires DEADLINE_MARGIN_S after the
# host-side one would have, counted from the container's start (itself later than the client's),
# so on a normal run the launcher's `docker rm -f` comes first. SIGKILL, not SIGTERM: a container
# that exited 124 by itself would read as the script's own status 124 to a caller that compares
# the container's status with the launcher's 124. Statuses pass through: the script's own, and
# 128+N when it dies of signal N (timeout(1) re-raises the signal on itself, which the kernel drops
# for a namespace's init, and then exits 128+N). With no timeout, `timeout 0` sets no deadline but
# keeps PID 1 the same. The images put a copy of timeout(1) first on PATH that the script's uid may
# execute but not read (/usr/local/bin/timeout, 0711), so that its process is not dumpable: a script
# of the same uid can neither ptrace it nor open /proc/1/mem. (gVisor, which cannot load a file it
# may not read, passes over it to /usr/bin/timeout.)
deadline_of

# ---- warm: the script goes to the running pool (sandbox/pool/), which runs it in a slot ---------
if [[ -n $pool ]]; then
  for key in NAME LABELS CGROUP_PARENT; do
    [[ -z ${value[$key]:-} ]] ||
      fail 125 "SANDBOX_$key cannot apply to a warm slot (started ahead by the pool at $pool): unset it, or use a profile with SANDBOX_POOL= (empty)"
  done
  client=${SECURE_PYTHON_POOL_CLIENT:-$here/sandbox-pool}
  [[ -x $client ]] || client=$(type -P sandbox-pool) ||
    fail 125 "SANDBOX_POOL=$pool, but no sandbox-pool client found (set SECURE_PYTHON_POOL_CLIENT to the built sandbox-pool binary, or put it next to this launcher or on PATH)"
  exec "$client" --client "$pool" --name "$script" --profile-flags "$profile_flags" -- "$script" "$@"
fi

docker_args+=("--mount=type=bind,$source_field,target=/sandbox/main.py,readonly"
  --workdir=/tmp --entrypoint=timeout)
run_cmd=("$image" --signal=KILL "$deadline" python3 -I -B /sandbox/main.py "$@")

type -P docker >/dev/null || fail 125 "docker CLI not found on PATH: run ci/setup-host.sh"
ast_check=${value[AST_CHECK]}
if [[ $ast_check == 1 && ! -x /usr/bin/python3 ]]; then
  fail 125 "/usr/bin/python3 not found (needed by the AST check): run ci/setup-host.sh"
fi

# ---- run ----------------------------------------------------------------------------------------
# The docker client is this shell's background job; `wait -n` on it and on a `sleep` is the timer.
# Every fork costs milliseconds, so only the gate's pipe (AST check on) is made before the client.
#
# With the AST check on, the client starts at once, but its environment (--env-file) is a pipe
# that this shell fills only after the check has passed. The client reads that file after its own
# start-up and its first request to the engine (~50 ms here), before any container exists, so the
# check runs meanwhile instead of adding its time. The pipe is fail-safe: it starts with a comment
# line that ends in half a UTF-8 character. Only "go" completes it (and writes the environment);
# on a rejection, or EOF because this shell died, Docker reads invalid UTF-8, refuses the file
# ("contains invalid utf8 bytes") and exits without creating a container.

readonly GATE_PREFIX=$'# gate: the AST check has not passed \xc3' GATE_REST=$'\xa9\n'
# ast_check.py is imported, not run as a script, so that Python caches its bytecode in
# $here/__pycache__ (written on the first run when that directory is writable, recompiled when the
# source changes): compiling it on every launch cost ~14 ms of CPU, taken from the docker client.
readonly AST_CHECK_MAIN='import sys; sys.path.insert(0, sys.argv.pop(1)); import ast_check; sys.exit(ast_check.main(sys.argv))'
client_pid=
ast_pid=
gate=
client_status=
sleeper=
watchdog=

# The second deadline keeper, outside the container: PID 1's deadline holds when this launcher is
# SIGKILLed, but not when the script can stop PID 1. runc drops a signal from inside to a
# namespace's init; gVisor lets uid 65534 SIGSTOP it, and the container then ran on long past its
# deadline. So once the client runs, a watchdog in a session of its own (no kill of this
# launcher's process group reaches it) sleeps until WATCHDOG_MARGIN_S after PID 1's deadline,
# then removes the container by name. Every exit of this launcher stops it (on_exit); only a
# launcher killed with SIGKILL leaves it to do its job. Its sleep and `docker rm -f` are host
# processes the script cannot reach.
readonly WATCHDOG_MARGIN_S=1
# On SIGTERM the watchdog stops and reaps its sleep before it exits, so that nothing of it is left
# for PID 1 or a subreaper to reap.
# shellcheck disable=SC2016 # expanded by sh, not here
readonly WATCHDOG_SH='trap '"'"'kill $s 2>/dev/null; wait $s; exit 0'"'"' TERM
sleep "$1" & s=$!
wait $s && exec docker rm -f "$2"'
start_watchdog() {
  [[ -n $timeout_us ]] || return 0
  setsid sh -c "$WATCHDOG_SH" watchdog "$((${deadline%.*} + 1 + WATCHDOG_MARGIN_S))" "$name" \
    </dev/null >/dev/null 2>&1 &
  watchdog=$!
}
# shellcheck disable=SC2317 # invoked by on_exit, a trap
stop_watchdog() {
  [[ -n $watchdog ]] || return 0
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  watchdog=
}

# SIGKILLs the client and reaps it, so that no client outlives this launcher as a zombie for PID 1
# to reap (and its CPU stays with this launcher's caller).
kill_client() {
  [[ -n $client_pid ]] || return 0
  kill -KILL "$client_pid" 2>/dev/null || true
  wait "$client_pid" 2>/dev/null || true
}

close_gate() { # close_gate go|no
  [[ -n $gate ]] || return 0
  if [[ $1 == go ]]; then
    printf '%s' "$GATE_REST" >&"$gate"
    printf '%s\n' "${CONTAINER_ENV[@]}" >&"$gate"
  else
    # The client is still starting or reading the pipe: no container exists. Kill it anyway, so
    # that it cannot linger on the pipe.
    kill_client
  fi
  exec {gate}>&-
  gate=
}

wait_client() { # wait_client [SECONDS]: 0 and $client_status once the client has exited, 1 if time ran out
  local rc=0 which=
  if [[ -z ${1:-} ]]; then
    wait "$client_pid" || rc=$?
    client_status=$rc
    return 0
  fi
  sleep "$1" >/dev/null 2>&1 &
  sleeper=$!
  wait -n -p which "$client_pid" "$sleeper" || rc=$?
  if [[ $which == "$client_pid" ]]; then
    kill "$sleeper" 2>/dev/null || true
    wait "$sleeper" 2>/dev/null || true
    sleeper=
    client_status=$rc
    return 0
  fi
  sleeper=
  return 1
}

# Kills and removes the container. The client is not killed first: it may be between create and
# start, and a container created after our `rm -f` would be left behind. Once `rm -f` has removed the
# container, its creation is over and the client can do no more: it is killed and we are done. While
# there is nothing to remove (not created yet, or already gone), `rm -f` is repeated until the client
# has finished.
remove_container() {
  local i out
  for ((i = 0; i < 20; i++)); do
    out=$(docker rm -f "$name" 2>&1) || true
    if [[ $out == "$name" ]]; then
      kill_client
      return 0
    fi
    wait_client 0.5 && return 0 # the client is done: no container can appear any more
  done
  # The engine did not let the client finish within ~10 s: stop it, and try a last time.
  kill_client
  docker rm -f "$name" >/dev/null 2>&1 || true
  printf '%s: warning: the docker engine is not responding; container %s may remain\n' "$ME" "$name" >&2
}

# shellcheck disable=SC2317 # invoked by the traps below
on_signal() { # on_signal NAME STATUS
  trap '' INT TERM HUP
  [[ -z $ast_pid ]] || kill -KILL "$ast_pid" 2>/dev/null || true
  [[ -z $sleeper ]] || kill "$sleeper" 2>/dev/null || true
  if [[ -n $gate ]]; then
    close_gate no
    printf '%s: got SIG%s before the container was created\n' "$ME" "$1" >&2
  elif [[ -n $client_pid ]]; then
    remove_container
    printf '%s: got SIG%s: container %s removed\n' "$ME" "$1" "$name" >&2
  fi
  exit "$2"
}
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP
# shellcheck disable=SC2317 # invoked by the trap
on_exit() {
  close_gate no
  stop_watchdog
}
trap on_exit EXIT

started_us=${EPOCHREALTIME//[!0-9]/} # the deadline counts from here: the client's start
if [[ $ast_check == 1 ]]; then
  # shellcheck disable=SC2312 # `:` cannot fail; the process substitution only makes the pipe
  exec {gate}<> <(:) # an anonymous pipe; the client gets a read-only end of its own
  exec {gate_r}<"/dev/fd/$gate"
  printf '%s' "$GATE_PREFIX" >&"$gate"
  docker "${docker_args[@]}" --env-file "/dev/fd/$gate_r" "${run_cmd[@]}" {gate}>&- &
  client_pid=$!
  exec {gate_r}<&-
  /usr/bin/python3 -I -S -c "$AST_CHECK_MAIN" "$here" --prefix "$ME: " "$script" {gate}>&- &
  ast_pid=$!
  ast_status=0
  wait "$ast_pid" || ast_status=$?
  ast_pid=
  case $ast_status in
    0)
      close_gate go
      start_watchdog
      ;;
    1)
      close_gate no
      exit 126
      ;;
    *)
      close_gate no
      fail 125 "the AST check failed to run (status $ast_status)"
      ;;
  esac
else
  docker "${docker_args[@]}" "${CONTAINER_ENV[@]/#/--env=}" "${run_cmd[@]}" &
  client_pid=$!
  start_watchdog
fi

if [[ -n $timeout_us ]]; then
  left_us=$((timeout_us - (${EPOCHREALTIME//[!0-9]/} - started_us)))
  ((left_us > 1000)) || left_us=1000
  printf -v left '%d.%06d' $((left_us / 1000000)) $((left_us % 1000000))
  if ! wait_client "$left"; then
    trap '' INT TERM HUP
    remove_container
    printf '%s: timed out after %ss: container %s killed and removed\n' "$ME" "$timeout" "$name" >&2
    exit 124
  fi
else
  wait_client
fi
status=$client_status

if ((status >= 128)); then
  # The client may have died while the container lives on (e.g. SIGPIPE on a closed stdout):
  # make sure it is gone. A container that exited by itself was already removed (--rm).
  docker rm -f "$name" >/dev/null 2>&1 || true
elif ((status == 125)); then
  # Docker failed (its message is above) or the script itself exited 125. Name the usual causes.
  if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    printf '%s: docker engine not reachable (DOCKER_HOST=%s): run ci/setup-host.sh\n' "$ME" "${DOCKER_HOST:-default}" >&2
  elif ! docker image inspect "$image" >/dev/null 2>&1; then
    printf '%s: image %s not found: build it with sandbox/build_secure_python.sh base|science\n' "$ME" "$image" >&2
  elif [[ $runtime != runc ]]; then
    runtimes=$(docker info --format '{{range $name, $_ := .Runtimes}}{{$name}} {{end}}' 2>/dev/null) || runtimes=
    if [[ -n $runtimes && " $runtimes" != *" $runtime "* ]]; then
      printf '%s: runtime %s is not registered with the engine (it has: %s): ci/setup-host.sh registers runsc\n' \
        "$ME" "$runtime" "${runtimes% }" >&2
    fi
  fi
fi
exit "$status"
