#pragma once
/// A run's lease: one small file per live run, <dir>/<run_id>, holding its owner's labels
/// (core/run_owner.h), written at the start and removed at the end. A run killed with SIGKILL
/// leaves its lease behind with a dead owner; the next run reads it and knows at once that the
/// cgroup parents named after that run are garbage, instead of waiting for them to age.
/// The directory is /run/sandbox-harness/runs: tmpfs, gone with a reboot like the cgroups it
/// speaks of.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sh {

inline const std::filesystem::path kRunLeaseDir = "/run/sandbox-harness/runs";

class RunLease {
public:
    /// Writes the lease; where it cannot (not root, a read-only /run), holds none and says why in
    /// problem(): the next runs then fall back to the age of what this run leaves.
    RunLease(std::filesystem::path dir, const std::string& run_id, const std::map<std::string, std::string>& labels);
    ~RunLease();
    RunLease(const RunLease&) = delete;
    RunLease& operator=(const RunLease&) = delete;
    const std::string& problem() const { return problem_; }

private:
    std::filesystem::path path_;
    std::string problem_;
};

struct LeaseOnFile {
    std::string run_id;
    std::map<std::string, std::string> labels;
    double age_s = 0;  ///< since the lease was written
};

/// Every lease in `dir` (none when it does not exist); unreadable lines are left out.
std::vector<LeaseOnFile> read_run_leases(const std::filesystem::path& dir);
void remove_run_lease(const std::filesystem::path& dir, const std::string& run_id);

}  // namespace sh
