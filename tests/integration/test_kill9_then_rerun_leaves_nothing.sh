#!/usr/bin/env bash
# kill -9 of the harness in mid-case: its launcher learns of the death (SIGTERM from the kernel,
# PR_SET_PDEATHSIG) and removes its container at once, long before the case's own 120 s timeout;
# then a new run finds no container of the dead run, removes the dead run's cgroup directories at
# once (its lease names a dead owner), and leaves nothing itself.
source "$(dirname "$0")/lib.sh"
require_docker

mkdir -p "$TMP/root/workloads" # no workloads: an empty directory (git keeps none)
mkdir -p "$TMP/root/attacks"
cp "$ROOT/chaos/attacks/sleeps_for_minutes.py" "$TMP/root/attacks/"
ln -s "$ROOT/sandbox" "$TMP/root/sandbox"

"$HARNESS" run --root "$TMP/root" --image base --out "$TMP/killed" >"$TMP/log1" 2>&1 &
pid=$!
seen=0
for _ in $(seq 1 300); do
  seen=$(harness_containers)
  ((seen == 0)) || break
  sleep 0.1
done
((seen > 0)) || fail "the run never started its container within 30 s: $(cat "$TMP/log1")"
pgrep -f "$TMP/root/sandbox/run_secure_python.sh" >/dev/null || fail "no launcher process is running"
run_id=$(docker ps -a --filter label=sandbox-harness.case=chaos.sleeps-for-minutes --format '{{.Label "sandbox-harness.run"}}') ||
  fail "docker ps failed"
[[ -n $run_id ]] || fail "the case's container has no run label"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
killed_at=$SECONDS

# The case sleeps 110 s with a 120 s timeout: anything gone within 60 s was ended by the death of
# the harness, not by the case's own end.
for _ in $(seq 1 300); do
  left=$(harness_containers)
  ((left == 0)) && ! pgrep -f "$TMP/root/sandbox/run_secure_python.sh" >/dev/null && break
  sleep 0.2
done
pgrep -af "$TMP/root/sandbox/run_secure_python.sh" && fail "the dead harness's launcher still runs $((SECONDS - killed_at)) s after the kill"
expect_no_harness_containers "$((SECONDS - killed_at)) s after kill -9 of the harness"
echo "ok: launcher and container gone $((SECONDS - killed_at)) s after kill -9"

status=0
"$HARNESS" run --suite workloads --filter 'wl.hello' --image base --out "$TMP/second" --root "$ROOT" >"$TMP/log2" 2>&1 || status=$?
cat "$TMP/log2"
expect_status 0 "$status" "the run after the kill"
grep -q "left by an earlier run" "$TMP/log2" && fail "the next run still found containers of the dead run"
# With the cgroupfs driver each case has its own cgroup parent, which the killed run never removed.
if [[ -d /sys/fs/cgroup/memory/sandbox-harness || -d /sys/fs/cgroup/sandbox-harness ]]; then
  grep -q "cgroup directories left by earlier runs" "$TMP/log2" || fail "the next run removed no cgroup directory of the dead run"
  left=$(find /sys/fs/cgroup -maxdepth 3 -type d -path "*/sandbox-harness/sh-$run_id-*" | wc -l)
  ((left == 0)) || fail "$left cgroup directories of the killed run $run_id are left"
  echo "ok: the killed run's cgroup directories went at the next run's start"
fi
expect_no_harness_containers "after the second run"
echo "ok: nothing left behind"
