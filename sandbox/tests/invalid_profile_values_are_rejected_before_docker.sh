#!/usr/bin/env bash
# Every profile value is validated before anything runs: each invalid value below is rejected with
# exit 125 and a message naming the variable, the bad value and what is allowed, and no container is
# created (checked in the engine's event log). Table: variable | bad value | expected fragment.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker

script=$(write_script hello.py <<'PY'
print("hello")
PY
)

cases=(
  "IMAGE|-it|a local image reference"
  "IMAGE||a local image reference"
  "NETWORK|container:other|none, host, bridge or the name of a Docker network"
  "NETWORK||none, host, bridge"
  "USER|65534:65534:1|uid:gid, uid, user[:group], or none"
  "USER|--privileged|uid:gid"
  "READ_ONLY|yes|0 or 1"
  "TMPFS|tmp:rw|absolute PATH"
  "TMPFS|/tmp:rw,exec,size=16q|not 'size=16q'"
  "TMPFS|/tmp:rw,bogus|not 'bogus'"
  "TMPFS||PATH[:OPTIONS] mounts, or none"
  "CAP_DROP|ALL;SYS_ADMIN|ALL, none, or a comma list"
  "CAP_DROP||ALL, none, or a comma list"
  "CAP_ADD|SYS_PTRACE;ALL|none, or a comma list of capabilities to add back"
  "CAP_ADD||none, or a comma list of capabilities to add back"
  "NO_NEW_PRIVILEGES|true|0 or 1"
  "CPUS|0|a positive decimal number of CPUs"
  "CPUS|-1|a positive decimal number of CPUs"
  "CPUS|1e3|a positive decimal number of CPUs"
  "MEMORY|256x|a positive size N[b|k|m|g|t]"
  "MEMORY|0|a positive size"
  "MEMORY|5m|at least 6m (Docker's minimum)"
  "MEMORY_SWAP|128m|at least SANDBOX_MEMORY (256m)"
  "MEMORY_SWAP|lots|a size N[b|k|m|g|t] at least SANDBOX_MEMORY, -1 (unlimited) or none"
  "PIDS_LIMIT|0|a positive integer, or none"
  "PIDS_LIMIT|-1|a positive integer, or none"
  "PIDS_LIMIT|64.5|a positive integer, or none"
  "ULIMITS|nofile=256:128|soft limits no larger than hard limits"
  "ULIMITS|nofiles=256:256|NAME among core cpu data"
  "ULIMITS|nofile=lots|not 'nofile=lots'"
  "TIMEOUT|-5|a number of seconds (decimals allowed), 0 for none"
  "TIMEOUT|10s|a number of seconds"
  "AST_CHECK|on|0 or 1"
  "SECCOMP|/nonexistent/seccomp.json|readable JSON seccomp profile"
  "SECCOMP||default, unconfined or the path"
  "PRIVILEGED|2|0 or 1"
  "PID_MODE|container:x|private or host"
  "RUNTIME|run sc|the name of a runtime the engine has registered"
  "RUNTIME|/usr/bin/runsc|the name of a runtime the engine has registered"
  "RUNTIME||the name of a runtime the engine has registered"
  "NAME|-rm|a container name"
  "NAME|a b|a container name"
  "LABELS|novalue|key=value labels (not 'novalue')"
  "CGROUP_PARENT|../escape|a cgroup path"
)

since=$(date +%s.%N)
for row in "${cases[@]}"; do
  IFS='|' read -r var bad fragment <<<"$row"
  launch "SANDBOX_$var=$bad" -- "$script"
  [[ $status == 125 ]] || fail "SANDBOX_$var='$bad': status $status, want 125 (stderr: $(cat "$TMP/err"))"
  err=$(cat "$TMP/err")
  [[ $err == *"SANDBOX_$var='$bad'"* ]] || fail "SANDBOX_$var='$bad': message does not quote the variable and value: $err"
  [[ $err == *"$fragment"* ]] || fail "SANDBOX_$var='$bad': message lacks '$fragment': $err"
  [[ ! -s $TMP/out ]] || fail "SANDBOX_$var='$bad': the script printed something"
  ok "SANDBOX_$var='$bad' -> 125: $err"
done

# The same checks apply to values read from a profile file; the message then names FILE:LINE.
sed 's/^SANDBOX_CPUS=.*/SANDBOX_CPUS=many/' "$SANDBOX_DIR/profiles/default.env" >"$TMP/cpus.env"
line=$(grep -n '^SANDBOX_CPUS=' "$TMP/cpus.env" | cut -d: -f1)
launch "SANDBOX_PROFILE=$TMP/cpus.env" -- "$script"
expect_eq "bad value in a profile file: status" "$status" 125
expect_contains "bad value in a profile file: message" "$(cat "$TMP/err")" "invalid SANDBOX_CPUS='many' (from $TMP/cpus.env:$line)"

sleep 1
expect_created_since "containers created for invalid values (docker events)" "$since" ""
