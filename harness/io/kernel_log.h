#pragma once
/// The kernel log's OOM kills since the run began, for core/kernel_oom.h: /dev/kmsg is opened
/// once, positioned at its end (older records belong to earlier runs), and read without blocking
/// each time a case asks. Reading it needs root or CAP_SYSLOG when kernel.dmesg_restrict is 1;
/// without them the log is unavailable and says why, and a lost engine event stays unproven.

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kernel_oom.h"

namespace sh {

class KernelLog {
public:
    /// Opens `path` (a /dev/kmsg device, or in tests a file of records, one per line, read from its
    /// start). Never throws: a log that cannot be opened is unavailable.
    explicit KernelLog(const std::string& path = "/dev/kmsg");
    ~KernelLog();
    KernelLog(const KernelLog&) = delete;
    KernelLog& operator=(const KernelLog&) = delete;

    /// Why the log cannot be read ("open(/dev/kmsg): Permission denied"), or nullopt when it can.
    const std::optional<std::string>& unavailable() const { return unavailable_; }

    /// Reads every record written since the last call, and returns the kill the container's own
    /// memory limit made, if the log holds one since the log was opened. Thread-safe.
    std::optional<KernelOomKill> oom_kill_by_limit_of(const std::string& container_id);

    /// Reads every record written so far, and returns how many "Killed process" lines have been
    /// read: a case takes this mark before its launch, so that a line read before it (a pid
    /// the script's may reuse) never counts for it.
    std::size_t mark();

    /// Host pids the kernel's records show OOM-killed in the container (core/kernel_oom.h): the
    /// pid of every summary its own memory limit made, and each of `candidates` that a "Memory
    /// cgroup out of memory: Killed process" line read after `since` (a mark()) names, which
    /// stands in for a summary the rate limit dropped. Thread-safe.
    std::vector<long> oom_killed_pids(const std::string& container_id, std::size_t since,
                                      const std::vector<long>& candidates);

    /// Records the kernel overwrote before they were read (the ring buffer wrapped), so far.
    unsigned long lost_records() const;
    /// Summaries the kernel's rate limit dropped ("oom_kill_process: N callbacks suppressed"), so far.
    unsigned long suppressed_summaries() const;

private:
    void drain();  ///< with mu_ held

    int fd_ = -1;
    std::optional<std::string> unavailable_;
    mutable std::mutex mu_;
    std::string partial_;  ///< a file's last line without its newline yet
    std::vector<KernelOomKill> kills_;
    std::vector<long> killed_lines_;  ///< the pid of each "Killed process" line, in order
    unsigned long lost_ = 0;
    unsigned long suppressed_ = 0;
};

/// The message of one record as /dev/kmsg gives it ("6,1234,5678,-;oom-kill:..."): the text after
/// the first ';' of its first line; nullopt for a line without one (a continuation line, " KEY=value").
std::optional<std::string_view> kmsg_message(std::string_view record_line);

}  // namespace sh
