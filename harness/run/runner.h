#pragma once
/// Runs a plan: for each item, launch the sandbox launcher exactly as an app would, observe the
/// container from the outside, judge, and append the record. Items run on worker threads, started
/// in the order and as many at once as core/schedule.h decides from their expected cost.

#include <atomic>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/checkout.h"
#include "core/plan.h"
#include "core/host_claims.h"
#include "core/profile.h"
#include "core/record.h"
#include "core/schedule.h"
#include "core/syscall_baseline.h"

namespace sh {

class Canary;
class CanaryLedger;
class DockerEngine;
class EventMonitor;
class KernelLog;
class LoadWatch;
class ProcessRunner;
class Progress;
class RecordSink;

struct RunConfig {
    Checkout checkout;                ///< its launcher runs each case; records name scripts relative to it
    Profile profile;                  ///< the effective profile (file + overrides)
    std::string profile_label = "default";
    int jobs = 1;                     ///< cores' worth of cases at once (core/schedule.h)
    CostHistory cost_history;         ///< an earlier run's records: what each case cost then
    std::size_t output_cap_bytes = 256 * 1024;
    double safety_margin_s = 30;      ///< the harness's own deadline: case timeout + this
    /// The host's own values, read once per run: judge() checks probes' host claims against them
    /// (core/host_claims.h). Unset: not checked.
    std::optional<HostFacts> host_facts;
    /// The syscall sweep's baseline for the profile's runtime (core/syscall_baseline.h); unset
    /// when the run has no sweep.
    std::optional<SyscallBaselineCheck> syscall_baseline;
    /// When set (a local engine with the cgroupfs driver), each container gets its own cgroup
    /// parent under this prefix and its memory peak is read after exit.
    std::optional<std::filesystem::path> cgroup_root;
    /// Runnable tasks per CPU from which the host counts as overloaded: a workload that timed out
    /// then is run once more (core/host_pressure.h). 0: never.
    double overloaded_at = 2.0;
};

/// Everything a run needs from the outside, passed in so a caller owns their lifetimes.
struct RunContext {
    DockerEngine& docker;
    ProcessRunner& processes;
    EventMonitor& events;
    Canary& canary;
    CanaryLedger& canary_windows;  ///< one window per case, shared by the workers
    RecordSink& records;
    Progress& progress;
    const std::atomic<bool>& cancel;  ///< set on SIGINT/SIGTERM: running cases are stopped, the rest skipped
    /// Where failures of the harness itself go that are no case's verdict (records.jsonl could not
    /// be appended); null: dropped.
    std::vector<std::string>* harness_errors = nullptr;
    /// The host's load, sampled while cases run; null: cases carry no load figures.
    LoadWatch* load = nullptr;
    /// The kernel's OOM kills, a second witness when the engine loses its "oom" event; null: the
    /// engine's word only.
    KernelLog* kernel_log = nullptr;
};

/// Runs every item; returns the records in plan order (items not reached when cancelled are absent).
std::vector<Record> run_plan(const std::vector<PlanItem>& items, const RunConfig&, RunContext&);

/// Removes every container of this run (used on interrupt and at the end, as a guard).
std::vector<std::string> remove_run_containers(DockerEngine&, const std::string& run_id);

}  // namespace sh
