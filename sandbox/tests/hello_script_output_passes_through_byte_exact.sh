#!/usr/bin/env bash
# A script's stdout reaches the caller byte for byte (binary, UTF-8, no final newline), its stderr
# separately, its arguments arrive intact, and its exit status is the launcher's: its own, or 128+N
# when signal N ends it (the script is not PID 1, so a signal it sends itself takes effect).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

script=$(byte_exact_script)
# shellcheck disable=SC2016 # meant literally: no expansion may happen on the way
literal='$HOME; `id`'
byte_exact_stdout 0 'two words' '' "$literal" >"$TMP/want"

launch -- "$script" 0 'two words' '' "$literal"
expect_eq "exit status" "$status" 0
cmp "$TMP/want" "$TMP/out" || fail "stdout differs from the script's bytes (cmp above)"
ok "stdout is byte-exact ($(wc -c <"$TMP/out") bytes)"
expect_eq "stderr" "$(cat "$TMP/err")" "this goes to stderr"

launch -- "$script" 3
expect_eq "the script's own exit status passes through" "$status" 3

killed=$(write_script killed.py <<'PY'
import os, signal, sys
print("before the kill", flush=True)
os.kill(os.getpid(), int(sys.argv[1]))
print("after the kill")
PY
)
launch -- "$killed" 9
expect_eq "a script ended by SIGKILL: status" "$status" 137
expect_eq "a script ended by SIGKILL: stdout" "$(cat "$TMP/out")" "before the kill"
expect_eq "a script ended by SIGKILL: stderr" "$(cat "$TMP/err")" ""
launch -- "$killed" 15
expect_eq "a script ended by SIGTERM: status" "$status" 143
