#!/usr/bin/env bash
# A short bench and capacity run on the real engine: every figure section is written into
# report.json (meta.extra) and every latency sample comes from a launch that exited 0.
source "$(dirname "$0")/lib.sh"
require_docker

"$HARNESS" bench --runs 5 --warmup 1 --out "$TMP/bench" --root "$ROOT" >"$TMP/bench.log" 2>&1 ||
  { cat "$TMP/bench.log"; fail "bench exited non-zero"; }
for section in bench_latency bench_phases bench_overhead bench_cpu bench_controls bench_enforcement bench_host; do
  [[ "$(json_get "$TMP/bench/report.json" "'$section' in r['meta']['extra']")" == True ]] ||
    fail "report.json lacks meta.extra.$section"
done
n=$(json_get "$TMP/bench/report.json" 'len(r["meta"]["extra"]["bench_latency"]["samples_ms"]["wl.hello [base]"])')
[[ "$n" == 5 ]] || fail "hello has $n latency samples, expected 5"
grep -q "p50" "$TMP/bench/summary.md" || fail "summary.md shows no percentiles"

"$HARNESS" capacity --concurrency 1,2 --launches 6 --quick --out "$TMP/cap" --root "$ROOT" >"$TMP/cap.log" 2>&1 ||
  { cat "$TMP/cap.log"; fail "capacity exited non-zero"; }
cat "$TMP/cap.log"
[[ "$(json_get "$TMP/cap/report.json" 'len(r["meta"]["extra"]["capacity_concurrency"]["rows"])')" == 2 ]] ||
  fail "capacity did not report both concurrency levels"
[[ "$(json_get "$TMP/cap/report.json" '"capacity_model" in r["meta"]["extra"]')" == True ]] || fail "no capacity model"
validate_report "$TMP/bench/report.json" "bench's report.json"
validate_report "$TMP/cap/report.json" "capacity's report.json"
expect_no_harness_containers "after the run"
echo "ok"
