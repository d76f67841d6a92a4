#include "core/stats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include <fmt/core.h>

namespace sh {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void require_no_nan(const std::vector<double>& v, const char* what) {
    for (double x : v)
        if (std::isnan(x)) throw std::invalid_argument(fmt::format("{}: a sample is NaN", what));
}

/// Survival function of the standard normal distribution.
double normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

/// Average ranks (1-based) of `pooled`, and sum(t^3 - t) over groups of t tied values.
std::vector<double> average_ranks(const std::vector<double>& pooled, double& tie_term) {
    const std::size_t n = pooled.size();
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return pooled[a] < pooled[b]; });
    std::vector<double> ranks(n);
    tie_term = 0;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && pooled[idx[j + 1]] == pooled[idx[i]]) ++j;
        const double t = static_cast<double>(j - i + 1);
        const double rank = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2;
        for (std::size_t k = i; k <= j; ++k) ranks[idx[k]] = rank;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    return ranks;
}

/// Number of arrangements giving each U = 0..m*n, as the coefficients of the Gaussian binomial
/// [m+n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). Every coefficient stays an exact
/// integer: the largest total for m = n = 20 is C(40, 20) ~ 1.4e11.
std::vector<std::int64_t> u_counts(std::size_t m, std::size_t n) {
    std::vector<std::int64_t> c(m * n + 1, 0);
    c[0] = 1;
    for (std::size_t i = 1; i <= m; ++i) {
        const std::size_t up = n + i;  // multiply by (1 - q^up), highest degree first
        for (std::size_t k = c.size(); k-- > up;) c[k] -= c[k - up];
        for (std::size_t k = i; k < c.size(); ++k) c[k] += c[k - i];  // divide by (1 - q^i)
    }
    return c;
}

}  // namespace

double percentile(const std::vector<double>& sorted, double q) {
    if (!(q >= 0 && q <= 100)) throw std::invalid_argument(fmt::format("percentile: q = {} is outside [0, 100]", q));
    if (!std::is_sorted(sorted.begin(), sorted.end()))
        throw std::invalid_argument("percentile: the values are not sorted ascending");
    if (sorted.empty()) return kNaN;
    const double h = static_cast<double>(sorted.size() - 1) * q / 100.0;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    if (lo + 1 >= sorted.size()) return sorted.back();
    const double frac = h - static_cast<double>(lo);
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return percentile(values, 50);
}

Summary summarize(std::vector<double> samples) {
    require_no_nan(samples, "summarize");
    Summary s;
    s.n = samples.size();
    if (samples.empty()) {
        s.min = s.p50 = s.p95 = s.p99 = s.max = s.mean = s.stddev = s.mad = kNaN;
        return s;
    }
    std::sort(samples.begin(), samples.end());
    s.min = samples.front();
    s.max = samples.back();
    s.p50 = percentile(samples, 50);
    s.p95 = percentile(samples, 95);
    s.p99 = percentile(samples, 99);
    const double n = static_cast<double>(samples.size());
    s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / n;
    double ss = 0;
    for (double x : samples) ss += (x - s.mean) * (x - s.mean);
    s.stddev = samples.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
    std::vector<double> dev;
    dev.reserve(samples.size());
    for (double x : samples) dev.push_back(std::fabs(x - s.p50));
    s.mad = median(std::move(dev));
    return s;
}

double mann_whitney_exact_sf(double u, std::size_t m, std::size_t n) {
    if (m == 0 || n == 0 || m > kExactMaxN || n > kExactMaxN)
        throw std::invalid_argument(fmt::format("mann_whitney_exact_sf: sizes {}x{} outside 1..{}", m, n, kExactMaxN));
    const auto counts = u_counts(m, n);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    const double first = std::ceil(u);
    if (first <= 0) return 1.0;
    double tail = 0;
    for (auto k = static_cast<std::size_t>(first); k < counts.size(); ++k) tail += static_cast<double>(counts[k]);
    return tail / total;
}

