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

# validate_json SCHEMA DATA [REFERENCED-SCHEMA]: DATA (a file, or a quoted glob of .json files) is
# valid against the JSON Schema (draft 2020-12) SCHEMA, by ajv-cli from ci/tools (npm ci --prefix
# ci/tools, done by ci/setup-host.sh); ajv's findings go to $TMP/ajv.log. Without the tools the test
# skips (77), and fails under CI=true.
validate_json() {
  local schema=$1 data=$2 tools=${SH_NODE_TOOLS_DIR:-$ROOT/ci/tools}
  if [[ ! -x $tools/node_modules/.bin/ajv ]] || ! command -v node >/dev/null; then
    [[ "${CI:-}" == "true" ]] && fail "ajv is not installed in $tools (run ci/setup-host.sh)"
    echo "SKIP: ajv is not installed in $tools (run ci/setup-host.sh)"
    exit 77
  fi
  if [[ $data != *.json ]]; then # ajv-cli picks its parser by the file's extension
    local copy
    copy=$(mktemp "$TMP/validate-XXXXXX.json")
    cp "$data" "$copy"
    data=$copy
  fi
  local refs=()
  [[ -z ${3:-} ]] || refs=(-r "$3")
  "$tools/node_modules/.bin/ajv" validate --spec=draft2020 --strict=false -c ajv-formats -s "$schema" "${refs[@]}" \
    -d "$data" --errors=text >"$TMP/ajv.log" 2>&1
}

# sarif_schema: the SARIF 2.1.0 JSON Schema that the SARIF multitool's package ships.
sarif_schema() { echo "${SH_NODE_TOOLS_DIR:-$ROOT/ci/tools}/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"; }

# validate_report FILE WHAT: FILE (a report.json) is valid against reports/schema/report.schema.json.
validate_report() {
  validate_json "$ROOT/reports/schema/report.schema.json" "$1" ||
    { cat "$TMP/ajv.log"; fail "$2: $1 does not match reports/schema/report.schema.json"; }
}

# validate_records FILE: every line of FILE (a records.jsonl) is valid against
# reports/schema/record.schema.json.
validate_records() {
  local dir
  dir=$(mktemp -d "$TMP/records-XXXX")
  python3 - "$1" "$dir" <<'PY'
import sys
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    open(f"{sys.argv[2]}/line-{n}.json", "w", encoding="utf-8").write(line)
PY
  validate_json "$ROOT/reports/schema/record.schema.json" "$dir/*.json" "$ROOT/reports/schema/report.schema.json" ||
    { cat "$TMP/ajv.log"; fail "$1: a line does not match reports/schema/record.schema.json"; }
}
