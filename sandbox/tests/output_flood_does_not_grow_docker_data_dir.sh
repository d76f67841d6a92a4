#!/usr/bin/env bash
# A script that writes 200 MB to stdout costs the host's Docker data directory nothing: the launcher
# runs containers with --log-driver none, and the output still streams to the caller in full.
# Bounds: the container's own log directory and writable layer stay < 1 MB while it runs;
# <root>/containers grows < 1 MB; and the whole data directory (du -sb before/after) grows < 1 MB.
# The last bound is only asserted when the engine reports no other activity meanwhile (on a shared
# host someone else's build lands there too); otherwise the figure is printed as inconclusive.
# Positive control: the same measurement sees a 20 MB flood under the json-file log driver.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

root=$(docker info --format '{{.DockerRootDir}}')
[[ -r $root ]] || { printf 'SKIP: the Docker data directory %s is not readable here\n' "$root"; exit 77; }
# du complains (and fails) when someone else's files vanish while it walks: the sum is still right.
size() { { du -sb "$@" 2>/dev/null || true; } | awk '{s += $1} END {print s + 0}'; }
mb() { printf '%d.%03d MB' $(($1 / 1000000)) $((($1 < 0 ? -$1 : $1) % 1000000 / 1000)); }
bytes_mb=200
want_bytes=$((bytes_mb * 1024 * 1024))

script=$(write_script flood.py <<'PY'
import sys, time
chunk = b"x" * (1024 * 1024)
for _ in range(int(sys.argv[1])):
    sys.stdout.buffer.write(chunk)
sys.stdout.flush()
print("flood done", file=sys.stderr, flush=True)
time.sleep(float(sys.argv[2]))
PY
)

since=$(date +%s.%N)
before_all=$(size "$root")
before_containers=$(size "$root/containers")
name=sbt-flood-$$-$RANDOM
SANDBOX_NAME=$name SANDBOX_TIMEOUT=120 "$LAUNCHER" "$script" "$bytes_mb" 3 2>"$TMP/err" | wc -c >"$TMP/count" &
pipeline=$!
for ((i = 0; i < 1200; i++)); do grep -q 'flood done' "$TMP/err" && break; sleep 0.1; done
grep -q 'flood done' "$TMP/err" || fail "the flood did not finish: $(cat "$TMP/err")"
id=$(docker inspect --format '{{.Id}}' "$name")
upper=$(docker inspect --format '{{.GraphDriver.Data.UpperDir}}' "$name")
own=$(size "$root/containers/$id" "$upper")
printf 'measured: while running, the container log directory and writable layer hold %s\n' "$(mb "$own")"
((own < 1000000)) || fail "the container's own directories hold $(mb "$own") after a ${bytes_mb} MB flood"
ok "the container's log directory and writable layer stay < 1 MB during a ${bytes_mb} MB flood"
wait "$pipeline"
expect_eq "bytes received by the caller" "$(tr -d ' ' <"$TMP/count")" "$want_bytes"
expect_no_container "$name"

after_containers=$(size "$root/containers")
after_all=$(size "$root")
# Engine activity other than this test's containers (and their network attach/detach).
others=$(docker events --since "$since" --until "$(date +%s.%N)" \
  --format '{{.Type}} {{.Action}} {{index .Actor.Attributes "sandbox-harness.test"}}' |
  awk -v id="$TEST_ID" '$1 != "network" && !($1 == "container" && $3 == id)' | wc -l)
growth_containers=$((after_containers - before_containers))
growth_all=$((after_all - before_all))
printf 'measured: %s/containers grew by %s; %s grew by %s (du -sb before/after)\n' \
  "$root" "$(mb "$growth_containers")" "$root" "$(mb "$growth_all")"
((growth_containers < 1000000)) || fail "$root/containers grew by $(mb "$growth_containers")"
ok "$root/containers grew < 1 MB"
if ((others == 0)); then
  ((growth_all < 1000000)) || fail "$root grew by $(mb "$growth_all")"
  ok "$root grew < 1 MB"
else
  printf 'inconclusive: %s changed by %s, but the engine reported %s events of other users meanwhile\n' \
    "$root" "$(mb "$growth_all")" "$others"
fi

# Positive control: the same measurement does see log growth under the json-file driver.
control=sbt-flood-json-$$-$RANDOM
docker run -d --name "$control" --label "$TEST_LABEL" --network none --log-driver json-file \
  --mount "type=bind,source=$script,target=/sandbox/main.py,readonly" \
  secure-python:latest python3 -I -B /sandbox/main.py 20 0 >/dev/null
docker wait "$control" >/dev/null
logged=$(size "$root/containers/$(docker inspect --format '{{.Id}}' "$control")")
docker rm -f "$control" >/dev/null
printf 'measured: positive control: a 20 MB flood under json-file left %s in the container directory\n' "$(mb "$logged")"
((logged > 20000000)) || fail "positive control: json-file logging of 20 MB left only $(mb "$logged"): the measurement is blind"
ok "positive control: the measurement sees json-file log growth"
