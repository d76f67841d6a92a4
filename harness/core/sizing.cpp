#include "core/sizing.h"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "core/profile.h"

namespace sh {

namespace {

/// Erlang C: the probability that an arrival waits, with `c` servers and offered load `a` (< c).
double erlang_c(int c, double a) {
    double term = 1, sum = 1;  // a^k / k!, summed for k < c
    for (int k = 1; k < c; ++k) {
        term *= a / k;
        sum += term;
    }
    const double last = term * a / c * c / (c - a);  // a^c / c! · c / (c − a)
    return last / (sum + last);
}

struct Queue {
    double wait_probability = 0;
    double wait_rate = 0;  ///< 1/s: P(W > t) = wait_probability · exp(−wait_rate · t)
};

/// The mean launch time at this level, in seconds.
double mean_s(const ServiceLevel& level) {
    const auto& s = level.latency_ms;
    return std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size()) / 1000;
}

std::optional<Queue> queue_of(const ServiceLevel& level, double rate) {
    const auto& s = level.latency_ms;
    const double mean = mean_s(level);
    double var = 0;
    for (double x : s) var += std::pow(x / 1000 - mean, 2);
    var /= static_cast<double>(s.size());
    const double cv2 = mean > 0 ? var / (mean * mean) : 0;
    const int c = level.concurrency;
    const double a = rate * mean;
    if (!(mean > 0) || a >= c) return std::nullopt;
    Queue q;
    q.wait_probability = rate > 0 ? erlang_c(c, a) : 0;
    q.wait_rate = (c / mean - rate) * 2 / (1 + cv2);  // Allen–Cunneen: the mean wait × (1 + cv²) / 2
    return q;
}

}  // namespace

std::optional<double> response_quantile_ms(const ServiceLevel& level, double rate, double q) {
    if (level.latency_ms.empty()) return std::nullopt;
    const auto queue = queue_of(level, rate);
    if (!queue) return std::nullopt;
    const auto cdf = [&](double t_ms) {
        double p = 0;
        for (double s : level.latency_ms)
            if (s <= t_ms) p += 1 - queue->wait_probability * std::exp(-queue->wait_rate * (t_ms - s) / 1000);
        return p / static_cast<double>(level.latency_ms.size());
    };
    double lo = 0, hi = *std::max_element(level.latency_ms.begin(), level.latency_ms.end()) + 1;
    while (cdf(hi) < q) hi *= 2;
    for (int i = 0; i < 60; ++i) {
        const double mid = (lo + hi) / 2;
        (cdf(mid) < q ? lo : hi) = mid;
    }
    return hi;
}

