#!/usr/bin/env bash
# Every shell script of the sandbox, its tests and the host setup passes shellcheck (no Docker needed).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

if ! command -v shellcheck >/dev/null; then
  [[ ${CI:-} != true && ${CI:-} != 1 ]] || fail "shellcheck is not installed (ci/setup-host.sh installs it)"
  printf 'SKIP: shellcheck is not installed (run ci/setup-host.sh)\n'
  exit 77
fi
scripts=("$SANDBOX_DIR"/*.sh "$SANDBOX_DIR"/tests/*.sh "$SANDBOX_DIR/../ci/setup-host.sh")
shellcheck -x "${scripts[@]}" || fail "shellcheck found problems (above)"
ok "shellcheck: ${#scripts[@]} scripts clean"
