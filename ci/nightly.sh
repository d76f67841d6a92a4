#!/usr/bin/env bash
# The nightly job: prepares the host, builds the harness and both images, runs every workload and
# probe on both images, writes reports under out/nightly/ and compares with the previous night's
# report.json (kept as out/nightly/previous-report.json). Exit status: 0 all pass, 1 a failure or
# an escape or a regression, 2 a harness error.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ci/setup-host.sh
build_dir=${SH_BUILD_DIR:-build}
jobs=$(nproc)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j"$jobs" --target sandbox-harness
harness="$build_dir/sandbox-harness"

"$harness" build all

out=${SH_NIGHTLY_OUT:-out/nightly}
mkdir -p "$out"
baseline=()
if [[ -f "$out/report.json" ]]; then
  cp "$out/report.json" "$out/previous-report.json"
fi
if [[ -f "$out/previous-report.json" ]]; then
  baseline=(--baseline "$out/previous-report.json")
fi
"$harness" run --suite nightly --image all --jobs "${SH_JOBS:-2}" --out "$out" "${baseline[@]}" "$@"
