#pragma once
/// Every outside effect a suite run has, behind one interface: the engine and the processes it
/// starts, the clock, the host's identity and facts, what watches the cases while they run (the
/// canary, the engine's events, the kernel log, the host's load, the run's CPU), where records go,
/// and what earlier runs left behind (cgroups, leases). run/suite.cpp reaches the world only
/// through it: RealWorld is this host; testing/fake_world.h plays one in unit tests, from options
/// to records and exit status.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine_parse.h"
#include "core/host_claims.h"
#include "core/run_cost.h"

namespace sh {

class Canary;
class DockerEngine;
class EventMonitor;
class KernelLog;
class LoadWatch;
class ProcessRunner;
class RecordSink;
class RunLease;

/// The host as a report's meta names it.
struct HostIdentity {
    std::string hostname;
    std::string kernel;  ///< uname -r
    int cores = 0;
};

/// The run's CPU from its start until stop(): RunCost's CPU fields (the rest stays 0).
class CostMeter {
public:
    virtual ~CostMeter() = default;
    virtual RunCost stop() = 0;
};

class World {
public:
    virtual ~World() = default;

    virtual DockerEngine& engine() = 0;
    virtual ProcessRunner& processes() = 0;

    // ---- the clock and the host -----------------------------------------------------------------
    virtual std::string utc_now() = 0;    ///< "2026-11-27T20:15:00Z"
    virtual std::string new_run_id() = 0; ///< lower-case, sortable, short: "20261127t201500-3fa9"
    virtual HostIdentity host_identity() = 0;
    virtual double load1() = 0;           ///< the 1-minute load average now
    virtual HostFacts host_facts() = 0;   ///< what probes' host claims are checked against

    // ---- what watches a run's cases (opened at its start, closed at its end) ---------------------
    /// Throws Error when the canary cannot listen.
    virtual std::unique_ptr<Canary> open_canary() = 0;
    /// The engine's events of the run's containers. Throws DockerError when the stream cannot open.
    virtual std::unique_ptr<EventMonitor> watch_events(const std::string& run_id) = 0;
    virtual std::unique_ptr<KernelLog> open_kernel_log() = 0;  ///< null: none
    virtual std::unique_ptr<LoadWatch> open_load_watch() = 0;  ///< null: none
    virtual std::unique_ptr<CostMeter> start_cost_meter() = 0;
    /// Creates or truncates `file`. Throws Error naming it.
    virtual std::unique_ptr<RecordSink> open_records(const std::filesystem::path& file) = 0;

    // ---- what earlier runs left -----------------------------------------------------------------
    /// Where each container gets a cgroup parent of its own (its memory peak and load are read
    /// there): an engine on this host with the cgroupfs driver; nullopt elsewhere.
    virtual std::optional<std::filesystem::path> cgroup_root(const EngineVersion&) = 0;
    /// This run's lease, held until the pointer goes (null: none could be written).
    virtual std::unique_ptr<RunLease> take_lease(const std::string& run_id) = 0;
    /// Removes what runs whose owner is gone left: their leases, and their cgroup parents under
    /// `cgroup_root`/*`prefix` (with none, nothing of cgroups). Says on stderr what it removed.
    virtual void sweep_dead_runs(const std::string& own_run_id, const std::optional<std::filesystem::path>& cgroup_root,
                                 const std::string& prefix) = 0;
    /// Removes containers of runs whose harness is gone, as core/run_owner.h decides: never those
    /// of a live run, nor of one in another PID namespace or on another host. Returns their ids.
    virtual std::vector<std::string> remove_orphaned_containers() = 0;
};

/// This host: the engine at DOCKER_HOST (or the local socket), real processes, /proc, /dev/kmsg,
/// /sys/fs/cgroup, /run/sandbox-harness/runs and the loopback canary.
std::unique_ptr<World> real_world();

}  // namespace sh
