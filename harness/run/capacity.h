#pragma once
/// `capacity`: throughput and latency against concurrency, which workloads still pass at which
/// value of each limit, and the capacity model (core/capacity_model.h) checked against the
/// measured curve. Each is a section of report.json's meta.extra.

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/capacity_model.h"
#include "core/sizing.h"
#include "core/run_report.h"
#include "run/suite.h"

namespace sh {

class BenchSession;
class DockerEngine;

/// What `capacity` measures, and how much.
struct CapacitySettings {
    /// The levels of the sweep: six, so that the scalability law is fitted on four and checked on
    /// the two highest.
    std::vector<int> concurrency = {1, 2, 3, 4, 6, 8};
    int launches = 40;        ///< per level (at least 4 per launch kept in flight)
    int target_cores = 16;    ///< the host the model is projected onto
    bool quick = false;       ///< a short limit sweep: two values of memory and pids
    bool limits = true;       ///< run the workloads at each limit's values
    std::filesystem::path out;  ///< the limit sweeps' runs go to out/limits/<limit>-<n>/
    /// With a target: the capacity_sizing section, from this sweep (core/sizing.h).
    std::optional<SizingTarget> target;
    std::string command_line;   ///< for the report's meta
};

/// Every figure of `capacity`: a report without records whose meta.extra holds
/// capacity_concurrency, capacity_model (when CPU per launch could be measured) and
/// capacity_limits (unless settings.limits is off). `base` gives the checkout, the profile and the
/// catalogue (whose wl.hello the sweep launches);
/// each limit value runs the workloads suite on both images with it. Stops between steps once
/// `cancel` is set. Progress goes to stderr, the model's explanation to stdout.
RunReport run_capacity(DockerEngine&, const RunSetup& base, const CapacitySettings&, const std::atomic<bool>& cancel);

/// `report` (a capacity report, measured now or read back) with its capacity_sizing section for
/// `target`. Throws std::invalid_argument for a report of another kind.
void add_sizing(RunReport& report, const SizingTarget& target);

/// `launches` launches of `hello`, `concurrency` of them in flight at a time.
ConcurrencyPoint measure_concurrency(BenchSession&, const std::filesystem::path& hello, int concurrency, int launches);

/// One limit and the overrides of each value it is swept over.
struct LimitSweep {
    std::string limit;  ///< "memory", "pids", "cpus", "tmpfs", "timeout"
    std::vector<std::map<std::string, std::string>> values;
};

/// The values each limit is swept over; the default profile's own value is among them.
std::vector<LimitSweep> limit_sweeps(bool quick);

/// "MEMORY=64m", "PIDS_LIMIT=8": the overrides without their SANDBOX_ prefix, leaving out
/// SANDBOX_MEMORY_SWAP (it follows SANDBOX_MEMORY).
std::string describe_overrides(const std::map<std::string, std::string>&);

/// One row of capacity_limits: [label, passed, of, p50 ms of the passing launches, failing cases
/// as "id[image]" joined by ", ", or "-"].
nlohmann::json limit_row(const std::string& label, const std::vector<Record>&);

}  // namespace sh