SizingAnswer size_hosts(const std::vector<ServiceLevel>& levels, const SizingTarget& target, const HostLimits& limits) {
    if (!(target.rate_per_s > 0) || !(target.p95_ms > 0))
        throw std::invalid_argument("the target rate and p95 must both be positive");
    SizingAnswer best;
    best.assumptions = {
        "arrivals are Poisson (scripts come independently)",
        "each host keeps at most its concurrency of launches in flight and queues the rest (M/G/c)",
        "a launch takes what the sweep measured with that many in flight, also when fewer are busy (conservative)",
        "the wait is Erlang C's, scaled by (1 + cv²) / 2 for the measured spread of launch times (Allen–Cunneen)",
        "hosts are like the measured one (cores, engine, profile) and share nothing",
        "a host takes at most cores ÷ CPU-s per launch scripts/s, whatever the queue allows (its CPU)"};
    const double cpu_cap = limits.cpu_s_per_launch > 0 && limits.cores > 0 ? limits.cores / limits.cpu_s_per_launch
                                                                            : INFINITY;
    double min_alone = INFINITY;
    for (const auto& level : levels) {
        if (level.latency_ms.empty()) continue;
        const double alone = *response_quantile_ms(level, 0, 0.95);
        min_alone = std::min(min_alone, alone);
        if (alone > target.p95_ms) continue;
        // The most one host takes at this concurrency within the target: p95 grows with the rate.
        double lo = 0, hi = level.concurrency / mean_s(level);  // the rate at which every slot is always busy
        for (int i = 0; i < 60; ++i) {
            const double mid = (lo + hi) / 2;
            const auto p95 = response_quantile_ms(level, mid, 0.95);
            (p95 && *p95 <= target.p95_ms ? lo : hi) = mid;
        }
        lo = std::min(lo, cpu_cap);
        if (!(lo > 0)) continue;
        const int hosts = static_cast<int>(std::ceil(target.rate_per_s / lo - 1e-9));
        const double rate = target.rate_per_s / hosts;
        const double p95 = response_quantile_ms(level, rate, 0.95).value_or(INFINITY);
        if (best.possible && (hosts > best.hosts || (hosts == best.hosts && p95 >= best.p95_ms))) continue;
        best.possible = true;
        best.hosts = hosts;
        best.concurrency = level.concurrency;
        best.rate_per_host = rate;
        best.max_rate_per_host = lo;
        best.p95_ms = p95;
        best.p50_ms = response_quantile_ms(level, rate, 0.5).value_or(INFINITY);
        const auto queue = queue_of(level, rate);
        best.wait_probability = queue ? queue->wait_probability : 1;
    }
    if (!best.possible) {
        best.why_not = std::isfinite(min_alone)
                           ? fmt::format("a p95 of {:.0f} ms is below what a launch takes alone here ({:.0f} ms at the "
                                         "best measured concurrency), on any number of hosts",
                                         target.p95_ms, min_alone)
                           : "no concurrency level with latency samples was measured";
        return best;
    }
    if (limits.cpu_s_per_launch > 0 && limits.cores > 0)
        best.resources.emplace_back("engine CPU", best.rate_per_host * limits.cpu_s_per_launch / limits.cores);
    if (limits.memory_bytes && limits.memory_per_sandbox && *limits.memory_bytes > 0)
        best.resources.emplace_back("memory", best.concurrency * *limits.memory_per_sandbox / *limits.memory_bytes);
    if (limits.pid_max && limits.pids_per_sandbox && *limits.pid_max > 0)
        best.resources.emplace_back("pids", best.concurrency * *limits.pids_per_sandbox / *limits.pid_max);
    if (!best.resources.empty())
        best.first_to_run_out = std::max_element(best.resources.begin(), best.resources.end(), [](const auto& a, const auto& b) {
                                    return a.second < b.second;
                                })->first;
    return best;
}

std::string sizing_sentence(const SizingAnswer& a, const SizingTarget& t) {
    if (!a.possible)
        return fmt::format("cannot serve {:g} scripts/s with p95 ≤ {:g} ms: {}", t.rate_per_s, t.p95_ms, a.why_not);
    std::string s = fmt::format("{} host{} like this one serve{} {:g} scripts/s with p95 ≤ {:g} ms: concurrency {} per "
                                "host, {:.2f} scripts/s each, expected p50 {:.0f} ms and p95 {:.0f} ms",
                                a.hosts, a.hosts == 1 ? "" : "s", a.hosts == 1 ? "s" : "", t.rate_per_s, t.p95_ms,
                                a.concurrency, a.rate_per_host, a.p50_ms, a.p95_ms);
    if (!a.first_to_run_out.empty()) {
        const auto it = std::find_if(a.resources.begin(), a.resources.end(),
                                     [&](const auto& r) { return r.first == a.first_to_run_out; });
        s += fmt::format("; {} runs out first ({:.0f}% used)", a.first_to_run_out, 100 * it->second);
    }
    return s;
}

