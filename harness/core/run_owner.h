#pragma once
/// Who owns a harness container, and when it is an orphan. Every container a run creates carries
/// its owner's identity in labels: host name, PID, PID namespace and the process's start time.
/// A later run removes it only when it can tell the owner is gone: same host and PID namespace
/// (so the PID means the same process), and that PID is dead or now belongs to a process started
/// at another time. A run on another host or in another PID namespace (two CI jobs in containers
/// sharing the host's engine) cannot be checked that way, so its containers are left alone until
/// they are older than any case can live.

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace sh {

struct RunOwner {
    std::string host;
    std::string pid;
    std::string pid_ns;      ///< "pid:[4026531836]" from /proc/self/ns/pid
    std::string start_time;  ///< field 22 of /proc/PID/stat (clock ticks since boot)
};

/// "sandbox-harness.host=… sandbox-harness.pid=… sandbox-harness.pidns=… sandbox-harness.started=…"
std::map<std::string, std::string> owner_labels(const RunOwner&);

/// No case's container lives longer than this (its timeout plus the harness's margin is minutes).
inline constexpr double kOrphanMaxAgeSeconds = 3600;

/// True when the container with these labels, `age_s` seconds old, is an orphan as seen by `self`;
/// `why` says why (for the message). `start_time_of(pid)` gives the start time of a live process
/// in `self`'s PID namespace, or nullopt when there is none.
bool is_orphan(const std::map<std::string, std::string>& labels, double age_s, const RunOwner& self,
               const std::function<std::optional<std::string>(const std::string& pid)>& start_time_of,
               std::string& why);

}  // namespace sh
