# shellcheck shell=bash
# Shared helpers of the harness's integration tests (sourced, not run).
# Each test gets: HARNESS (the binary), ROOT (the checkout), TMP (a scratch dir removed at exit).

set -euo pipefail

HARNESS=${HARNESS:?set HARNESS to the sandbox-harness binary}
ROOT=${ROOT:?set ROOT to the checkout}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A test that needs the engine skips (exit 77) without one; under CI=true it fails instead.
require_docker() {
  if ! docker info >/dev/null 2>&1; then
    if [[ "${CI:-}" == "true" ]]; then
      fail "no Docker engine answers, and CI=true forbids skipping (run ci/setup-host.sh)"
    fi
    echo "SKIP: no Docker engine answers (run ci/setup-host.sh)"
    exit 77
  fi
}

# harness_containers: prints how many containers of any harness run exist. A failing `docker ps`
# fails the test: a count must never be read from a command that did not run.
harness_containers() {
  local ids
  ids=$(docker ps -aq --filter label=sandbox-harness.run) || fail "docker ps failed: cannot count the harness's containers"
  if [[ -z $ids ]]; then echo 0; else wc -l <<<"$ids"; fi
}

# expect_no_harness_containers WHAT: no container of any harness run is left.
expect_no_harness_containers() {
  local n names
  n=$(harness_containers) || fail "$1: cannot count the harness's containers"
  if ((n != 0)); then
    names=$(docker ps -a --filter label=sandbox-harness.run --format '{{.Names}} {{.Status}}' || true)
    fail "$1: $n containers left behind: $names"
  fi
}

# json_get FILE PYTHON_EXPR — evaluates EXPR with `r` bound to the parsed JSON file.
json_get() {
  /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

expect_status() {
  local want=$1 got=$2 what=$3
  [[ "$got" == "$want" ]] || fail "$what: exit status $got, expected $want"
}

# validate_json SCHEMA FILE WHAT: FILE is valid against the JSON Schema (draft 2020-12) SCHEMA, by
# ajv-cli from ci/tools (npm ci --prefix ci/tools, done by ci/setup-host.sh). Without the tools the
# test skips (77), and fails under CI=true.
validate_json() {
  local schema=$1 file=$2 what=$3 tools=${SH_NODE_TOOLS_DIR:-$ROOT/ci/tools}
  if [[ ! -x $tools/node_modules/.bin/ajv ]] || ! command -v node >/dev/null; then
    [[ "${CI:-}" == "true" ]] && fail "ajv is not installed in $tools (run ci/setup-host.sh)"
    echo "SKIP: ajv is not installed in $tools (run ci/setup-host.sh)"
    exit 77
  fi
  local copy
  copy=$TMP/validate-$RANDOM.json # ajv-cli picks its parser by the file's extension
  cp "$file" "$copy"
  "$tools/node_modules/.bin/ajv" validate --spec=draft2020 --strict=false -c ajv-formats -s "$schema" -d "$copy" --errors=text >"$TMP/ajv.log" 2>&1
}

# sarif_schema: the SARIF 2.1.0 JSON Schema that the SARIF multitool's package ships.
sarif_schema() { echo "${SH_NODE_TOOLS_DIR:-$ROOT/ci/tools}/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"; }
