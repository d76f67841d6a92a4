#!/usr/bin/env bash
# A script the AST check rejects exits 126 with FILE:LINE:COL and the rule on stderr, and no
# container is ever created (the engine's event log is checked, so a container that came and went
# would be seen). Positive control: with SANDBOX_AST_CHECK=0 the same script does create one. A
# syntax error is rejected with its line; a benign workload (os, sys, json, time, tempfile, math)
# passes the check and runs. The launcher leaves no process behind (checked under a subreaper).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

rejected=$(write_script rejected.py <<'PY'
import json
import subprocess
print(subprocess.run(["id"], capture_output=True).stdout.decode().strip())
PY
)
syntax=$(write_script syntax.py <<'PY'
print("fine")
def broken(:
    pass
PY
)
benign=$(write_script benign.py <<'PY'
import json, math, os, sys, tempfile, time
with tempfile.NamedTemporaryFile("w+", dir="/tmp") as f:
    json.dump({"pi": round(math.pi, 3), "cwd": os.getcwd(), "argv": sys.argv[1:]}, f)
    f.seek(0)
    print(json.load(f), time.time() > 0)
PY
)

since=$(date +%s.%N)
name=sbt-ast-$$-$RANDOM
launch "SANDBOX_NAME=$name" -- "$rejected"
expect_eq "rejected script: launcher status" "$status" 126
expect_contains "rejected script: message" "$(cat "$TMP/err")" "run_secure_python: $rejected:2:1: blocked-module: import of 'subprocess'"
expect_eq "rejected script: stdout" "$(cat "$TMP/out")" ""

launch "SANDBOX_NAME=$name-syntax" -- "$syntax"
expect_eq "syntax error: launcher status" "$status" 126
expect_contains "syntax error: message" "$(cat "$TMP/err")" "$syntax:2:"
expect_contains "syntax error: rule" "$(cat "$TMP/err")" "syntax-error"

# The docker client, started beside the check and killed on the rejection, is reaped by the
# launcher: nothing of it is left for PID 1. Positive control: the same check sees a child that a
# process killed without reaping (a zombie, or on a busy host still dying: either is left behind).
# The stand-in is Python, not a shell: bash reaps a child that dies before it exits (its SIGCHLD
# handler), so a shell stand-in leaves a zombie only when it loses that race; Python installs no
# such handler and os._exit skips every cleanup, so its killed child is always left.
launch_as_subreaper -- "$LAUNCHER" "$rejected"
expect_eq "rejected script under a subreaper: launcher status" "$status" 126
expect_eq "rejected script: processes the launcher left behind" "$left" ""
launch_as_subreaper -- /usr/bin/python3 -c '
import os, signal, subprocess
child = subprocess.Popen(["sleep", "30"])
os.kill(child.pid, signal.SIGKILL)
os._exit(0)'
[[ -n $left ]] || fail "positive control: a child killed and not reaped was not seen"
ok "positive control: a child killed and not reaped is seen: $left"

sleep 1 # let the event log catch up with anything that might have happened
expect_created_since "containers created for rejected scripts (docker events)" "$since" ""

since=$(date +%s.%N)
launch "SANDBOX_NAME=$name-off" SANDBOX_AST_CHECK=0 -- "$rejected"
expect_eq "positive control: with SANDBOX_AST_CHECK=0 the script runs" "$status" 0
expect_eq "positive control: subprocess ran inside as nobody" "$(cat "$TMP/out")" \
  "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)"
sleep 1
expect_created_since "positive control: the event log shows its container" "$since" "$name-off"

launch -- "$benign" a b
expect_eq "benign workload: status" "$status" 0
expect_eq "benign workload: output" "$(cat "$TMP/out")" "{'pi': 3.142, 'cwd': '/tmp', 'argv': ['a', 'b']} True"
