#pragma once
/// The Universal Scalability Law fitted to a concurrency sweep: X(N) = λN / (1 + σ(N−1) + κN(N−1)),
/// λ the throughput of one launch in flight, σ contention (the serial share), κ coherency (the
/// cost of every pair of launches in flight talking to each other). Fitted by least squares on
/// throughput, checked against levels the fit did not see. Pure: no I/O.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sh {

/// One measured level: launches kept in flight, launches/s, and latency percentiles (ms).
struct LoadLevel {
    int concurrency = 1;
    double throughput = 0;
    double p50_ms = 0;
    double p95_ms = 0;
};

struct UslFit {
    double lambda = 0;  ///< launches/s at concurrency 1 (the model's, not the measured)
    double sigma = 0;   ///< contention, >= 0
    double kappa = 0;   ///< coherency, >= 0
    double rms_error_pct = 0;  ///< root mean square of the relative throughput errors over the fitted levels
    double r_squared = 0;
    std::vector<int> fitted_levels;
    /// The concurrency of peak throughput, sqrt((1 − σ) / κ) (nullopt when κ = 0: no peak, the
    /// curve only flattens), and the throughput there.
    std::optional<double> peak_concurrency;
    double peak_throughput = 0;

    double throughput(double n) const;
    /// Mean latency (s) at concurrency n of a closed system with no think time: n / X(n).
    double mean_latency_s(double n) const { return n / throughput(n); }
};

/// Least squares over λ, σ, κ >= 0. Throws std::invalid_argument with fewer than 3 distinct
/// levels (three parameters), or a level without a positive throughput.
UslFit fit_usl(const std::vector<LoadLevel>&);

/// A level the fit did not see: the model's throughput and p95 there against the measured ones.
struct HeldOutPoint {
    int concurrency = 0;
    double measured_throughput = 0, predicted_throughput = 0, throughput_error_pct = 0;
    double measured_p95_ms = 0, predicted_p95_ms = 0, p95_error_pct = 0;
};

struct UslValidation {
    UslFit fit;                       ///< on the lower levels only
    std::vector<HeldOutPoint> held_out;  ///< the highest levels, predicted
    double max_throughput_error_pct = 0;  ///< |error|, the largest over the held-out levels
};

/// Fits on every level but the `hold_out` highest (at least 3 must remain) and predicts those:
/// throughput from the curve, p95 as the model's mean latency there times the p95 ÷ mean ratio
/// measured at the highest fitted level. Throws std::invalid_argument when too few levels remain.
UslValidation validate_usl(std::vector<LoadLevel> levels, int hold_out = 2);

/// meta.extra sections: "capacity_usl" (σ, κ, λ, peak, fit error), "capacity_usl_held_out" (a
/// table: level, measured and predicted throughput and p95, errors in percent) and
/// "capacity_usl_curve" (xy_series for the plot: the curve fitted on every level, the measured
/// points, the curve fitted without the held-out levels and its predictions there).
nlohmann::json usl_sections(const UslFit& all_levels, const std::optional<UslValidation>&,
                            const std::vector<LoadLevel>& measured);

}  // namespace sh
