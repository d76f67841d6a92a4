#pragma once
/// The same suite under two OCI runtimes (the profiles' SANDBOX_RUNTIME, e.g. runc and runsc),
/// side by side: each case's verdicts under each runtime, the Known Weaknesses (sandbox/README.md)
/// that one runtime closes and the other leaves open, and what a launch costs under each.
/// Pure: no I/O. `review` builds it when its two profiles name different runtimes and stores it in
/// report.json as meta.extra.runtime_comparison (reports/SCHEMA.md); reports/runtime_render.h
/// draws it.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/run_report.h"
#include "core/stats.h"

namespace sh {

/// The key of the section in meta.extra.
inline constexpr const char* kRuntimeComparisonKey = "runtime_comparison";

/// The runtime a run used: its effective profile's SANDBOX_RUNTIME; empty when the profile has
/// none (a report from before the variable, when the engine's default runtime decided).
std::string runtime_of(const RunMeta&);

/// One run: which runtime, and what its launches cost.
struct RuntimeSide {
    std::string label;         ///< "current" / "proposed"
    std::string runtime;       ///< runtime_of(meta)
    std::string run_id;
    std::string profile_path;
    VerdictCounts verdicts;    ///< every record's verdict (zeros left out)
    /// Startup latency: launcher spawn → the container's "start" event (launch.start_unix_s →
    /// observation.t_start), over the records whose container started. It holds the launcher's
    /// own work, create and the runtime's start, and none of the script's run time.
    Summary startup_ms;
    std::size_t launches = 0;  ///< run_efficiency.launches: containers created
    /// run_efficiency: engine-stack CPU (and whole-host busy CPU) over the run ÷ launches; nullopt
    /// when the run has no such figure.
    std::optional<double> engine_cpu_s_per_launch, host_cpu_s_per_launch;
    double wall_s = 0;         ///< the suite's wall time
};

/// Whether the probes citing one Known Weakness show it under one runtime.
enum class WeaknessState {
    Open,        ///< some probe citing it escaped (accepted-risk or escaped) there
    Closed,      ///< every probe citing it ran there and was contained
    NotShown,    ///< otherwise: stopped by the AST check before the runtime was reached, error, skipped
};
const char* to_string(WeaknessState);

/// One case (case_id + image) under both runtimes; index 0 is the current run, 1 the proposed.
struct CaseUnderRuntimes {
    std::string case_id, image, family;
    CaseKind kind = CaseKind::Probe;
    std::optional<int> weakness;          ///< the header's accepted-risk
    std::array<VerdictSet, 2> verdicts;   ///< empty when the case is missing from that run
    /// Every record of the case was rejected by the AST check: the runtime never saw the script.
    std::array<bool, 2> ast_only{false, false};
    std::array<std::string, 2> evidence;  ///< the first evidence line of the worst record (raw)
    bool changed() const { return verdicts[0] != verdicts[1]; }
};

struct WeaknessUnderRuntimes {
    int number = 0;
    std::vector<std::string> probes;  ///< the case ids citing it, sorted
    std::array<WeaknessState, 2> state{WeaknessState::NotShown, WeaknessState::NotShown};
};

struct RuntimeComparison {
    std::array<RuntimeSide, 2> sides;
    std::vector<CaseUnderRuntimes> cases;  ///< changed first, then probes before workloads, by id
    std::vector<WeaknessUnderRuntimes> weaknesses;  ///< by number
    std::size_t ast_only_both = 0;  ///< probes the AST check stopped under both: the runtimes were not compared on them
};

/// Two runs of one suite. `labels` name them ("current", "proposed").
RuntimeComparison compare_runtimes(const RunReport& current, const RunReport& proposed,
                                   const std::array<std::string, 2>& labels = {"current", "proposed"});

/// The weaknesses side `i` closes and the other leaves open (Closed under i, Open under 1 - i).
std::vector<int> closed_by(const RuntimeComparison&, std::size_t i);
std::size_t changed_cases(const RuntimeComparison&);

/// One line: "runc → runsc: 3 of 120 cases differ; runsc closes Known Weakness 1; startup p50
/// 410 → 820 ms; engine CPU 0.31 → 0.52 s per launch".
std::string runtime_headline(const RuntimeComparison&);

/// The meta of a report that stands for both runs: the proposed run's host, engine and images,
/// both runs' ids, the time from the first's start to the second's end, and no profile (the
/// comparison's sides name both).
RunMeta combined_meta(const RunMeta& current, const RunMeta& proposed, const std::string& command_line);

/// meta.extra.runtime_comparison, and back (throws nlohmann::json exceptions on a wrong shape).
nlohmann::json to_json(const RuntimeComparison&);
RuntimeComparison runtime_comparison_from_json(const nlohmann::json&);

}  // namespace sh
