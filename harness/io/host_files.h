#pragma once
/// Host-side evidence that does not come from the engine: file fingerprints (did a probe change a
/// host file?) and the memory peak kept in a container's cgroup parent after the container is gone,
/// on cgroup v1, hybrid and v2 hosts; and the removal of the cgroup parents runs leave behind.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
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

/// How the cgroup filesystem under `cgroup_root` is laid out, told by the files the kernel puts
/// there: v2 (unified) has <root>/cgroup.controllers; hybrid has v1 hierarchies and a v2 one
/// without controllers at <root>/unified (Docker uses the v1 ones); v1 has hierarchies with a
/// `tasks` file (<root>/memory/tasks, ...); none is anything else (no cgroupfs, a bare test tree).
enum class CgroupLayout { none, v1, hybrid, v2 };
CgroupLayout detect_cgroup_layout(const std::filesystem::path& cgroup_root);

/// The existing directories of cgroup parent `parent` ("/sandbox-harness/sh-r1-0"): on v2 the one
/// <root>/<parent>; otherwise <root>/<hierarchy>/<parent> for every hierarchy, then <root>/<parent>.
/// What take_memory_peak() removes.
std::vector<std::filesystem::path> cgroup_parent_dirs(const std::filesystem::path& cgroup_root,
                                                      const std::string& parent);

/// Reads the memory peak of a cgroup parent under `cgroup_root`, then removes its directories
/// (cgroup_parent_dirs(); rmdir, which the kernel refuses while tasks or child cgroups are left).
/// v1 and hybrid: <root>/memory/<parent>/memory.max_usage_in_bytes. v2: <root>/<parent>/memory.peak;
/// a kernel before 5.19 has no memory.peak, and then no figure is given (memory.current after the
/// exit is not a peak) and the note says so. No layout detected: either file, as found.
/// Returns nullopt (and sets `note`) when there is no peak to report.
std::optional<double> take_memory_peak(const std::filesystem::path& cgroup_root,
                                       const std::string& parent, std::string& note);

/// What sweep_stale_cgroup_parents() did, or with `dry_run` would try to do.
struct CgroupSweep {
    std::vector<std::filesystem::path> removed;  ///< parent directories removed
    std::vector<std::filesystem::path> killed;   ///< v2 parents whose tasks were killed first (cgroup.kill)
    std::vector<std::string> kept;               ///< "<dir>: why" for old parents left in place
};

/// Removes the cgroup parents that runs killed before take_memory_peak() left behind: every
/// directory under <cgroup_root>/<prefix>/ last changed more than `min_age` ago. The age spares
/// those that a concurrent run has just created; it must exceed the longest case, since on v2 a
/// parent that still has tasks is taken to be a dead run's.
/// - v1, hybrid and no layout detected: rmdir of <root>/<hierarchy>/<prefix>/* and <root>/<prefix>/*;
///   the kernel refuses a cgroup that still has tasks or children, and it stays (in `kept`).
/// - v2: <root>/<prefix>/* only. A parent whose cgroup.events says "populated 1" has tasks in it or
///   below: "1" is written to its cgroup.kill (Linux 5.14 and later), which SIGKILLs them all, and
///   the sweep waits up to `kill_wait` for "populated 0". Without cgroup.kill nothing is killed and
///   the parent stays, in `kept`. Then the empty cgroups below the parent (a container's own,
///   which its engine never removed) are removed deepest first, and the parent last.
/// With `dry_run` nothing is written or removed: `removed` and `killed` list what would be tried.
/// `dead_now`, when given, names parents known to be a dead run's (by their directory name): they
/// are swept whatever their age, so a killed run's parents go at the next run's start.
CgroupSweep sweep_stale_cgroup_parents(const std::filesystem::path& cgroup_root, const std::string& prefix,
                                       std::filesystem::file_time_type::duration min_age,
                                       std::chrono::milliseconds kill_wait = std::chrono::seconds(2),
                                       bool dry_run = false,
                                       const std::function<bool(const std::string& name)>& dead_now = {});

/// Mounts a tmpfs with `options` ("size=16k") on `dir` (nosuid, nodev, noexec). Returns what
/// failed ("mount tmpfs on DIR: Operation not permitted"), or nullopt.
std::optional<std::string> mount_tmpfs(const std::filesystem::path& dir, const std::string& options);
/// Detaches whatever is mounted on `dir` (lazily: open files keep it until they close).
void unmount(const std::filesystem::path& dir);

}  // namespace sh
