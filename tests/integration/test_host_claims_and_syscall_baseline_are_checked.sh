#!/usr/bin/env bash
# A probe's judgement about the host is checked against the host's own values, and the syscall
# sweep against its runtime's baseline. Under runc (the default profile) the kernel a script sees
# is the host's, so: a probe that takes the release it sees for the runtime's own is escaped; one
# that reports an escape on a release no host has is error; one that reports an escape on the
# release it sees keeps it. The real sweep, next to a baseline recorded on this engine and kernel
# with another set, fails and lists the difference; next to a baseline holding the set it reaches,
# it matches. AST check off, so that the sweep (ctypes) runs.
source "$(dirname "$0")/lib.sh"
require_docker

setup_root() {
  rm -rf "$TMP/root"
  mkdir -p "$TMP/root/attacks/kernel" "$TMP/root/workloads" # no workloads: git keeps no empty directory
  cp "$ROOT"/tests/data/host_claims/attacks/*.py "$TMP/root/attacks/"
  cp "$ROOT/attacks/kernel/syscall_sweep.py" "$TMP/root/attacks/kernel/"
  ln -s "$ROOT/sandbox" "$TMP/root/sandbox"
}

# write_baseline HASH ENGINE KERNEL REACHED_JSON: the runc baseline of the temporary catalogue
# (HASH "own": the list's own hash, as the sweep computes it; a baseline whose hash is not its
# list's does not load).
write_baseline() {
  /usr/bin/python3 - "$TMP/root/attacks/kernel/syscall_baseline.json" "$@" <<'PY'
import hashlib, json, sys
path, digest, engine, kernel, reached = sys.argv[1:]
if digest == "own":
    digest = hashlib.sha256(" ".join(sorted(set(json.loads(reached)))).encode()).hexdigest()[:16]
json.dump({"recorded_with": {"docker_engine": engine, "kernel": kernel, "runtime": "runc"},
           "reached_sha256_16": digest, "reached": json.loads(reached)}, open(path, "w"))
PY
}

engine=$(docker version --format '{{.Server.Version}}') || fail "docker version failed"
kernel=$(cat /proc/sys/kernel/osrelease)
[[ -n $engine && -n $kernel ]] || fail "engine version '$engine' or kernel '$kernel' unknown"

# 1. A baseline recorded on this very engine and kernel, with a set the sweep cannot reach: one
#    syscall that does not exist, and one that every process reaches.
setup_root
write_baseline 0000000000000000 "$engine" "$kernel" '["no_such_syscall", "write"]'
status=0
"$HARNESS" run --root "$TMP/root" --image base --out "$TMP/out0" >"$TMP/log0" 2>&1 || status=$?
expect_status 2 "$status" "a run with a baseline whose hash is not its list's"
grep -qF "is not the hash of its own reached list" "$TMP/log0" || { cat "$TMP/log0"; fail "the edited baseline was not named"; }
echo "ok: a baseline whose hash is not its own list's does not load"
write_baseline own "$engine" "$kernel" '["no_such_syscall", "write"]'
status=0
SANDBOX_AST_CHECK=0 "$HARNESS" run --root "$TMP/root" --image base --jobs 2 --out "$TMP/out1" >"$TMP/log1" 2>&1 ||
  status=$?
cat "$TMP/log1"
[[ -s "$TMP/out1/report.json" ]] || fail "no report.json (exit $status)"
((status != 0)) || fail "the run passed although an escape, an error and a regression are in it"

/usr/bin/python3 - "$TMP/out1/report.json" <<'PY' || fail "a host claim or the baseline was not judged as it must be (above)"
import json, sys
r = json.load(open(sys.argv[1]))
seen = {x["case_id"]: x for x in r["records"]}
want = {
    "claims.runtime-release-is-the-hosts": ("escaped", "the host's own kernel_release"),
    "claims.escape-on-a-made-up-release": ("error", "contradict"),
    "claims.escape-on-the-real-release": ("escaped", "kernel_release is the host's"),
    "kernel.syscall-sweep": ("fail", "syscall sweep regression"),
}
bad = 0
for case, (verdict, words) in sorted(want.items()):
    x = seen.get(case)
    got = x["judgement"]["verdict"] if x else "missing"
    reasons = x["judgement"]["reasons"] if x else []
    ok = got == verdict and any(words in why for why in reasons)
    print(("ok  " if ok else "BAD ") + f"{case}: {got} (want {verdict}, a reason with {words!r}): " + " | ".join(reasons)[:600])
    bad += not ok
sweep = seen.get("kernel.syscall-sweep")
if sweep:
    why = sweep["judgement"]["reasons"][0]
    for part in ("newly reached (", "no longer reached (1): no_such_syscall"):
        if part not in why:
            print(f"BAD the regression does not list {part!r}")
            bad += 1
sys.exit(1 if bad else 0)
PY

# 2. The set the sweep reached in run 1, recorded elsewhere: the same hash matches, whatever the
#    engine and kernel.
/usr/bin/python3 - "$TMP/out1/report.json" >"$TMP/reached" <<'PY' || fail "run 1 has no sweep report"
import json, sys
r = json.load(open(sys.argv[1]))
rep = next(x for x in r["records"] if x["case_id"] == "kernel.syscall-sweep")["judgement"]["report"]
print(rep["reached_sha256_16"], json.dumps(rep["reached"]))
PY
read -r digest reached <"$TMP/reached"
setup_root
rm "$TMP/root"/attacks/*.py
write_baseline "$digest" 0.0-elsewhere 0.0-elsewhere "$reached"
status=0
SANDBOX_AST_CHECK=0 "$HARNESS" run --root "$TMP/root" --image base --out "$TMP/out2" >"$TMP/log2" 2>&1 || status=$?
cat "$TMP/log2"
[[ -s "$TMP/out2/report.json" ]] || fail "no report.json in run 2 (exit $status)"
verdict=$(json_get "$TMP/out2/report.json" '[x["judgement"]["verdict"] for x in r["records"]][0]')
reasons=$(json_get "$TMP/out2/report.json" '" | ".join(r["records"][0]["judgement"]["reasons"])')
[[ $verdict == contained ]] || fail "the sweep matching its baseline is $verdict: $reasons"
[[ $reasons == *"matches baseline"* ]] || fail "no 'matches baseline' among the reasons: $reasons"
expect_status 0 "$status" "run 2"
expect_no_harness_containers "after the runs"
echo "ok: host claims and the syscall baseline are checked from outside"