nlohmann::json sizing_section(const SizingAnswer& a, const SizingTarget& t) {
    nlohmann::json j = {{"title", "Sizing: hosts for the target rate and p95"},
                        {"note", sizing_sentence(a, t)},
                        {"target_rate_per_s", t.rate_per_s},
                        {"target_p95_ms", t.p95_ms},
                        {"possible", a.possible}};
    if (a.possible) {
        j["hosts"] = a.hosts;
        j["concurrency_per_host"] = a.concurrency;
        j["rate_per_host"] = std::round(a.rate_per_host * 1000) / 1000;
        j["max_rate_per_host"] = std::round(a.max_rate_per_host * 1000) / 1000;
        j["expected_p50_ms"] = std::round(a.p50_ms * 10) / 10;
        j["expected_p95_ms"] = std::round(a.p95_ms * 10) / 10;
        j["wait_probability"] = std::round(a.wait_probability * 1000) / 1000;
        nlohmann::json used = nlohmann::json::object();
        for (const auto& [name, fraction] : a.resources) used[name] = std::round(fraction * 1000) / 1000;
        j["resources_used"] = used;
        if (!a.first_to_run_out.empty()) j["first_to_run_out"] = a.first_to_run_out;
    }
    j["assumptions"] = nlohmann::json::array();
    for (const auto& x : a.assumptions) j["assumptions"].push_back({{"assumption", x}});
    return j;
}

std::vector<ServiceLevel> service_levels(const nlohmann::json& extra) {
    const auto sec = extra.find("capacity_concurrency");
    if (sec == extra.end() || !sec->is_object() || !sec->contains("samples_ms") || !(*sec)["samples_ms"].is_object())
        throw std::invalid_argument("not a capacity report with latency samples (meta.extra.capacity_concurrency."
                                    "samples_ms): run `sandbox-harness capacity` to make one");
    std::vector<ServiceLevel> out;
    for (const auto& [name, samples] : (*sec)["samples_ms"].items()) {
        int c = 0;
        if (std::sscanf(name.c_str(), "concurrency %d", &c) != 1 || c < 1 || !samples.is_array())
            throw std::invalid_argument("capacity_concurrency.samples_ms: \"" + name + "\" is no concurrency level");
        ServiceLevel l{c, {}};
        for (const auto& v : samples)
            if (v.is_number() && v.get<double>() > 0) l.latency_ms.push_back(v.get<double>());
        if (!l.latency_ms.empty()) out.push_back(std::move(l));
    }
    std::sort(out.begin(), out.end(), [](const ServiceLevel& a, const ServiceLevel& b) { return a.concurrency < b.concurrency; });
    if (out.empty()) throw std::invalid_argument("capacity_concurrency.samples_ms holds no latency sample");
    return out;
}

HostLimits host_limits(const nlohmann::json& extra, const std::map<std::string, std::string>& profile) {
    HostLimits h;
    const auto number = [&](const char* section, const char* key) -> std::optional<double> {
        const auto s = extra.find(section);
        if (s == extra.end() || !s->is_object() || !s->contains(key) || !(*s)[key].is_number()) return std::nullopt;
        return (*s)[key].get<double>();
    };
    h.cores = static_cast<int>(number("capacity_host", "cores").value_or(number("capacity_model", "cores").value_or(0)));
    h.cpu_s_per_launch = number("capacity_model", "cpu_s_per_launch").value_or(0);
    if (const auto kib = number("capacity_host", "mem_total_kib")) h.memory_bytes = *kib * 1024;
    h.pid_max = number("capacity_host", "pid_max");
    if (const auto m = profile.find("SANDBOX_MEMORY"); m != profile.end())
        if (const auto bytes = profile_size_bytes(m->second)) h.memory_per_sandbox = static_cast<double>(*bytes);
    if (const auto p = profile.find("SANDBOX_PIDS_LIMIT"); p != profile.end() && p->second != "none")
        try {
            h.pids_per_sandbox = std::stod(p->second);
        } catch (const std::exception&) {
        }
    return h;
}

}  // namespace sh
