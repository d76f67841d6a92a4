#!/usr/bin/env bash
# Bad input gets a clear error naming the thing and the fix, exit status 2, and nothing written.
source "$(dirname "$0")/lib.sh"

check() {  # check WHAT EXPECTED_FRAGMENT COMMAND...
  local what=$1 fragment=$2
  shift 2
  local status=0
  "$@" >"$TMP/out.txt" 2>&1 || status=$?
  [[ "$status" == 2 ]] || { cat "$TMP/out.txt"; fail "$what: exit status $status, expected 2"; }
  grep -qF -- "$fragment" "$TMP/out.txt" || { cat "$TMP/out.txt"; fail "$what: message lacks '$fragment'"; }
  echo "ok: $what"
}

check "unknown flag" "--frobnicate" "$HARNESS" run --frobnicate --out "$TMP/x"

mkdir -p "$TMP/root/attacks" "$TMP/root/workloads"
printf '# sandbox-harness: probe\n# id: bad.one\n# contrls: network\n' >"$TMP/root/attacks/bad.py"
check "malformed probe header" "bad.py:3:" "$HARNESS" list --root "$TMP/root"

check "missing Docker socket" "/nonexistent/docker.sock" \
  env DOCKER_HOST=unix:///nonexistent/docker.sock "$HARNESS" run --suite workloads --filter 'wl.hello' --image base --out "$TMP/nosock" --root "$ROOT"
[[ ! -e "$TMP/nosock/report.json" ]] || fail "a report was written although the run never started"

require_docker
check "missing image" "sandbox-harness build" \
  env SANDBOX_IMAGE=secure-python:no-such-tag "$HARNESS" run --suite workloads --filter 'wl.hello' --image base --out "$TMP/noimage" --root "$ROOT"
expect_no_harness_containers "after the run"
