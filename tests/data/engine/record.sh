#!/usr/bin/env bash
# Records the Engine API responses that engine_parse_test.cpp reads, from the engine at
# DOCKER_SOCK (default /var/run/docker.sock). Needs the sandbox-dev:base image (or IMAGE=...).
# Creates two labelled containers (sandbox-harness.test=1) and removes them on every exit path.
set -euo pipefail

sock="${DOCKER_SOCK:-/var/run/docker.sock}"
image="${IMAGE:-sandbox-dev:base}"
out="$(cd "$(dirname "$0")" && pwd)"
run="rec$$"
api="http://localhost/v1.41"
py=/usr/bin/python3  # the python3 first on PATH may be a slow shim

get() { curl -sS --fail-with-body --unix-socket "$sock" "$api$1"; }
post() { curl -sS --fail-with-body --unix-socket "$sock" -X POST -H 'Content-Type: application/json' -d "$2" "$api$1"; }
pretty() { "$py" -m json.tool --indent 2; }
urlenc() { "$py" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

cleanup() {
    docker rmi -f "sh-rec-labelled:$$" >/dev/null 2>&1 || true
    for name in sh-rec-hardened-$$ sh-rec-oom-$$; do
        curl -sS --unix-socket "$sock" -X DELETE "$api/containers/$name?force=true&v=true" >/dev/null || true
    done
    if [[ -n "${events_pid:-}" ]]; then kill "$events_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

get /version | pretty > "$out/version.json"
get /info | pretty > "$out/info.json"
get "/images/$image/json" | pretty > "$out/image_base.json"
# An image with labels (the base rootfs is imported and has none), the way the build script
# records recipe hash and versions.
printf 'FROM %s\nLABEL sandbox-harness.test=1 org.example.recipe-sha256=0123abcd python.version=3.11.2\n' "$image" |
    docker build -q -t "sh-rec-labelled:$$" - >/dev/null
get "/images/sh-rec-labelled:$$/json" | pretty > "$out/image_labelled.json"
curl -sS --unix-socket "$sock" "$api/containers/sh-rec-no-such-container/json" | pretty > "$out/error_no_such_container.json"

filters="$(urlenc "{\"label\":[\"sandbox-harness.run=$run\"]}")"
curl -sS -N --unix-socket "$sock" --max-time 60 "$api/events?filters=$filters" > "$out/events_lifecycle.jsonl" &
events_pid=$!
sleep 0.5

# A hardened container (the launcher's flags) that is inspected while running, then exits 3.
hardened=$(cat <<JSON
{"Image": "$image", "User": "65534:65534",
 "Cmd": ["python3", "-c", "import sys, time; time.sleep(4); sys.exit(3)"],
 "Labels": {"sandbox-harness.test": "1", "sandbox-harness.run": "$run", "sandbox-harness.case": "exit-3"},
 "NetworkDisabled": false,
 "HostConfig": {"AutoRemove": true, "NetworkMode": "none", "ReadonlyRootfs": true,
   "CapDrop": ["ALL"], "SecurityOpt": ["no-new-privileges"], "PidsLimit": 64,
   "Memory": 268435456, "MemorySwap": 268435456, "NanoCpus": 1000000000,
   "Tmpfs": {"/tmp": "rw,noexec,nosuid,nodev,size=16m"}, "LogConfig": {"Type": "none", "Config": {}},
   "Ulimits": [{"Name": "core", "Soft": 0, "Hard": 0}, {"Name": "nofile", "Soft": 256, "Hard": 256},
               {"Name": "fsize", "Soft": 16777216, "Hard": 16777216}]}}
JSON
)
id=$(post "/containers/create?name=sh-rec-hardened-$$" "$hardened" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["Id"])')
post "/containers/$id/start" '' >/dev/null
sleep 0.5
get "/containers/$id/json" | pretty > "$out/container_inspect_hardened.json"
get "/containers/json?all=true&filters=$filters" | pretty > "$out/containers_list.json"
post "/containers/$id/wait?condition=removed" '' | pretty > "$out/container_wait.json"

# A container that runs out of memory: oom, then die with exitCode 137.
oom=$(cat <<JSON
{"Image": "$image", "User": "65534:65534",
 "Cmd": ["python3", "-c", "b = [bytearray(1 << 20) for _ in range(200)]"],
 "Labels": {"sandbox-harness.test": "1", "sandbox-harness.run": "$run", "sandbox-harness.case": "oom"},
 "HostConfig": {"AutoRemove": true, "NetworkMode": "none", "Memory": 33554432, "MemorySwap": 33554432,
   "LogConfig": {"Type": "none", "Config": {}}}}
JSON
)
id=$(post "/containers/create?name=sh-rec-oom-$$" "$oom" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["Id"])')
post "/containers/$id/start" '' >/dev/null
post "/containers/$id/wait?condition=removed" '' >/dev/null
sleep 0.5
kill "$events_pid"
wait "$events_pid" 2>/dev/null || true
events_pid=
get "/containers/json?all=true&filters=$filters" | pretty > "$out/containers_list_empty.json"
echo "recorded into $out (run label $run)"
