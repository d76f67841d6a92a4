#pragma once
/// What a batch of launches cost, from figures measured around it, and when that cannot be told.
/// Pure: no I/O (run/bench.cpp measures). A figure that could not be measured is absent with the
/// reason, never a clamped or made-up number.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sh {

/// A per-launch figure, or why there is none; `note` also says what a present figure includes.
struct PerLaunch {
    std::optional<double> value;
    std::string note;
};

/// The engine stack's CPU over a batch ÷ the container starts the engine saw during it.
/// `engine_cpu_s` is the stack's CPU over the batch (EngineCpuWatch: it keeps the CPU of shims
/// that exited, and survives a restarted dockerd); `own_starts` the batch's own containers,
/// `engine_starts` every container start the engine reported in the window (its event stream).
/// On a shared engine the stack's CPU serves every container started then, so it is divided by
/// all of them, and the note says how many were someone else's. Not measurable: no start seen,
/// or a negative CPU delta (a counter went backwards, e.g. a process's CPU left the sampled set).
PerLaunch engine_cpu_per_launch(double engine_cpu_s, std::size_t own_starts, std::size_t engine_starts);

/// The difference a[i] − b[i] of paired samples (measured one after the other, so that drift
/// hits both alike): its median and a distribution-free confidence interval for that median
/// (order statistics of the differences, binomial with p = 1/2, coverage at least `confidence`).
struct PairedDifference {
    std::size_t n = 0;
    double median = 0;
    std::optional<double> low, high;  ///< absent when n is too small for that confidence (n < 6 at 95%)
    /// The interval lies wholly above or below 0: the sign of the difference is told apart from noise.
    bool resolved() const { return low && high && (*low > 0 || *high < 0); }
};
/// Throws std::invalid_argument when the sizes differ or `confidence` is outside (0, 1).
PairedDifference paired_difference(const std::vector<double>& a, const std::vector<double>& b,
                                   double confidence = 0.95);

}  // namespace sh
