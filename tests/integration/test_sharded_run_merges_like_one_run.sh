#!/usr/bin/env bash
# What the nightly CI definitions run (.github/workflows/nightly.yml, ci/gitlab-ci.yml), end to end
# on this engine: the smoke suite in 3 shards, merged, equals one unsharded run verdict for
# verdict and in every figure the records give (each image's workload wall-time series has the same
# sample count, run_efficiency counts every case and launch); merge refuses a missing shard, shards of another profile, a shard with a record removed
# and an interrupted one; and the comparison with a previous night finds an escape planted in the
# new report.
source "$(dirname "$0")/lib.sh"
require_docker

run_shard() {  # run_shard OUT [ARGS...]
  local out=$1
  shift
  "$HARNESS" run --suite smoke --root "$ROOT" --out "$out" "$@" >"$out.log" 2>&1 || {
    cat "$out.log"
    fail "run $* exited non-zero"
  }
}

for k in 1 2 3; do run_shard "$TMP/shard-$k" --shard "$k/3"; done
run_shard "$TMP/one"

"$HARNESS" merge --out "$TMP/merged" "$TMP/shard-1" "$TMP/shard-2" "$TMP/shard-3" >"$TMP/merge.log" 2>&1 ||
  { cat "$TMP/merge.log"; fail "merge of three good shards failed"; }
verdicts() {  # verdicts REPORT: one "case image repetition verdict" line per record, sorted
  /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for x in sorted((x["case_id"], x["image"], x["repetition"], x["judgement"]["verdict"]) for x in r["records"]):
    print(*x)' "$1"
}
verdicts "$TMP/merged/report.json" >"$TMP/merged.txt"
verdicts "$TMP/one/report.json" >"$TMP/one.txt"
[[ -s $TMP/one.txt ]] || fail "the unsharded run judged nothing"
diff -u "$TMP/one.txt" "$TMP/merged.txt" || fail "the merged shards differ from one unsharded run"
echo "ok: 3 shards merged = one run ($(wc -l <"$TMP/one.txt") records)"

/usr/bin/python3 - "$TMP/one/report.json" "$TMP/merged/report.json" <<'PY' || fail "the merged figures are not every shard's (above)"
import json, sys
one, merged = (json.load(open(p))["meta"]["extra"] for p in sys.argv[1:3])
bad = 0
series = sorted(k for k in one if k.startswith("workload_wall_ms."))
if not series:
    print("BAD the unsharded run has no workload wall-time series"); bad += 1
for key in sorted(set(series) | {k for k in merged if k.startswith("workload_wall_ms.")}):
    n1, n2 = (len(x.get(key, {}).get("samples_ms", [])) for x in (one, merged))
    print(("ok  " if n1 == n2 else "BAD ") + f"{key}: {n1} samples in one run, {n2} merged"); bad += n1 != n2
for field in ("cases", "launches"):
    a, b = one["run_efficiency"][field], merged["run_efficiency"][field]
    print(("ok  " if a == b else "BAD ") + f"run_efficiency.{field}: {a} in one run, {b} merged"); bad += a != b
if "merged" not in merged["run_efficiency"]:
    print("BAD the merged run_efficiency does not say how it was combined"); bad += 1
sys.exit(1 if bad else 0)
PY
echo "ok: the merged figures count every shard's records"

refuse() {  # refuse WHAT FRAGMENT DIRS...: merge must exit 2 naming FRAGMENT, writing nothing
  local what=$1 fragment=$2 status=0
  shift 2
  "$HARNESS" merge --out "$TMP/refused" "$@" >"$TMP/refuse.log" 2>&1 || status=$?
  [[ $status == 2 ]] || { cat "$TMP/refuse.log"; fail "$what: merge exited $status, expected 2"; }
  grep -qF -- "$fragment" "$TMP/refuse.log" || { cat "$TMP/refuse.log"; fail "$what: no '$fragment' in the message"; }
  [[ ! -e $TMP/refused/report.json ]] || fail "$what: merge wrote a report although it refused"
  echo "ok: merge refuses $what"
}
refuse "a missing shard" "shard 3/3 is missing" "$TMP/shard-1" "$TMP/shard-2"
cp -r "$TMP/shard-3" "$TMP/shard-3-other"
/usr/bin/python3 - "$TMP/shard-3-other/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["meta"]["profile"]["SANDBOX_MEMORY"] = "128m"
json.dump(r, open(sys.argv[1], "w"))
PY
refuse "a shard of another profile" "profile differs" "$TMP/shard-1" "$TMP/shard-2" "$TMP/shard-3-other"
cp -r "$TMP/shard-3" "$TMP/shard-3-cut"
/usr/bin/python3 - "$TMP/shard-3-cut/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["records"].pop()
json.dump(r, open(sys.argv[1], "w"))
PY
refuse "a shard with a record removed" "planned case has no record" "$TMP/shard-1" "$TMP/shard-2" "$TMP/shard-3-cut"
cp -r "$TMP/shard-3" "$TMP/shard-3-stopped"
/usr/bin/python3 - "$TMP/shard-3-stopped/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["meta"]["interrupted"] = True
json.dump(r, open(sys.argv[1], "w"))
PY
refuse "an interrupted shard" "was interrupted" "$TMP/shard-1" "$TMP/shard-2" "$TMP/shard-3-stopped"

# Last night is the baseline; tonight's report gets one planted escape: compare must find it.
cp "$TMP/merged/report.json" "$TMP/tonight.json"
/usr/bin/python3 - "$TMP/tonight.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
probe = next(x for x in r["records"] if x["kind"] == "probe" and x["judgement"]["verdict"] == "contained")
probe["judgement"]["verdict"] = "escaped"
json.dump(r, open(sys.argv[1], "w"))
print(probe["case_id"], file=open(sys.argv[1] + ".case", "w"))
PY
status=0
"$HARNESS" compare "$TMP/merged/report.json" "$TMP/tonight.json" >"$TMP/compare.md" 2>&1 || status=$?
expect_status 1 "$status" "compare with a planted escape"
grep -qF -- "$(cat "$TMP/tonight.json.case")" "$TMP/compare.md" || { cat "$TMP/compare.md"; fail "compare does not name the escaped case"; }
echo "ok: the comparison with last night names the planted escape"
expect_no_harness_containers "after the runs"
validate_report "$TMP/merged/report.json" "the merged report.json"
validate_report "$TMP/shard-1/report.json" "shard 1's report.json"
validate_json "$(sarif_schema)" "$TMP/merged/report.sarif" || { cat "$TMP/ajv.log"; fail "the merged report.sarif is not valid SARIF 2.1.0"; }
echo "ok: the merged report.json and report.sarif match their schemas"
