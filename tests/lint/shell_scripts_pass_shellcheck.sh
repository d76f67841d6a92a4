#!/usr/bin/env bash
# Every shell file of the project passes shellcheck: the scripts users run (ci/, .ci/, sandbox/
# outside its tests) also with check-extra-masked-returns, so that no status is lost inside $(...),
# <(...) or a pipeline. Files are found by name (*.sh) and by a bash shebang, so a new script cannot
# be forgotten. No Docker needed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}
if ! command -v shellcheck >/dev/null; then
  [[ ${CI:-} != true && ${CI:-} != 1 ]] || fail "shellcheck is not installed (ci/setup-host.sh installs it)"
  printf 'SKIP: shellcheck is not installed (run ci/setup-host.sh)\n'
  exit 77
fi

user_scripts=() all=()
while IFS= read -r -d '' f; do
  if [[ $f != *.sh ]]; then
    IFS= read -r first <"$f" || true
    [[ $first == '#!'*bash* || $first == '#!'*/sh ]] || continue
  fi
  all+=("$f")
  case $f in
    sandbox/tests/*) ;;
    ci/* | .ci/* | sandbox/*) user_scripts+=("$f") ;;
  esac
done < <(find ci .ci sandbox tests -type f ! -name '*.py' ! -name '*.json' ! -name '*.md' -print0 | sort -z)
((${#all[@]} >= 30)) || fail "found only ${#all[@]} shell files: is the checkout complete?"

shellcheck -x -P SCRIPTDIR "${all[@]}" || fail "shellcheck found problems (above)"
printf 'ok - shellcheck: %d shell files clean\n' "${#all[@]}"
shellcheck -x -P SCRIPTDIR -o check-extra-masked-returns "${user_scripts[@]}" ||
  fail "shellcheck -o check-extra-masked-returns found a status that is lost (above)"
printf 'ok - check-extra-masked-returns: %d scripts users run clean (%s)\n' "${#user_scripts[@]}" "${user_scripts[*]}"
