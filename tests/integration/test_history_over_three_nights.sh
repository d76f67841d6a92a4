#!/usr/bin/env bash
# Three runs with --history make a history of three nights: the third report's trend section shows
# them and names the case whose verdict flipped (net.tcp-canary escapes on the second night, under a
# host network with the AST check off), and `history` lists them. A database that is not one
# (corrupt) is named and costs the night nothing: the reports are written, the run exits 2.
source "$(dirname "$0")/lib.sh"
require_docker

db=$TMP/history.sqlite
night() { # night N [ENV...]: one small run added to the history
  local n=$1 status=0
  shift
  env "$@" "$HARNESS" run --suite probes --filter 'net.tcp-canary' --filter 'fs.dev-shm-writable' --image base \
    --history "$db" --out "$TMP/night-$n" --root "$ROOT" >"$TMP/night-$n.log" 2>&1 || status=$?
  echo "$status"
}
[[ $(night 1) == 0 ]] || { cat "$TMP/night-1.log"; fail "night 1 failed"; }
[[ $(night 2 SANDBOX_NETWORK=host SANDBOX_AST_CHECK=0) == 1 ]] || { cat "$TMP/night-2.log"; fail "night 2 did not see the escape"; }
[[ $(night 3) == 0 ]] || { cat "$TMP/night-3.log"; fail "night 3 failed"; }

python3 - "$TMP/night-3/report.json" <<'PY' || fail "the third night's report does not show the history"
import json, sys
extra = json.load(open(sys.argv[1]))["meta"]["extra"]
rows = extra["history_nights"]["rows"]
assert len(rows) == 3, rows
assert [r[4] for r in rows] == [0, 1, 0], rows  # escaped per night
changed = {r[0]: r[1] for r in extra["history_unstable"]["rows"]}
assert changed == {"net.tcp-canary[base]": "contained → escaped → contained"}, changed
PY
grep -q "Cases whose verdict changed" "$TMP/night-3/summary.md" || fail "summary.md has no history section"
grep -q "net.tcp-canary\[base\]" "$TMP/night-3/report.html" || fail "report.html does not name the unstable case"
validate_report "$TMP/night-3/report.json" "a report with history sections"

"$HARNESS" history "$db" >"$TMP/history.txt" || fail "history exited non-zero"
grep -q "net.tcp-canary\[base\]" "$TMP/history.txt" || { cat "$TMP/history.txt"; fail "history does not name the unstable case"; }
[[ $(grep -c '^20' "$TMP/history.txt") == 3 ]] || { cat "$TMP/history.txt"; fail "history does not list 3 nights"; }
"$HARNESS" history "$db" --case net.tcp-canary >"$TMP/case.txt" || fail "history --case exited non-zero"
grep -q "escaped" "$TMP/case.txt" || { cat "$TMP/case.txt"; fail "history --case does not show the escape"; }
echo "ok: three nights in the history, the flipped case named in the report, summary, HTML and history"

# A corrupt database: named, and the night's reports are written all the same (exit 2).
head -c 4096 /dev/urandom >"$TMP/corrupt.sqlite"
status=0
"$HARNESS" run --suite probes --filter 'net.tcp-canary' --image base --history "$TMP/corrupt.sqlite" \
  --out "$TMP/corrupt" --root "$ROOT" >"$TMP/corrupt.log" 2>&1 || status=$?
expect_status 2 "$status" "a run with a corrupt history database"
grep -q "corrupt.sqlite" "$TMP/corrupt.log" || { cat "$TMP/corrupt.log"; fail "the error does not name the database"; }
[[ -s $TMP/corrupt/report.json && -s $TMP/corrupt/report.html ]] || fail "the corrupt history cost the night its reports"
expect_no_harness_containers "after the runs"
echo "ok: a corrupt history database is named and the reports are written"
