#!/usr/bin/env bash
# Launcher failures say what is wrong and how to fix it, with exit 125: profile syntax errors name
# FILE:LINE, unknown or repeated or missing variables are errors (typo protection), and a missing
# profile, script, image, docker CLI or engine each get their own message.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

script=$(write_script hello.py <<'PY'
print("hello")
PY
)
default=$SANDBOX_DIR/profiles/default.env

# profile_case WHAT EDIT FRAGMENT: applies the sed EDIT to the default profile, expects FRAGMENT
profile_case() {
  sed "$2" "$default" >"$TMP/profile.env"
  launch "SANDBOX_PROFILE=$TMP/profile.env" -- "$script"
  expect_eq "$1: status" "$status" 125
  expect_contains "$1: message" "$(cat "$TMP/err")" "$3"
}
line_of() { grep -n "^$1=" "$default" | cut -d: -f1; }

# Sanity: the default profile itself is accepted.
launch -- "$script"
expect_eq "default profile: status" "$status" 0

n=$(line_of SANDBOX_CPUS)
profile_case "quoted value is not stripped" "${n}s/.*/SANDBOX_CPUS=\"1\"/" "invalid SANDBOX_CPUS='\"1\"' (from $TMP/profile.env:$n)"
profile_case "line that is not a variable" "${n}s/.*/export SANDBOX_CPUS=1/" \
  "$TMP/profile.env:$n: expected SANDBOX_<NAME>=VALUE, a '#' comment or a blank line"
profile_case "indented comment" "${n}s/.*/  # indented/" "$TMP/profile.env:$n: expected SANDBOX_<NAME>=VALUE"
profile_case "space before =" "${n}s/.*/SANDBOX_CPUS =1/" "$TMP/profile.env:$n: expected SANDBOX_<NAME>=VALUE"
profile_case "misspelt variable" "${n}s/.*/SANDBOX_CPU=1/" "$TMP/profile.env:$n: unknown variable SANDBOX_CPU"
profile_case "repeated variable" "${n}p" "$TMP/profile.env:$((n + 1)): SANDBOX_CPUS is set twice (first at $TMP/profile.env:$n)"
profile_case "missing variable" "${n}d" "$TMP/profile.env: SANDBOX_CPUS is not set"
profile_case "per-run variable in a profile" "${n}s/.*/SANDBOX_NAME=fixed/" \
  "$TMP/profile.env:$n: SANDBOX_NAME is a per-run variable: set it in the environment"
profile_case "shell syntax is not evaluated" "${n}s|.*|SANDBOX_CPUS=\$(touch $TMP/pwned)|" "invalid SANDBOX_CPUS='\$(touch $TMP/pwned)'"
[[ ! -e $TMP/pwned ]] || fail "the profile was evaluated by a shell"
ok "the profile is never evaluated by a shell"

# Trailing blanks and CR (a file edited on Windows) are dropped from values, nothing else is.
sed "${n}s/.*/SANDBOX_CPUS=0.5 \t\r/" "$default" >"$TMP/profile.env"
launch "SANDBOX_PROFILE=$TMP/profile.env" -- "$script"
expect_eq "trailing blanks and CR after a value" "$status" 0

# The environment overrides the profile, one variable at a time.
sed "${n}s/.*/SANDBOX_CPUS=many/" "$default" >"$TMP/profile.env"
launch "SANDBOX_PROFILE=$TMP/profile.env" SANDBOX_CPUS=0.5 -- "$script"
expect_eq "environment overrides a bad profile value" "$status" 0

launch "SANDBOX_PROFILE=$TMP/none.env" -- "$script"
expect_eq "missing profile: status" "$status" 125
expect_contains "missing profile: message" "$(cat "$TMP/err")" "profile not found or not readable: $TMP/none.env"

launch -- "$TMP/missing.py"
expect_eq "missing script: status" "$status" 125
expect_contains "missing script: message" "$(cat "$TMP/err")" "script not found or not readable: $TMP/missing.py"

launch --
expect_eq "no script argument: status" "$status" 125
expect_contains "no script argument: message" "$(cat "$TMP/err")" "usage: run_secure_python.sh SCRIPT [ARGS...]"

launch SANDBOX_IMAGE=secure-python:no-such-tag -- "$script"
expect_eq "missing image: status" "$status" 125
expect_contains "missing image: message" "$(cat "$TMP/err")" \
  "run_secure_python: image secure-python:no-such-tag not found: build it with sandbox/build_secure_python.sh"

launch DOCKER_HOST=unix:///nonexistent/docker.sock -- "$script"
expect_eq "unreachable engine: status" "$status" 125
expect_contains "unreachable engine: message" "$(cat "$TMP/err")" \
  "run_secure_python: docker engine not reachable (DOCKER_HOST=unix:///nonexistent/docker.sock): run ci/setup-host.sh"

mkdir "$TMP/bin"
ln -s "$(command -v bash)" "$TMP/bin/bash"
launch "PATH=$TMP/bin" -- "$script"
expect_eq "no docker CLI: status" "$status" 125
expect_contains "no docker CLI: message" "$(cat "$TMP/err")" "docker CLI not found on PATH: run ci/setup-host.sh"
