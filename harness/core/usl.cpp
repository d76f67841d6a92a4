#include "core/usl.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace sh {

double UslFit::throughput(double n) const {
    return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

namespace {

/// σ and κ for a given λ: least squares of λN/X − 1 = σ(N−1) + κN(N−1), each kept >= 0 (one
/// clamped to 0 means the other is refitted alone).
std::pair<double, double> contention_for(double lambda, const std::vector<LoadLevel>& levels) {
    double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
    for (const auto& l : levels) {
        const double n = l.concurrency, y = lambda * n / l.throughput - 1, u = n - 1, v = n * (n - 1);
        a11 += u * u, a12 += u * v, a22 += v * v, b1 += u * y, b2 += v * y;
    }
    const double det = a11 * a22 - a12 * a12;
    double sigma = 0, kappa = 0;
    if (std::abs(det) > 1e-12) {
        sigma = (b1 * a22 - b2 * a12) / det;
        kappa = (a11 * b2 - a12 * b1) / det;
    }
    if (sigma < 0 || kappa < 0 || std::abs(det) <= 1e-12) {
        const double s_alone = a11 > 0 ? std::max(0.0, b1 / a11) : 0, k_alone = a22 > 0 ? std::max(0.0, b2 / a22) : 0;
        const auto sse = [&](double s, double k) {
            double e = 0;
            for (const auto& l : levels) {
                const double n = l.concurrency, r = lambda * n / l.throughput - 1 - s * (n - 1) - k * n * (n - 1);
                e += r * r;
            }
            return e;
        };
        if (sse(s_alone, 0) <= sse(0, k_alone)) sigma = s_alone, kappa = 0;
        else sigma = 0, kappa = k_alone;
    }
    return {sigma, kappa};
}

double squared_error(const UslFit& f, const std::vector<LoadLevel>& levels) {
    double e = 0;
    for (const auto& l : levels) {
        const double r = (f.throughput(l.concurrency) - l.throughput) / l.throughput;
        e += r * r;
    }
    return e;
}

UslFit with_lambda(double lambda, const std::vector<LoadLevel>& levels) {
    UslFit f;
    f.lambda = lambda;
    std::tie(f.sigma, f.kappa) = contention_for(lambda, levels);
    return f;
}

}  // namespace

UslFit fit_usl(const std::vector<LoadLevel>& levels) {
    std::set<int> distinct;
    for (const auto& l : levels) {
        if (!(l.throughput > 0) || l.concurrency < 1)
            throw std::invalid_argument(fmt::format("concurrency {}: no positive throughput to fit", l.concurrency));
        distinct.insert(l.concurrency);
    }
    if (distinct.size() < 3)
        throw std::invalid_argument(fmt::format("the scalability law needs at least 3 concurrency levels to fit, "
                                                "and the sweep has {}", distinct.size()));
    // λ by golden-section search on the relative squared error (σ and κ solved for each λ), between
    // a quarter and four times the best per-launch throughput measured.
    double best_per_launch = 0;
    for (const auto& l : levels) best_per_launch = std::max(best_per_launch, l.throughput / l.concurrency);
    double lo = best_per_launch / 4, hi = best_per_launch * 4;
    const double g = (std::sqrt(5.0) - 1) / 2;
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    double f1 = squared_error(with_lambda(x1, levels), levels), f2 = squared_error(with_lambda(x2, levels), levels);
    for (int i = 0; i < 200 && hi - lo > 1e-9 * best_per_launch; ++i) {
        if (f1 <= f2) {
            hi = x2, x2 = x1, f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = squared_error(with_lambda(x1, levels), levels);
        } else {
            lo = x1, x1 = x2, f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = squared_error(with_lambda(x2, levels), levels);
        }
    }
    UslFit fit = with_lambda((lo + hi) / 2, levels);
    fit.rms_error_pct = 100 * std::sqrt(squared_error(fit, levels) / static_cast<double>(levels.size()));
    double mean = 0;
    for (const auto& l : levels) mean += l.throughput / static_cast<double>(levels.size());
    double ss_tot = 0, ss_res = 0;
    for (const auto& l : levels) {
        ss_tot += (l.throughput - mean) * (l.throughput - mean);
        ss_res += std::pow(l.throughput - fit.throughput(l.concurrency), 2);
    }
    fit.r_squared = ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
    fit.fitted_levels.assign(distinct.begin(), distinct.end());
    if (fit.kappa > 0 && fit.sigma < 1) {
        fit.peak_concurrency = std::sqrt((1 - fit.sigma) / fit.kappa);
        fit.peak_throughput = fit.throughput(*fit.peak_concurrency);
    } else {
        fit.peak_throughput = fit.sigma > 0 ? fit.lambda / fit.sigma : fit.throughput(distinct.size() ? *distinct.rbegin() : 1);
    }
    return fit;
}

UslValidation validate_usl(std::vector<LoadLevel> levels, int hold_out) {
    std::sort(levels.begin(), levels.end(), [](const LoadLevel& a, const LoadLevel& b) { return a.concurrency < b.concurrency; });
    if (hold_out < 1 || levels.size() < static_cast<std::size_t>(hold_out) + 3)
        throw std::invalid_argument(fmt::format("holding {} levels out leaves {} to fit, and the law needs 3: measure "
                                                "more concurrency levels (e.g. --concurrency 1,2,3,4,6,8)",
                                                hold_out, levels.size() < static_cast<std::size_t>(hold_out) ? 0 : levels.size() - hold_out));
    const std::vector<LoadLevel> fitted(levels.begin(), levels.end() - hold_out);
    UslValidation v;
    v.fit = fit_usl(fitted);
    const LoadLevel& top = fitted.back();
    const double mean_ms = 1000 * top.concurrency / top.throughput;
    const double p95_ratio = mean_ms > 0 ? top.p95_ms / mean_ms : 1;
    for (auto it = levels.end() - hold_out; it != levels.end(); ++it) {
        HeldOutPoint p;
        p.concurrency = it->concurrency;
        p.measured_throughput = it->throughput;
        p.predicted_throughput = v.fit.throughput(it->concurrency);
        p.throughput_error_pct = 100 * (p.predicted_throughput - p.measured_throughput) / p.measured_throughput;
        p.measured_p95_ms = it->p95_ms;
        p.predicted_p95_ms = 1000 * v.fit.mean_latency_s(it->concurrency) * p95_ratio;
        p.p95_error_pct = it->p95_ms > 0 ? 100 * (p.predicted_p95_ms - p.measured_p95_ms) / p.measured_p95_ms : 0;
        v.max_throughput_error_pct = std::max(v.max_throughput_error_pct, std::abs(p.throughput_error_pct));
        v.held_out.push_back(p);
    }
    return v;
}

namespace {

double round_to(double x, double step) { return std::round(x / step) * step; }

}  // namespace

nlohmann::json usl_sections(const UslFit& f, const std::optional<UslValidation>& v, const std::vector<LoadLevel>& measured) {
    nlohmann::json out;
    out["capacity_usl"] = {
        {"title", "Universal Scalability Law fitted to the concurrency sweep"},
        {"note", "X(N) = λN / (1 + σ(N−1) + κN(N−1)), least squares on throughput over every measured level; "
                 "σ contention, κ coherency"},
        {"lambda_launches_per_s", round_to(f.lambda, 0.001)},
        {"sigma", round_to(f.sigma, 0.0001)},
        {"kappa", round_to(f.kappa, 0.00001)},
        {"fit_rms_error_pct", round_to(f.rms_error_pct, 0.1)},
        {"fit_r_squared", round_to(f.r_squared, 0.001)},
        {"peak_concurrency", f.peak_concurrency ? nlohmann::json(round_to(*f.peak_concurrency, 0.1)) : nlohmann::json("none (κ = 0)")},
        {"peak_launches_per_s", round_to(f.peak_throughput, 0.01)}};
    if (v) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& p : v->held_out)
            rows.push_back({p.concurrency, round_to(p.measured_throughput, 0.01), round_to(p.predicted_throughput, 0.01),
                            round_to(p.throughput_error_pct, 0.1), round_to(p.measured_p95_ms, 0.1),
                            round_to(p.predicted_p95_ms, 0.1), round_to(p.p95_error_pct, 0.1)});
        out["capacity_usl_held_out"] = {
            {"title", fmt::format("The law checked on levels it did not see (fitted on {})",
                                  fmt::join(v->fit.fitted_levels, ", "))},
            {"note", fmt::format("largest throughput error {:.1f}% (target ≤ 15%); p95 predicted as the model's mean "
                                 "latency × the p95 ÷ mean ratio at the highest fitted level",
                                 v->max_throughput_error_pct)},
            {"columns", {"concurrency", "measured launches/s", "predicted", "error %", "measured p95 ms", "predicted",
                         "error %"}},
            {"rows", rows}};
    }
    nlohmann::json points = nlohmann::json::array(), curve = nlohmann::json::array();
    int top = 1;
    for (const auto& l : measured) {
        points.push_back({l.concurrency, l.throughput});
        top = std::max(top, l.concurrency);
    }
    for (int i = 0; i <= 40; ++i) {
        const double n = 1 + (2.0 * top - 1) * i / 40;
        curve.push_back({round_to(n, 0.01), round_to(f.throughput(n), 0.001)});
    }
    nlohmann::json series = nlohmann::json::array(
        {{{"name", "fitted (every level)"}, {"points", curve}, {"line", true}}, {{"name", "measured"}, {"points", points}}});
    if (v) {
        nlohmann::json held = nlohmann::json::array(), part = nlohmann::json::array();
        for (const auto& p : v->held_out) held.push_back({p.concurrency, p.predicted_throughput});
        for (int i = 0; i <= 40; ++i) {
            const double n = 1 + (2.0 * top - 1) * i / 40;
            part.push_back({round_to(n, 0.01), round_to(v->fit.throughput(n), 0.001)});
        }
        series.push_back({{"name", "fitted without the held-out"}, {"points", part}, {"line", true}});
        series.push_back({{"name", "predicted at held-out levels"}, {"points", held}});
    }
    out["capacity_usl_curve"] = {{"title", "Throughput against concurrency: measured, fitted and held out"},
                                 {"x_label", "launches in flight"},
                                 {"y_label", "launches/s"},
                                 {"xy_series", series}};
    return out;
}

}  // namespace sh
