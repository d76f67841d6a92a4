#!/usr/bin/env bash
# The project's test command: prepares the host (packages, dockerd; idempotent), builds, and runs
# every test with ctest: unit tests, the sandbox's own tests and the harness's integration tests
# against the real Docker engine. Under CI=true a Docker test that would skip fails instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ci/setup-host.sh
build_dir=${SH_BUILD_DIR:-build}
jobs=$(nproc)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j"$jobs"
ctest --test-dir "$build_dir" --output-on-failure --timeout 1200 "$@"
