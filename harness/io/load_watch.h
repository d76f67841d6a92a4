#pragma once
/// The host's load while cases run, for core/host_pressure.h: a background thread reads
/// procs_running from /proc/stat (tasks on a CPU or waiting for one) every 100 ms and keeps the
/// last hour of samples; window() gives the figures between two instants. The sampler's own
/// reading is a runnable task and is taken off each sample. The figures of a case include the
/// last sample before it started, so that a case shorter than the interval still has one.
/// While a case is tracked, each sample also counts the runnable tasks of its own cgroup parent
/// (its container's every task, under any runtime), so that the load a case made itself can be
/// taken off its figures: a workload cannot earn the re-run of core/host_pressure.h by its own
/// threads.

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <string>
#include <vector>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "core/observation.h"

namespace sh {

/// procs_running from <proc_root>/stat. Throws Error naming the file when it cannot be read.
int read_procs_running(const std::filesystem::path& proc_root = "/proc");

/// The tasks under `dir` and its descendants (cgroup v1 `tasks`, v2 `cgroup.threads`) whose state
/// in <proc_root>/TID/stat is R (running or waiting for a CPU), as procs_running counts them.
int count_runnable_in_cgroup(const std::filesystem::path& dir, const std::filesystem::path& proc_root = "/proc");

class LoadWatch {
public:
    using Clock = std::chrono::steady_clock;
    /// `interval` 0: no background sampling, only sample() calls (for tests).
    explicit LoadWatch(std::filesystem::path proc_root = "/proc",
                       std::chrono::milliseconds interval = std::chrono::milliseconds(100));
    ~LoadWatch();
    LoadWatch(const LoadWatch&) = delete;
    LoadWatch& operator=(const LoadWatch&) = delete;

    /// From now until untrack(key), each sample counts the runnable tasks of the cgroup parent
    /// `parent` under `cgroup_root` (io/host_files.h cgroup_parent_dirs: it may appear later).
    void track(const std::string& key, const std::filesystem::path& cgroup_root, const std::string& parent);
    void untrack(const std::string& key);

    /// The load between `from` and `to`; nullopt when no sample was taken (the file could not be
    /// read). With `key` tracked, own_runnable_mean is its cgroup's share (0 in a sample taken
    /// before it was tracked) and own_counted is true.
    std::optional<HostLoadDuring> window(Clock::time_point from, Clock::time_point to,
                                         const std::string& key = "") const;
    /// Takes one sample now (the thread does this every interval; tests call it directly).
    void sample();

private:
    std::filesystem::path root_;
    const int cores_;  ///< 0 when <proc_root>/stat cannot be read
    struct Sample {
        Clock::time_point at;
        int running = 0;
        std::vector<std::pair<std::string, int>> own;  ///< (key, runnable tasks) of each case tracked then
    };
    struct Tracked {
        std::filesystem::path cgroup_root;
        std::string parent;
    };
    mutable std::mutex mu_;
    std::deque<Sample> samples_;
    std::map<std::string, Tracked> tracked_;  ///< (mu_)
    std::atomic<bool> stop_{false};
    std::chrono::milliseconds interval_;
    std::jthread thread_;  ///< last: started once everything it uses exists
};

}  // namespace sh
