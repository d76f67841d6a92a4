#!/usr/bin/env bash
# Someone else's `docker kill` (another job on a shared CI host, an operator) is not the sandbox's
# doing: a memory probe killed that way ends with exit 137 like an OOM kill, but without the OOM
# event it is judged error ("interfered"), never contained. The same for `docker pause`.
source "$(dirname "$0")/lib.sh"
require_docker

mkdir -p "$TMP/root"
mkdir -p "$TMP/root/attacks"
cp "$ROOT/chaos/attacks/waits_to_be_killed.py" "$TMP/root/attacks/"
mkdir -p "$TMP/root/workloads" # no workloads: an empty directory (git keeps none)
ln -s "$ROOT/sandbox" "$TMP/root/sandbox"

interfere() {  # interfere ACTION...: waits for the case's container, then does ACTION to it
  local id="" i
  for ((i = 0; i < 200; i++)); do
    id=$(docker ps -q --filter label=sandbox-harness.case=chaos.waits-to-be-killed) || fail "docker ps failed"
    [[ -z $id ]] || break
    sleep 0.1
  done
  [[ -n $id ]] || fail "the case's container never appeared"
  for action in "$@"; do docker "$action" "$id" >/dev/null || fail "docker $action failed"; done
}

for actions in "kill" "pause unpause kill"; do
  # shellcheck disable=SC2086 # ACTIONS is a list of words
  interfere $actions &
  helper=$!
  status=0
  "$HARNESS" run --root "$TMP/root" --image base --out "$TMP/out" >"$TMP/log" 2>&1 || status=$?
  wait "$helper" || fail "the interfering helper failed"
  cat "$TMP/log"
  expect_status 2 "$status" "run with a container interfered with ($actions)"
  verdict=$(json_get "$TMP/out/report.json" 'r["records"][0]["judgement"]["verdict"]')
  reason=$(json_get "$TMP/out/report.json" 'r["records"][0]["judgement"]["reasons"][0]')
  [[ $verdict == error ]] || fail "$actions: verdict $verdict, expected error: $reason"
  [[ $reason == interfered:* ]] || fail "$actions: the reason does not name the interference: $reason"
  echo "ok: $actions -> $verdict: $reason"
done
expect_no_harness_containers "after the runs"
