#!/usr/bin/env bash
# The launcher and a plain `docker run` with the same image and flags both print the script's
# output, and their latencies are measured side by side: timed alternately (pairs), so that a change
# in host load hits both alike; the median of the pairwise differences is the launcher's overhead
# (target ~15 ms). The figure is printed, not asserted: speed targets live in `sandbox-harness
# bench` and the reports, since CI hosts are noisy. For an independent timer see the hyperfine
# command in sandbox/README.md.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

script=$(write_script hello.py <<'PY'
print("hello")
PY
)
# The flags the default profile produces (compare every_profile_flag_is_in_force_while_script_runs).
plain=(docker run --rm --log-driver=none --pull=never --label=sandbox-harness.launcher=run_secure_python
  "--label=$TEST_LABEL" --network=none --dns=0.0.0.0 --dns-search=. --user=65534:65534 --read-only
  "--tmpfs=/tmp:rw,noexec,nosuid,nodev,size=16m" --cap-drop=ALL --security-opt=no-new-privileges
  --cpus=1 --memory=256m --memory-swap=256m --pids-limit=64 --ulimit=nofile=256:256
  --ulimit=fsize=16777216:16777216 --ulimit=core=0:0
  "--mount=type=bind,source=$script,target=/sandbox/main.py,readonly" --workdir=/tmp
  --env=HOME=/tmp --env=LANG=C.UTF-8 --env=PYTHONDONTWRITEBYTECODE=1 --entrypoint=timeout
  secure-python:latest --signal=KILL 13 python3 -I -B /sandbox/main.py)

timed() { # timed CMD...: prints the wall time in microseconds; the output must be "hello"
  local start out
  start=$(now_us)
  out=$("$@")
  [[ $out == hello ]] || fail "$1 printed '$out'"
  printf '%s' $(($(now_us) - start))
}

pairs=${SANDBOX_TEST_PAIRS:-15}
for ((i = 0; i < 3; i++)); do timed "$LAUNCHER" "$script" >/dev/null; timed "${plain[@]}" >/dev/null; done # warm-up
launcher_us=() plain_us=()
for ((i = 0; i < pairs; i++)); do
  us=$(timed "$LAUNCHER" "$script") || fail "the launcher run $i failed"
  launcher_us+=("$us")
  us=$(timed "${plain[@]}") || fail "the plain docker run $i failed"
  plain_us+=("$us")
done
read -r launcher_ms plain_ms overhead_ms < <(/usr/bin/python3 -c '
import statistics, sys
n = len(sys.argv) // 2
a, b = [int(x) for x in sys.argv[1:n + 1]], [int(x) for x in sys.argv[n + 1:]]
print(*(round(v / 1000, 1) for v in (statistics.median(a), statistics.median(b),
                                     statistics.median(x - y for x, y in zip(a, b)))))
' "${launcher_us[@]}" "${plain_us[@]}")
printf 'measured: median launcher %s ms, plain docker run %s ms, median paired overhead %s ms (%s pairs)\n' \
  "$launcher_ms" "$plain_ms" "$overhead_ms" "$pairs"
ok "both printed the output; launcher overhead $overhead_ms ms (target ~15 ms)"
