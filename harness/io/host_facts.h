#pragma once
/// The host's own identity, read once per run, against which probes' host claims are checked
/// (core/host_claims.h): kernel release, MemTotal, CPU model, boot id and hostname.

#include <filesystem>

#include "core/host_claims.h"

namespace sh {

/// Reads /proc/sys/kernel/osrelease (what uname -r prints), MemTotal of /proc/meminfo, the first
/// "model name" of /proc/cpuinfo, /proc/sys/kernel/random/boot_id and /proc/sys/kernel/hostname
/// under `proc_root` (a fake tree in tests). A value that cannot be read stays unset: the claims
/// about it are then noted as not checked, never judged.
HostFacts read_host_facts(const std::filesystem::path& proc_root = "/proc");

/// /proc/sys/kernel/pid_max under `proc_root`: how many pids the host hands out; nullopt when
/// it cannot be read.
std::optional<long> read_pid_max(const std::filesystem::path& proc_root = "/proc");

/// The value of the first "key: value" line of /proc/meminfo or /proc/cpuinfo text whose key
/// (trimmed) is `key`; nullopt when there is none.
std::optional<std::string> proc_field(std::string_view text, std::string_view key);

}  // namespace sh
