#!/usr/bin/env bash
# The layout's one rule, checked on every #include: util <- core <- {io, reports}; io <- run;
# {run, reports} <- cli (ARCHITECTURE.md). Only io/process_runner.cpp includes Boost.Process and only
# io/docker_client.cpp includes curl.h, so pure code cannot reach a process or the engine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

declare -A allowed=(
  [harness/util]="util"
  [harness/core]="util core"
  [harness/io]="util core io"
  [reports]="util core reports"
  [harness/run]="util core io run"
  [harness/cli]="util core io run reports cli"
  [harness/testing]="util core io run testing"
  [harness/bench]="util core io run reports cli testing"
)
problems=()
checked=0
for dir in "${!allowed[@]}"; do
  for f in "$dir"/*.h "$dir"/*.cpp; do
    [[ -e $f ]] || continue
    checked=$((checked + 1))
    while IFS= read -r line; do
      inc=${line#*\"}
      inc=${inc%\"*}
      room=${inc%%/*}
      [[ $inc == */* ]] || {
        problems+=("$f: #include \"$inc\" names no folder (write \"ROOM/$inc\")")
        continue
      }
      # Tests may use the fakes and fixtures of testing/.
      if [[ $f == *_test.cpp && $room == testing ]]; then continue; fi
      [[ " ${allowed[$dir]} " == *" $room "* ]] || problems+=("$f: includes $inc, but $dir may only use: ${allowed[$dir]}")
    done < <(grep -E '^#include "' "$f" || true)
    if grep -qE '^#include <(curl/curl\.h|boost/process)' "$f"; then
      case $f in
        harness/io/process_runner.cpp | harness/io/docker_client.cpp) ;;
        *) problems+=("$f: includes curl.h or Boost.Process (only io/docker_client.cpp and io/process_runner.cpp may)") ;;
      esac
    fi
  done
done
((checked > 50)) || { printf 'FAIL: found only %d source files: is the checkout complete?\n' "$checked" >&2; exit 1; }
if ((${#problems[@]})); then
  printf 'FAIL: %s\n' "${problems[@]}" >&2
  exit 1
fi
printf 'ok - %d source files: every include points one way\n' "$checked"
