#pragma once
/// The host's load while cases run, for core/host_pressure.h: a background thread reads
/// procs_running from /proc/stat (tasks on a CPU or waiting for one) every 100 ms and keeps the
/// last hour of samples; window() gives the figures between two instants. The sampler's own
/// reading is a runnable task and is taken off each sample. The figures of a case include the
/// last sample before it started, so that a case shorter than the interval still has one.

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "core/observation.h"

namespace sh {

/// procs_running from <proc_root>/stat. Throws Error naming the file when it cannot be read.
int read_procs_running(const std::filesystem::path& proc_root = "/proc");

class LoadWatch {
public:
    using Clock = std::chrono::steady_clock;
    /// `interval` 0: no background sampling, only sample() calls (for tests).
    explicit LoadWatch(std::filesystem::path proc_root = "/proc",
                       std::chrono::milliseconds interval = std::chrono::milliseconds(100));
    ~LoadWatch();
    LoadWatch(const LoadWatch&) = delete;
    LoadWatch& operator=(const LoadWatch&) = delete;

    /// The load between `from` and `to`; nullopt when no sample was taken (the file could not be read).
    std::optional<HostLoadDuring> window(Clock::time_point from, Clock::time_point to) const;
    /// Takes one sample now (the thread does this every interval; tests call it directly).
    void sample();

private:
    std::filesystem::path root_;
    const int cores_;  ///< 0 when <proc_root>/stat cannot be read
    mutable std::mutex mu_;
    std::deque<std::pair<Clock::time_point, int>> samples_;
    std::atomic<bool> stop_{false};
    std::chrono::milliseconds interval_;
    std::jthread thread_;  ///< last: started once everything it uses exists
};

}  // namespace sh
