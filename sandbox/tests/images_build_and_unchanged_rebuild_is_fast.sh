#!/usr/bin/env bash
# Both images and the test-only setuid canary build (or are already up to date), carry their recipe
# and version labels, and a rebuild with nothing changed does no work: no bootstrap, no docker build
# (the evidence is the build log, not a time, which depends on the machine; the time is printed).
# This is the ctest fixture (sandbox_images) that every other Docker test requires.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker

"$BUILDER" all || fail "build_secure_python.sh all failed"
ok "build_secure_python.sh all"

start=$(now_us)
"$BUILDER" all >"$TMP/rebuild.log" 2>&1 || { cat "$TMP/rebuild.log" >&2; fail "the rebuild failed"; }
rebuild=$(micros_to_seconds $(($(now_us) - start)))
printf 'measured: unchanged rebuild of the three images took %s s\n' "$rebuild"
grep -q 'secure-python:1 is up to date' "$TMP/rebuild.log" || fail "base image was rebuilt although nothing changed"
grep -q 'secure-python-science:1 is up to date' "$TMP/rebuild.log" || fail "science image was rebuilt although nothing changed"
grep -q 'secure-python-setuid-canary:1 is up to date' "$TMP/rebuild.log" || fail "setuid canary image was rebuilt although nothing changed"
ok "an unchanged rebuild skips all three builds"
grep -q 'bootstrap skipped' "$TMP/rebuild.log" || fail "the rootfs was bootstrapped again although nothing changed"
! grep -q ': building ' "$TMP/rebuild.log" || fail "an image was built although nothing changed: $(grep ': building ' "$TMP/rebuild.log")"
ok "the unchanged rebuild neither bootstrapped nor built anything"

label() { docker image inspect --format "{{index .Config.Labels \"$2\"}}" "$1"; }
for image in secure-python secure-python-science secure-python-setuid-canary; do
  expect_eq "$image:1 and :latest are one image" \
    "$(docker image inspect --format '{{.Id}}' "$image:1")" "$(docker image inspect --format '{{.Id}}' "$image:latest")"
  [[ $(label "$image:1" sandbox-harness.recipe-hash) =~ ^[0-9a-f]{64}$ ]] || fail "$image has no recipe-hash label"
  ok "$image has a recipe-hash label"
  [[ $(label "$image:1" sandbox-harness.python-version) =~ ^3\.[0-9]+\.[0-9]+$ ]] || fail "$image has no python-version label"
  ok "$image records python $(label "$image:1" sandbox-harness.python-version)"
  [[ $(label "$image:1" sandbox-harness.base-image-id) == sha256:* ]] || fail "$image has no base-image-id label"
  ok "$image records its base image id"
done

# The pins live in the science Dockerfile; the image must record exactly those.
dockerfile=$SANDBOX_DIR/secure_python_science.Dockerfile
for pkg in numpy pandas sympy; do
  var=$(tr '[:lower:]' '[:upper:]' <<<"$pkg")_VERSION
  pin=$(sed -n "s/^ARG $var=//p" "$dockerfile" | head -n1)
  [[ -n $pin ]] || fail "no ARG $var in $dockerfile"
  expect_eq "secure-python-science label $pkg-version" "$(label secure-python-science:1 "sandbox-harness.$pkg-version")" "$pin"
done
printf 'measured: image sizes: secure-python %s bytes, secure-python-science %s bytes\n' \
  "$(docker image inspect --format '{{.Size}}' secure-python:1)" "$(docker image inspect --format '{{.Size}}' secure-python-science:1)"