MannWhitney mann_whitney(const std::vector<double>& old_samples, const std::vector<double>& new_samples) {
    if (old_samples.empty() || new_samples.empty())
        throw std::invalid_argument(fmt::format("mann_whitney: a sample is empty (old {}, new {})",
                                                old_samples.size(), new_samples.size()));
    require_no_nan(old_samples, "mann_whitney (old)");
    require_no_nan(new_samples, "mann_whitney (new)");

    // Pool new first so that its ranks are the first n_new entries.
    std::vector<double> pooled(new_samples);
    pooled.insert(pooled.end(), old_samples.begin(), old_samples.end());
    double tie_term = 0;
    const auto ranks = average_ranks(pooled, tie_term);
    const double n_new = static_cast<double>(new_samples.size());
    const double n_old = static_cast<double>(old_samples.size());
    const double r_new = std::accumulate(ranks.begin(), ranks.begin() + static_cast<std::ptrdiff_t>(new_samples.size()), 0.0);

    MannWhitney t;
    t.u = r_new - n_new * (n_new + 1) / 2;
    const double u_old = n_new * n_old - t.u;
    t.effect_size = t.u / (n_new * n_old);

    const double mu = n_new * n_old / 2;
    const double n = n_new + n_old;
    const double sigma = std::sqrt(n_new * n_old / 12 * ((n + 1) - tie_term / (n * (n - 1))));
    if (!(sigma > 0)) {  // every pooled value equal
        t.z = 0;
        t.p_two_sided = t.p_greater = t.p_less = 1;
        return t;
    }
    const double d = t.u - mu;
    t.z = (std::fabs(d) <= 0.5 ? 0.0 : d - std::copysign(0.5, d)) / sigma;

    const bool ties = tie_term > 0;
    if (!ties && new_samples.size() <= kExactMaxN && old_samples.size() <= kExactMaxN) {
        t.exact = true;
        t.p_greater = mann_whitney_exact_sf(t.u, new_samples.size(), old_samples.size());
        t.p_less = mann_whitney_exact_sf(u_old, new_samples.size(), old_samples.size());
        t.p_two_sided = 2 * mann_whitney_exact_sf(std::max(t.u, u_old), new_samples.size(), old_samples.size());
    } else {
        t.p_greater = normal_sf((t.u - mu - 0.5) / sigma);
        t.p_less = normal_sf((u_old - mu - 0.5) / sigma);
        t.p_two_sided = 2 * normal_sf((std::max(t.u, u_old) - mu - 0.5) / sigma);
    }
    t.p_greater = std::clamp(t.p_greater, 0.0, 1.0);
    t.p_less = std::clamp(t.p_less, 0.0, 1.0);
    t.p_two_sided = std::clamp(t.p_two_sided, 0.0, 1.0);
    return t;
}

nlohmann::json json_number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

double number_from_json(const nlohmann::json& j) { return j.is_null() ? kNaN : j.get<double>(); }

void to_json(nlohmann::json& j, const Summary& s) {
    j = {{"n", s.n},
         {"min", json_number(s.min)},
         {"p50", json_number(s.p50)},
         {"p95", json_number(s.p95)},
         {"p99", json_number(s.p99)},
         {"max", json_number(s.max)},
         {"mean", json_number(s.mean)},
         {"stddev", json_number(s.stddev)},
         {"mad", json_number(s.mad)}};
}

void from_json(const nlohmann::json& j, Summary& s) {
    s.n = j.at("n").get<std::size_t>();
    s.min = number_from_json(j.at("min"));
    s.p50 = number_from_json(j.at("p50"));
    s.p95 = number_from_json(j.at("p95"));
    s.p99 = number_from_json(j.at("p99"));
    s.max = number_from_json(j.at("max"));
    s.mean = number_from_json(j.at("mean"));
    s.stddev = number_from_json(j.at("stddev"));
    s.mad = number_from_json(j.at("mad"));
}

void to_json(nlohmann::json& j, const MannWhitney& t) {
    j = {{"u", t.u},
         {"z", json_number(t.z)},
         {"p_two_sided", json_number(t.p_two_sided)},
         {"p_greater", json_number(t.p_greater)},
         {"p_less", json_number(t.p_less)},
         {"effect_size", json_number(t.effect_size)},
         {"exact", t.exact}};
}

void from_json(const nlohmann::json& j, MannWhitney& t) {
    t.u = j.at("u").get<double>();
    t.z = number_from_json(j.at("z"));
    t.p_two_sided = number_from_json(j.at("p_two_sided"));
    t.p_greater = number_from_json(j.at("p_greater"));
    t.p_less = number_from_json(j.at("p_less"));
    t.effect_size = number_from_json(j.at("effect_size"));
    t.exact = j.value("exact", false);
}

}  // namespace sh
