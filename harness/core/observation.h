#pragma once
/// What the outside world says about one case: the Engine API, the canary, the host.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/host_claims.h"
#include "core/kernel_oom.h"

namespace sh {

/// One difference between the profile and the container's actual HostConfig.
struct FlagDrift {
    std::string field;     ///< e.g. "HostConfig.NetworkMode"
    std::string expected;
    std::string actual;
};

/// The host's load while a case ran: runnable tasks (procs_running in /proc/stat, which counts
/// every task on a CPU or waiting for one), sampled every 100 ms from the launch to its end.
struct HostLoadDuring {
    double runnable_mean = 0;
    int runnable_max = 0;
    int cores = 0;    ///< online CPUs
    int samples = 0;
    /// The case's own share of runnable_mean: the runnable tasks of its cgroup parent (its
    /// container's every task) in the same samples; meaningful only when own_counted.
    double own_runnable_mean = 0;
    bool own_counted = false;  ///< the case's cgroup was counted (the harness knew where it is)
};

struct Observation {
    bool engine_reachable = true;
    /// The host's own values (read once per run), against which judge() checks the probe's
    /// host_claims (core/host_claims.h); unset: not checked. Not recorded: the run's meta has the host.
    std::optional<HostFacts> host;
    std::optional<std::string> container_id;
    bool inspected = false;              ///< HostConfig was read while the container existed
    std::vector<FlagDrift> drift;        ///< empty when inspected and all flags matched
    std::optional<int> exit_code;        ///< from the "die" event
    /// The container's memory limit killed a process of it, any process: the engine's "oom" event
    /// (or State.OOMKilled), or, when the engine lost that event, the kernel log's record (a note
    /// says so). Which process it was is `oom_killed_pids` against `script`.
    bool oom_killed = false;
    /// Host pids the kernel's records show OOM-killed in the container while the case ran
    /// (core/kernel_oom.h); empty when the kernel log is unreadable.
    std::vector<long> oom_killed_pids;
    /// The container's init and the process carrying the script, read from outside at its start.
    ScriptProcess script;
    /// kill/stop/pause/unpause/restart requests the engine carried out on the container, in order
    /// ("kill (signal 9)"): the launcher sends one only when its timeout fires or it is stopped.
    std::vector<std::string> engine_actions;
    // Event timestamps, seconds since epoch (nanosecond precision), when seen.
    std::optional<double> t_create, t_start, t_die, t_destroy;
    std::optional<double> memory_peak_bytes;  ///< from the case's cgroup parent, after exit
    bool container_gone = false;         ///< no container with the case's label exists at the end
    std::vector<std::string> leftovers;  ///< ids of containers still present at the end
    std::vector<std::string> canary_hits;     ///< every canary hit that counts against this case, described (core/canary_evidence.h)
    std::vector<std::string> host_file_changes;  ///< host files whose hash changed
    std::vector<std::string> notes;      ///< anything the observer could not determine, and why
    std::optional<HostLoadDuring> host_load;  ///< unset when no sample fell inside the case
};

}  // namespace sh
