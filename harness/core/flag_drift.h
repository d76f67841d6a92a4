#pragma once
/// Flag drift: does the container that ran carry the flags its profile asks for? Compares a
/// profile with the Engine API's inspect of the container (GET /containers/{id}/json), so a run
/// cannot claim to have tested a profile that the launcher did not actually apply.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/observation.h"
#include "core/profile.h"

namespace sh {

/// Where the launcher mounts the script (read-only) inside the container.
inline constexpr const char* kScriptMountPath = "/sandbox/main.py";
/// The nameserver the launcher gives a container without a network (--dns), so that its
/// /etc/resolv.conf does not name the host's resolver: the unspecified address, the container's own
/// loopback (a loopback --dns makes the docker CLI print a warning into the script's stderr).
inline constexpr const char* kHiddenResolver = "0.0.0.0";

/// One FlagDrift per mismatch, in a fixed order; empty when every flag matches. Unset profile
/// variables count at their documented defaults (profile_default()). Checked:
///   SANDBOX_IMAGE → Config.Image (":latest" implied), SANDBOX_NETWORK → HostConfig.NetworkMode
///   and, for none, HostConfig.Dns [kHiddenResolver] and DnsSearch ["."] (else both empty),
///   SANDBOX_USER → Config.User, SANDBOX_READ_ONLY → ReadonlyRootfs, SANDBOX_TMPFS → Tmpfs
///   (options compared as sets), SANDBOX_CAP_DROP → CapDrop and SANDBOX_CAP_ADD → CapAdd (as sets),
///   SANDBOX_NO_NEW_PRIVILEGES / SANDBOX_SECCOMP → SecurityOpt (no apparmor=unconfined either),
///   SANDBOX_CPUS → NanoCpus, SANDBOX_MEMORY → Memory, SANDBOX_MEMORY_SWAP → MemorySwap,
///   SANDBOX_PIDS_LIMIT → PidsLimit, SANDBOX_ULIMITS → Ulimits, SANDBOX_PRIVILEGED → Privileged,
///   SANDBOX_PID_MODE → PidMode, SANDBOX_RUNTIME → HostConfig.Runtime, SANDBOX_CGROUP_PARENT (when
///   set) → CgroupParent;
///   and the launcher's fixed contract: LogConfig.Type "none", AutoRemove, IpcMode/UTSMode not
///   "host", the script mounted read-only at kScriptMountPath.
std::vector<FlagDrift> compare_host_config(const Profile&, const nlohmann::json& container_inspect);

/// "HostConfig.NetworkMode: expected none, got host"
std::string describe(const FlagDrift&);

}  // namespace sh
