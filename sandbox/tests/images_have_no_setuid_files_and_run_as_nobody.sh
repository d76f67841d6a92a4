#!/usr/bin/env bash
# Neither image contains a setuid or setgid file, both run as 65534:65534 by default, and the
# science image imports numpy, pandas and sympy at its pinned versions under the default profile.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

for image in secure-python:latest secure-python-science:latest; do
  expect_eq "$image Config.User" "$(docker image inspect --format '{{.Config.User}}' "$image")" 65534:65534
  # Searched as root so that no directory is unreadable to the search.
  found=$(docker run --rm --label "$TEST_LABEL" --network none --log-driver none --user 0:0 \
    --entrypoint find "$image" / -xdev ! -type l -perm /6000)
  [[ -z $found ]] || fail "$image has setuid/setgid files: $found"
  ok "$image has no setuid/setgid file (find / -xdev -perm /6000)"
  ids=$(docker run --rm --label "$TEST_LABEL" --network none --log-driver none "$image" \
    python3 -c 'import os; print(os.getuid(), os.getgid(), os.geteuid(), os.getegid())')
  expect_eq "$image uid gid euid egid" "$ids" "65534 65534 65534 65534"
done

script=$(write_script science.py <<'PY'
import numpy, pandas, sympy
x = sympy.symbols("x")
frame = pandas.DataFrame({"a": numpy.arange(4)})
print(numpy.__version__, pandas.__version__, sympy.__version__, int(frame["a"].sum()), sympy.integrate(2 * x, x))
PY
)
launch SANDBOX_IMAGE=secure-python-science:latest SANDBOX_TIMEOUT=60 -- "$script"
[[ $status == 0 ]] || fail "science workload exited $status: $(cat "$TMP/err")"
expect_eq "science workload output" "$(cat "$TMP/out")" "1.24.2 1.5.3 1.11.1 6 x**2"
