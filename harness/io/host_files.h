#pragma once
/// Host-side evidence that does not come from the engine: file fingerprints (did a probe change a
/// host file?) and the memory peak kept in a container's cgroup parent after the container is gone.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sh {

/// What a host file is: its metadata (type, permission bits with setuid/setgid/sticky, owner,
/// size) from lstat, and for a regular file the FNV-1a-64 of its content. "Missing" when lstat
/// fails. A chmod, a chown or a setuid bit changes it as surely as a write does.
struct Fingerprint {
    bool exists = false;
    unsigned type = 0;   ///< st_mode & S_IFMT
    unsigned mode = 0;   ///< st_mode & 07777
    unsigned uid = 0, gid = 0;
    std::uintmax_t size = 0;
    std::uint64_t hash = 0;  ///< regular files only (opened O_NONBLOCK: a FIFO never blocks us)
    bool operator==(const Fingerprint&) const = default;
};

Fingerprint fingerprint(const std::filesystem::path&);
std::map<std::string, Fingerprint> fingerprint_all(const std::vector<std::string>& paths);
/// Paths whose fingerprint differs between `before` and now, with a short description each.
std::vector<std::string> changed_files(const std::map<std::string, Fingerprint>& before);

/// Reads the memory peak of a cgroup parent (v1: memory.max_usage_in_bytes; v2: memory.peak)
/// under `cgroup_root`, then removes the parent's directories in every hierarchy.
/// Returns nullopt (and sets `note`) when it cannot be read.
std::optional<double> take_memory_peak(const std::filesystem::path& cgroup_root,
                                       const std::string& parent, std::string& note);

/// Removes the cgroup parents that runs killed before take_memory_peak() left behind: every
/// directory <cgroup_root>/<hierarchy>/<prefix>/* (and <cgroup_root>/<prefix>/* for v2) last
/// changed more than `min_age` ago. The kernel refuses to remove a cgroup that still has tasks or
/// children, and the age spares those that a concurrent run has just created. Returns the paths
/// removed.
std::vector<std::filesystem::path> remove_stale_cgroup_parents(const std::filesystem::path& cgroup_root,
                                                               const std::string& prefix,
                                                               std::filesystem::file_time_type::duration min_age);

}  // namespace sh
