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

# A probe that does not parse would never run (the AST check rejects it): a catalogue error,
# named with its file and line, before any container, never "contained".
mkdir -p "$TMP/syntax/attacks" "$TMP/syntax/workloads"
printf '# sandbox-harness: probe\n# id: bad.py2\n# family: network\n# controls: network\n# expect: report\n# summary: Python 2 syntax\nprint "escaped"\n' >"$TMP/syntax/attacks/py2.py"
check "probe with a syntax error" "py2.py:7: the script does not parse" \
  "$HARNESS" run --root "$TMP/syntax" --profile "$ROOT/sandbox/profiles/default.env" --out "$TMP/syntax-out"
[[ ! -e "$TMP/syntax-out" ]] || fail "the run wrote $TMP/syntax-out although it never started"

# A value the launcher would refuse for every case is named once, before any case runs.
check "profile value the launcher refuses" "bad SANDBOX_MEMORY '1m'" \
  env SANDBOX_MEMORY=1m "$HARNESS" run --suite workloads --filter 'wl.hello' --image base --out "$TMP/tiny" --root "$ROOT"
[[ ! -e "$TMP/tiny" ]] || fail "the run wrote $TMP/tiny although it never started"

# A bad baseline is named before the run, not after it (which would lose the night's reports).
printf '{"records": [' >"$TMP/broken-baseline.json"
check "malformed baseline" "broken-baseline.json" \
  "$HARNESS" run --suite workloads --filter 'wl.hello' --image base --baseline "$TMP/broken-baseline.json" --out "$TMP/withbase" --root "$ROOT"
[[ ! -e "$TMP/withbase" ]] || fail "the run started although its baseline is unreadable"

check "missing Docker socket" "/nonexistent/docker.sock" \
  env DOCKER_HOST=unix:///nonexistent/docker.sock "$HARNESS" run --suite workloads --filter 'wl.hello' --image base --out "$TMP/nosock" --root "$ROOT"
[[ ! -e "$TMP/nosock/report.json" ]] || fail "a report was written although the run never started"

require_docker
check "missing image" "sandbox-harness build" \
  env SANDBOX_IMAGE=secure-python:no-such-tag "$HARNESS" run --suite workloads --filter 'wl.hello' --image base --out "$TMP/noimage" --root "$ROOT"
expect_no_harness_containers "after the run"
