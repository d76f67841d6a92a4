#pragma once
/// The capacity model: a launch costs c CPU-seconds across the whole host (engine stack, runtime,
/// kernel, client), so k cores sustain at most k / c launches per second. The model is checked
/// against a measured concurrency sweep and projected onto a bigger host. Pure: no I/O.
///
/// What to feed it: c is best measured as the host's busy CPU-seconds over a batch of launches
/// divided by the number of launches (host_sampler.h: CpuSnapshot), since that counts every
/// process and kernel thread that a launch keeps busy; the engine-stack figure (EngineCpu) is the
/// part attributed to dockerd, containerd, shims and runc, and so is a lower bound.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/run_cost.h"
#include "core/stats.h"

namespace sh {

/// One step of a concurrency sweep: `concurrency` launches kept in flight.
struct ConcurrencyPoint {
    int concurrency = 1;
    double launches_per_s = 0;
    Summary latency_ms;
    std::vector<double> samples_ms;  ///< every successful launch's latency: sizing's service times
};

/// cores / cpu_s_per_launch. Throws std::invalid_argument unless both are > 0.
double predicted_launches_per_s(double cpu_s_per_launch, int cores);

/// The concurrency beyond which raising concurrency buys less than `min_gain` (10%) more
/// throughput while p95 latency grows: the first point a (sweep sorted by concurrency) whose
/// successor b has b.launches_per_s < a.launches_per_s * (1 + min_gain) and b.p95 > a.p95.
/// nullopt when the sweep never flattens (the knee lies beyond it) or has fewer than 2 points.
std::optional<int> find_knee(std::vector<ConcurrencyPoint> sweep, double min_gain = 0.10);

struct CapacityReport {
    double cpu_s_per_launch = 0;
    int cores = 0;
    double predicted_launches_per_s = 0;  ///< cores / cpu_s_per_launch
    std::vector<ConcurrencyPoint> sweep;  ///< sorted by concurrency
    std::optional<ConcurrencyPoint> peak; ///< the point of highest throughput (the first, if tied)
    double measured_over_predicted = 0;   ///< peak / predicted; NaN without a sweep
    std::optional<int> knee;              ///< find_knee(sweep)
    // Filled by project(); NaN (empty) until then:
    int target_cores = 0;                 ///< 0: not projected
    double projected_launches_per_s = 0;  ///< target_cores / cpu_s_per_launch
    double projected_at_measured_efficiency = 0;  ///< the above × measured_over_predicted (NaN without a sweep)
    /// Little's law on the target: projected launches/s × unloaded latency (p50 at the lowest
    /// concurrency of the sweep, in seconds) = launches in flight needed to saturate it.
    double saturation_concurrency = 0;
    std::string latency_caveat;
};

/// The model for this host checked against `sweep` (which may be empty: model only).
CapacityReport analyze_capacity(const std::vector<ConcurrencyPoint>& sweep, double cpu_s_per_launch, int cores);

/// `report` extended with a projection to `target_cores` (> 0) and what it cannot say about latency.
CapacityReport project(const CapacityReport& report, int target_cores);

/// A few plain-text lines a reader can apply by hand, e.g.
/// "launches/s ≈ cores ÷ CPU-s per launch = 2 ÷ 0.29 = 6.9; measured peak 6.5 at concurrency 4
/// (94% of model)", then the knee and, if projected, the projection and its latency caveat.
std::string explain(const CapacityReport&);

/// A sweep step from the latencies of its successful launches, over `elapsed_s` of wall time:
/// launches/s counts only those launches.
ConcurrencyPoint concurrency_point(int concurrency, const std::vector<double>& latencies_ms, double elapsed_s);

/// The `capacity_concurrency` section of report.json's meta.extra: one row per point
/// (concurrency, launches, launches/s, p50, p95, p99 ms), in sweep order, and every launch's
/// latency by level ("samples_ms": "concurrency N" → ms), which sizing reads back.
nlohmann::json concurrency_section(const std::vector<ConcurrencyPoint>&);
/// The `capacity_model` section: the model's figures as scalars (the peak as peak_concurrency and
/// peak_launches_per_s; without the sweep, which concurrency_section() shows) and explain() as its
/// note, so a report prints the explanation once and no nested object as raw JSON.
nlohmann::json capacity_model_section(const CapacityReport&);

/// How far a run was from CPU-bound: wall_s / (launches × cpu_s_per_launch / cores).
/// 1.0 means the run took as long as its launches' CPU alone requires on these cores; 2.0 means
/// twice that (idle cores, serial phases, workloads that sleep or time out). NaN when launches,
/// cpu_s_per_launch or cores is 0.
double efficiency_ratio(double wall_s, std::size_t launches, double cpu_s_per_launch, int cores);

/// The efficiency ratio as a product of two factors, each a different remedy:
/// ratio = idle_cores × outside_engine, where idle_cores = wall × cores ÷ host busy CPU (1 when no
/// core was ever idle: scheduling's part) and outside_engine = host busy CPU ÷ engine CPU (1 when
/// the engine was the only thing running: the rest is the CPU of the launchers, the kernel's
/// threads, the harness and other jobs). NaN factors when an input is 0.
struct EfficiencyFactors {
    double idle_cores = 0;
    double outside_engine = 0;
    double launchers_s = 0, kernel_threads_s = 0, harness_s = 0;  ///< harness_s includes the sampler
    double other_s = 0;  ///< host busy CPU less the engine and the above (other jobs, interrupts), ≥ 0
};
EfficiencyFactors efficiency_factors(const RunCost&);

/// The `run_efficiency` section of report.json's meta.extra: the figures above, CPU per launch,
/// harness and sampler CPU per case, and the efficiency ratio.
nlohmann::json run_efficiency_section(const RunCost&);
/// One line for the terminal: "efficiency: wall 95.0 s ÷ (172 launches × 0.41 CPU-s ÷ 2 cores) = 2.7;
/// harness CPU 0.9 ms per case".
std::string run_efficiency_line(const RunCost&);

void to_json(nlohmann::json&, const ConcurrencyPoint&);
void from_json(const nlohmann::json&, ConcurrencyPoint&);
void to_json(nlohmann::json&, const CapacityReport&);
void from_json(const nlohmann::json&, CapacityReport&);

}  // namespace sh
