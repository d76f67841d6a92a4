#!/usr/bin/env bash
# While a script runs under the default profile, the engine reports every control in force
# (docker inspect), and the script sees them from inside: uid, read-only root, noexec /tmp, no
# capabilities, no_new_privs, limits, no network and no host resolver, a minimal environment.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
require_docker
require_images

script=$(write_script inside.py <<'PY'
import os, resource, socket, time
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return line.split()[1]
def can_write(path):
    try:
        with open(path, "w") as f:
            f.write("x")
        return "yes"
    except OSError:
        return "no"
print("uid", os.getuid(), os.getgid())
print("write-root", can_write("/probe"))
print("write-tmp", can_write("/tmp/probe"))
print("tmp-noexec", "noexec" in [l for l in open("/proc/self/mounts") if " /tmp " in l][0])
print("cap-eff", status("CapEff"))
print("no-new-privs", status("NoNewPrivs"))
print("nofile", *resource.getrlimit(resource.RLIMIT_NOFILE))
print("interfaces", *sorted(name for _, name in socket.if_nameindex()))
print("resolv.conf", *sorted(l.strip() for l in open("/etc/resolv.conf") if l.startswith(("nameserver", "search", "domain"))))
print("env", *sorted(os.environ))
print("cwd", os.getcwd())
print("ready", flush=True)
time.sleep(60)
PY
)
name=sbt-flags-$$-$RANDOM
export SANDBOX_NAME=$name SANDBOX_TIMEOUT=50 SANDBOX_AST_CHECK=0 HOST_SECRET_CANARY=do-not-leak
"$LAUNCHER" "$script" >"$TMP/out" 2>"$TMP/err" &
launcher=$!
wait_running "$name" 30

inspect() { docker inspect --format "$1" "$name"; }
expect_eq NetworkMode "$(inspect '{{.HostConfig.NetworkMode}}')" none
expect_eq Dns "$(inspect '{{json .HostConfig.Dns}}')" '["0.0.0.0"]'
expect_eq DnsSearch "$(inspect '{{json .HostConfig.DnsSearch}}')" '["."]'
expect_eq User "$(inspect '{{.Config.User}}')" 65534:65534
expect_eq ReadonlyRootfs "$(inspect '{{.HostConfig.ReadonlyRootfs}}')" true
expect_eq Tmpfs "$(inspect '{{json .HostConfig.Tmpfs}}')" '{"/tmp":"rw,noexec,nosuid,nodev,size=16m"}'
expect_eq CapDrop "$(inspect '{{json .HostConfig.CapDrop}}')" '["ALL"]'
expect_eq CapAdd "$(inspect '{{json .HostConfig.CapAdd}}')" null
expect_eq SecurityOpt "$(inspect '{{json .HostConfig.SecurityOpt}}')" '["no-new-privileges"]'
expect_eq NanoCpus "$(inspect '{{.HostConfig.NanoCpus}}')" 1000000000
expect_eq Memory "$(inspect '{{.HostConfig.Memory}}')" 268435456
expect_eq MemorySwap "$(inspect '{{.HostConfig.MemorySwap}}')" 268435456
expect_eq PidsLimit "$(inspect '{{.HostConfig.PidsLimit}}')" 64
expect_eq "Ulimits (sorted)" "$(inspect '{{range .HostConfig.Ulimits}}{{.Name}}={{.Soft}}:{{.Hard}}{{"\n"}}{{end}}' | sort | xargs)" \
  "core=0:0 fsize=16777216:16777216 nofile=256:256"
expect_eq LogConfig.Type "$(inspect '{{.HostConfig.LogConfig.Type}}')" none
expect_eq AutoRemove "$(inspect '{{.HostConfig.AutoRemove}}')" true
expect_eq Privileged "$(inspect '{{.HostConfig.Privileged}}')" false
expect_eq PidMode "$(inspect '{{.HostConfig.PidMode}}')" ""
expect_eq Runtime "$(inspect '{{.HostConfig.Runtime}}')" runc
expect_eq "script mount" "$(inspect '{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} rw={{.RW}}{{end}}')" \
  "bind $script /sandbox/main.py rw=false"
# PID 1 is timeout(1), the in-container deadline: SANDBOX_TIMEOUT (50) + the launcher's 3 s margin.
expect_eq "command" "$(inspect '{{.Path}} {{join .Args " "}}')" "timeout --signal=KILL 53 python3 -I -B /sandbox/main.py"
expect_eq WorkingDir "$(inspect '{{.Config.WorkingDir}}')" /tmp
expect_eq "launcher label" "$(inspect '{{index .Config.Labels "sandbox-harness.launcher"}}')" run_secure_python
expect_eq "caller label (SANDBOX_LABELS)" "$(inspect '{{index .Config.Labels "sandbox-harness.test"}}')" "$TEST_ID"
env_list=$(inspect '{{join .Config.Env " "}}')
[[ $env_list != *HOST_SECRET_CANARY* ]] || fail "host environment leaked into the container: $env_list"
ok "no host environment variable reaches the container"

for ((i = 0; i < 100; i++)); do grep -q '^ready' "$TMP/out" && break; sleep 0.1; done
inside() { sed -n "s/^$1 //p" "$TMP/out"; }
expect_eq "inside: uid gid" "$(inside uid)" "65534 65534"
expect_eq "inside: / writable" "$(inside write-root)" no
expect_eq "inside: /tmp writable" "$(inside write-tmp)" yes
expect_eq "inside: /tmp noexec" "$(inside tmp-noexec)" True
expect_eq "inside: effective capabilities" "$(inside cap-eff)" 0000000000000000
expect_eq "inside: NoNewPrivs" "$(inside no-new-privs)" 1
expect_eq "inside: nofile limit" "$(inside nofile)" "256 256"
expect_eq "inside: network interfaces" "$(inside interfaces)" lo
expect_eq "inside: /etc/resolv.conf (no host resolver, no search domain)" "$(inside resolv.conf)" "nameserver 0.0.0.0"
expect_eq "inside: environment" "$(inside env)" "HOME HOSTNAME LANG PATH PYTHONDONTWRITEBYTECODE"
expect_eq "inside: working directory" "$(inside cwd)" /tmp

kill -TERM "$launcher"
rc=0
wait "$launcher" || rc=$?
expect_eq "launcher status after SIGTERM" "$rc" 143
expect_no_container "$name"

# With a network the launcher leaves Docker's resolver configuration alone: no --dns, no 0.0.0.0.
resolv=$(write_script resolv.py <<'PY'
print(*[l.split()[1] for l in open("/etc/resolv.conf") if l.startswith("nameserver")])
PY
)
launch SANDBOX_NAME="$name-bridge" SANDBOX_NETWORK=bridge -- "$resolv"
expect_eq "exit status under SANDBOX_NETWORK=bridge" "$status" 0
[[ -s $TMP/out && $(cat "$TMP/out") != *0.0.0.0* ]] ||
  fail "under SANDBOX_NETWORK=bridge /etc/resolv.conf named '$(cat "$TMP/out")': expected Docker's own resolvers"
ok "with a network, /etc/resolv.conf keeps Docker's resolvers ($(cat "$TMP/out"))"
