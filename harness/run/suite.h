#pragma once
/// One suite execution, end to end: catalogue → plan → run → records, with the engine checked,
/// orphans of earlier runs removed first, and every container of this run removed at the end.
/// Shared by `run`, `review` and `ablate`.

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "util/error.h"

#include "core/capacity_model.h"
#include "core/engine_parse.h"
#include "core/profile.h"
#include "core/record.h"
#include "core/schedule.h"
#include "run/run_setup.h"

namespace sh {

class Progress;
class World;

/// One run of a RunSetup: how, how often, which shard, where its records go.
struct SuiteRequest {
    RunSetup setup;
    int jobs = 1;                        ///< cores' worth of cases at once (core/schedule.h)
    CostHistory cost_history;            ///< an earlier run's records: what each case cost then
    int repeat = 1;
    std::string shard;                   ///< "K/N" or empty
    /// Each case's own `timeout` header wins over SANDBOX_TIMEOUT; false keeps the profile's
    /// value (for a sweep of the timeout itself).
    bool case_timeouts = true;
    /// Only probes with a `self-test`, run as their own positive control (PlanOptions::self_test).
    bool self_test = false;
    std::filesystem::path out_dir;       ///< records.jsonl goes here
    std::string command_line;
    /// Runnable tasks per CPU from which the host counts as overloaded (core/host_pressure.h).
    double overloaded_at = 2.0;
};

struct SuiteResult {
    RunMeta meta;
    std::vector<Record> records;
    RunCost cost;  ///< also meta.run_cost
    /// What failed after the cases were judged (the final cleanup when the engine is away): the
    /// reports are still written, and the command exits 2.
    std::vector<std::string> harness_errors;
};

/// The checkout's git commit, read from .git (HEAD, a loose ref or packed-refs) without running
/// git; "" when there is none (a tarball, a CI cache, a worktree's .git file).
std::string source_commit(const std::filesystem::path& root);

/// The host part of a report's meta: hostname, kernel, cores, the engine's versions, the 1-minute
/// load at the start, and the start time unless already set.
void describe_host(RunMeta&, const EngineVersion&, World&);

/// Throws (Error and its kinds: DockerError, CatalogueError, ProfileError) on harness errors
/// before any case runs; once cases run, failures become records. Every outside effect goes
/// through `world` (io/world.h).
SuiteResult execute_suite(const SuiteRequest&, const std::atomic<bool>& cancel, Progress&, World&);
/// The same on this host (real_world()).
SuiteResult execute_suite(const SuiteRequest&, const std::atomic<bool>& cancel, Progress&);


}  // namespace sh
