#pragma once
/// Scheduling a run by expected cost. `--jobs N` is a budget of N cores, not of N cases: a case
/// takes the share of a core it is expected to keep busy, and a case that mostly waits (a timeout
/// probe asleep until its deadline, a script the AST check rejects, after which the harness only
/// waits for engine events that never come) takes none and runs beside the others, a few at a
/// time. Cases start longest first, so that a run does not end on one long case while the other
/// cores idle. Pure: no I/O, and the clock is passed in; the runner asks Admission which case may
/// start whenever a worker is free.
///
/// A timeout probe waits, but its deadline counts from its launcher's start: were it launched
/// beside many others, its container would start late and its script run too briefly to test
/// anything. So it launches on a core of its own, as it did with one case per job, and takes no
/// core once launched (kLaunchWallS later).
///
/// A probe's launch is most of its cost, and the engine's throughput stops growing at about two
/// launches in flight per core (DESIGN.md section 6: 7 launches/s at 0.3 CPU-s each on 2 cores),
/// so a probe takes half a core. A workload's wall time is a measurement (`run --baseline` tests
/// it for slowdowns, `capacity` sweeps its deadline), so workloads keep the conditions they always
/// had: a whole core each, at the end of the run, beside nothing but other workloads.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/plan.h"
#include "core/profile.h"
#include "core/record.h"

namespace sh {

/// What a case is expected to cost while it runs.
struct CaseCost {
    double wall_s = 0;   ///< from its start to its record
    double cores = 1;    ///< the share of the core budget it takes (0: none, e.g. a skipped case)
    /// It mostly waits: it runs beside the budget, among at most max_waiting(), and takes its
    /// `cores` only while it launches, for its first kLaunchWallS.
    bool waits = false;
    /// Its wall time is a figure of the report: it starts after every other case, once those
    /// have finished, and runs beside nothing but cases like it.
    bool measured = false;
    bool operator==(const CaseCost&) const = default;
};

/// What one earlier run of a case measured (CostHistory keeps the last one per case and image).
struct PastCase {
    double wall_s = 0;          ///< the launcher's wall time
    bool ast_rejected = false;  ///< the launcher exited 126 and no container was created
};

/// Earlier runs' records by case and image, e.g. last night's report.
class CostHistory {
public:
    CostHistory() = default;
    /// Skipped records and launchers that never started are left out: they measured nothing.
    explicit CostHistory(const std::vector<Record>&);
    const PastCase* find(const std::string& case_id, const std::string& image) const;
    bool empty() const { return cases_.empty(); }

private:
    std::map<std::string, PastCase> cases_;
};

/// The cost model:
/// - a skipped item costs nothing;
/// - a case the AST check rejected last time waits, and launches nothing (without history: a
///   probe whose `controls` name `ast`, while the profile's AST check is on);
/// - a probe with `expect: timeout` waits, until its timeout, and launches on a whole core;
/// - any other probe takes kProbeCores; a workload takes a whole core and is measured.
/// The wall time is the last run's, else a guess: the timeout for a case that waits for it,
/// kLaunchWallS for any other, more for a case whose header allows more than the default timeout.
CaseCost expected_cost(const PlanItem&, const CostHistory&, bool ast_check_on);
/// expected_cost() of each item, in plan order, with the AST check on unless the profile sets
/// SANDBOX_AST_CHECK=0.
std::vector<CaseCost> expected_costs(const std::vector<PlanItem>&, const CostHistory&, const Profile&);

inline constexpr double kLaunchWallS = 0.5;  ///< a guess at one launch, start to record
inline constexpr double kProbeCores = 0.5;   ///< a probe's share of a core: its launch
inline constexpr int kWaitingPerCore = 3;    ///< waiting cases in flight per core of the budget

/// Which case starts next, and whether it may start now.
/// Cases start in order of expected wall time, longest first (plan order among equals), measured
/// cases after all others. A case that waits starts when fewer than max_waiting() waiting cases
/// run; a case with a share when it fits beside the shares taken, or when none is; a measured case
/// only once every other case has finished. No case with a share overtakes one that the budget
/// holds back, so a case needing a whole core is not starved by lighter ones.
class Admission {
public:
    /// `jobs` >= 1 cores; `costs` by plan index; waiting cases run kWaitingPerCore per core.
    Admission(std::vector<CaseCost> costs, int jobs);

    /// Marks the next case that may start at `now_s` (seconds on any monotonic clock) as started
    /// and returns its plan index; nullopt when every case has started, or none may start until
    /// a running one finishes or a launch ends (kLaunchWallS after a waiting case started).
    std::optional<std::size_t> start_next(double now_s);
    /// The case `index` (returned by start_next()) has finished: its share is free again.
    void finish(std::size_t index);

    bool all_started() const { return started_ == costs_.size(); }
    /// The most cases that can ever run at once: the number of workers a runner needs.
    std::size_t max_in_flight() const;
    std::size_t max_waiting() const { return max_waiting_; }
    /// Plan indices in the order they are considered.
    const std::vector<std::size_t>& order() const { return order_; }

private:
    bool fits_budget(std::size_t index, double now_s) const;
    /// Shares taken at `now_s`: by the cases that compute, and by waiting cases still launching.
    double load(double now_s) const;

    std::vector<CaseCost> costs_;
    double budget_;
    std::size_t max_waiting_;
    std::vector<std::size_t> order_;
    std::vector<bool> started_flags_;
    std::size_t started_ = 0;
    double cores_running_ = 0;
    std::size_t computing_running_ = 0;  ///< cases with cores > 0 running
    std::size_t waiting_running_ = 0;
    std::size_t unmeasured_running_ = 0;
    std::size_t unmeasured_waiting_;  ///< not started yet
    std::map<std::size_t, double> launching_;  ///< waiting cases with a share: plan index → until
};

}  // namespace sh
