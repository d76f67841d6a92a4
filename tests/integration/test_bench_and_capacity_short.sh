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

"$HARNESS" capacity --concurrency 1,2 --launches 6 --quick --target-rate 2 --target-p95 20000 --out "$TMP/cap" --root "$ROOT" >"$TMP/cap.log" 2>&1 ||
  { cat "$TMP/cap.log"; fail "capacity exited non-zero"; }
cat "$TMP/cap.log"
[[ "$(json_get "$TMP/cap/report.json" 'len(r["meta"]["extra"]["capacity_concurrency"]["rows"])')" == 2 ]] ||
  fail "capacity did not report both concurrency levels"
[[ "$(json_get "$TMP/cap/report.json" '"capacity_model" in r["meta"]["extra"]')" == True ]] || fail "no capacity model"
[[ "$(json_get "$TMP/cap/report.json" 'r["meta"]["extra"]["capacity_usl"]["note"].startswith("not fitted")')" == True ]] ||
  fail "two levels cannot fit the scalability law, and the report does not say so"
grep -qE "like this one serves? 2 scripts/s" "$TMP/cap/summary.md" || fail "summary.md does not lead with the sizing answer"

# The answer against a direct measurement: a run at the concurrency it recommends meets the p95
# target (a generous one: this checks the wiring, not the model's precision on a noisy host).
c=$(json_get "$TMP/cap/report.json" 'r["meta"]["extra"]["capacity_sizing"]["concurrency_per_host"]')
"$HARNESS" capacity --concurrency "$c" --launches 8 --no-limits --out "$TMP/cap-at" --root "$ROOT" >"$TMP/cap-at.log" 2>&1 ||
  { cat "$TMP/cap-at.log"; fail "capacity at concurrency $c exited non-zero"; }
p95=$(json_get "$TMP/cap-at/report.json" 'r["meta"]["extra"]["capacity_concurrency"]["rows"][0][4]')
python3 -c "import sys; sys.exit(0 if float('$p95') <= 20000 else 1)" || fail "at concurrency $c the p95 was $p95 ms, above the target"
# The same answer from the report, measuring nothing; a report of another kind is named.
"$HARNESS" capacity --from "$TMP/cap/report.json" --target-rate 2 --target-p95 20000 >"$TMP/from.txt" ||
  fail "capacity --from exited non-zero"
grep -qE "like this one serves? 2 scripts/s" "$TMP/from.txt" || { cat "$TMP/from.txt"; fail "capacity --from gave no answer"; }
status=0
"$HARNESS" capacity --from "$TMP/bench/report.json" --target-rate 2 --target-p95 20000 >"$TMP/wrong.txt" 2>&1 || status=$?
expect_status 2 "$status" "capacity --from a bench report"
grep -q "not a capacity report" "$TMP/wrong.txt" || { cat "$TMP/wrong.txt"; fail "the wrong kind of report is not named"; }
echo "ok: sizing answered, met at its concurrency ($c: p95 $p95 ms), and from the report alone"
validate_report "$TMP/bench/report.json" "bench's report.json"
validate_report "$TMP/cap/report.json" "capacity's report.json"
expect_no_harness_containers "after the run"
echo "ok"
