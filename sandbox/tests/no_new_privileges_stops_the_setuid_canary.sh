#!/usr/bin/env bash
# no-new-privileges is load-bearing, shown on the test-only image secure-python-setuid-canary
# (secure-python plus one setuid-root program; the real images have none): under the default
# profile the probe priv.setuid-binary runs the canary and it keeps uid 65534; with
# SANDBOX_NO_NEW_PRIVILEGES=0 (the positive control) the same run gets effective uid 0.
# The probe starts a process, which the AST check forbids, so both runs have it off.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images
docker image inspect secure-python-setuid-canary:latest >/dev/null 2>&1 ||
  fail "image secure-python-setuid-canary:latest is missing (build_secure_python.sh canary builds it)"

probe=$SANDBOX_DIR/../attacks/privilege/setuid_binary.py
report_of() { sed -n 's/^SANDBOX-PROBE //p' "$TMP/out"; }
field() { /usr/bin/python3 -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])[sys.argv[2]]))' "$1" "$2"; }

launch SANDBOX_IMAGE=secure-python-setuid-canary:latest SANDBOX_AST_CHECK=0 -- "$probe"
expect_eq "default profile on the canary image: launcher status" "$status" 0
line=$(report_of)
[[ -n $line ]] || fail "no probe report; stderr: $(cat "$TMP/err")"
expect_eq "default profile: the canary was found" "$(field "$line" binary)" '"/usr/local/bin/setuid-canary"'
expect_eq "default profile: escaped" "$(field "$line" escaped)" false
expect_eq "default profile: uids of the running canary" "$(field "$line" uids)" "[65534, 65534, 65534, 65534]"

launch SANDBOX_IMAGE=secure-python-setuid-canary:latest SANDBOX_AST_CHECK=0 SANDBOX_NO_NEW_PRIVILEGES=0 -- "$probe"
expect_eq "no-new-privileges off: launcher status" "$status" 0
line=$(report_of)
[[ -n $line ]] || fail "no probe report; stderr: $(cat "$TMP/err")"
expect_eq "positive control, no-new-privileges off: escaped" "$(field "$line" escaped)" true
expect_eq "positive control: uids of the running canary (real, effective, saved, fs)" "$(field "$line" uids)" "[65534, 0, 0, 0]"
