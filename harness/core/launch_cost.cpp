#include "core/launch_cost.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/stats.h"

namespace sh {

PerLaunch engine_cpu_per_launch(double engine_cpu_s, std::size_t own_starts, std::size_t engine_starts) {
    if (engine_starts == 0)
        return {std::nullopt, "not measurable: the engine reported no container start during the batch"};
    if (!std::isfinite(engine_cpu_s) || engine_cpu_s < 0)
        return {std::nullopt,
                fmt::format("not measurable: the engine stack's CPU went down by {:.2f} s over the batch (a "
                            "process's CPU left the sampled set)",
                            -engine_cpu_s)};
    PerLaunch out{engine_cpu_s / static_cast<double>(engine_starts), ""};
    if (engine_starts > own_starts)
        out.note = fmt::format("{} of the {} container starts during the batch were other runs' on the same engine: "
                               "the stack's CPU is spread over all of them",
                               engine_starts - own_starts, engine_starts);
    return out;
}

PairedDifference paired_difference(const std::vector<double>& a, const std::vector<double>& b, double confidence) {
    if (a.size() != b.size())
        throw std::invalid_argument(fmt::format("paired_difference: {} samples against {}", a.size(), b.size()));
    if (!(confidence > 0 && confidence < 1))
        throw std::invalid_argument(fmt::format("paired_difference: confidence {} outside (0, 1)", confidence));
    std::vector<double> d;
    for (std::size_t i = 0; i < a.size(); ++i) d.push_back(a[i] - b[i]);
    std::sort(d.begin(), d.end());
    PairedDifference out;
    out.n = d.size();
    out.median = median(d);
    // The interval [d(k), d(n-k+1)] (1-based) covers the median with probability
    // 1 - 2 P(Binomial(n, 1/2) < k): the largest k that keeps that at least `confidence`.
    const std::size_t n = d.size();
    const double tail = (1 - confidence) / 2;
    double below = 0;  // P(X < k) for the k being tried
    double term = std::pow(0.5, static_cast<double>(n));  // P(X = 0)
    std::size_t k = 0;
    for (std::size_t j = 0; j < n / 2; ++j) {
        below += term;  // now P(X < j + 1) = P(X <= j)
        if (below > tail) break;
        k = j + 1;
        term = term * static_cast<double>(n - j) / static_cast<double>(j + 1);
    }
    if (k >= 1) {
        out.low = d[k - 1];
        out.high = d[n - k];
    }
    return out;
}

}  // namespace sh
