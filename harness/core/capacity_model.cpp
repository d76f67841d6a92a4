#include "core/capacity_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/core.h>

namespace sh {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void sort_by_concurrency(std::vector<ConcurrencyPoint>& sweep) {
    std::stable_sort(sweep.begin(), sweep.end(),
                     [](const ConcurrencyPoint& a, const ConcurrencyPoint& b) { return a.concurrency < b.concurrency; });
}

std::optional<double> opt_number(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
    return j.at(key).get<double>();
}

}  // namespace

double predicted_launches_per_s(double cpu_s_per_launch, int cores) {
    if (!(cpu_s_per_launch > 0) || cores <= 0)
        throw std::invalid_argument(fmt::format(
            "capacity model: CPU-s per launch ({}) and cores ({}) must both be > 0", cpu_s_per_launch, cores));
    return cores / cpu_s_per_launch;
}

std::optional<int> find_knee(std::vector<ConcurrencyPoint> sweep, double min_gain) {
    sort_by_concurrency(sweep);
    for (std::size_t i = 0; i + 1 < sweep.size(); ++i) {
        const auto& a = sweep[i];
        const auto& b = sweep[i + 1];
        if (b.launches_per_s < a.launches_per_s * (1 + min_gain) && b.latency_ms.p95 > a.latency_ms.p95)
            return a.concurrency;
    }
    return std::nullopt;
}

CapacityReport analyze_capacity(const std::vector<ConcurrencyPoint>& sweep, double cpu_s_per_launch, int cores) {
    CapacityReport r;
    r.cpu_s_per_launch = cpu_s_per_launch;
    r.cores = cores;
    r.predicted_launches_per_s = predicted_launches_per_s(cpu_s_per_launch, cores);
    r.sweep = sweep;
    sort_by_concurrency(r.sweep);
    r.measured_over_predicted = kNaN;
    for (const auto& p : r.sweep)
        if (!r.peak || p.launches_per_s > r.peak->launches_per_s) r.peak = p;
    if (r.peak) r.measured_over_predicted = r.peak->launches_per_s / r.predicted_launches_per_s;
    r.knee = find_knee(r.sweep);
    r.projected_launches_per_s = r.projected_at_measured_efficiency = r.saturation_concurrency = kNaN;
    return r;
}

CapacityReport project(const CapacityReport& report, int target_cores) {
    CapacityReport r = report;
    r.target_cores = target_cores;
    r.projected_launches_per_s = predicted_launches_per_s(r.cpu_s_per_launch, target_cores);
    r.projected_at_measured_efficiency = r.projected_launches_per_s * r.measured_over_predicted;  // NaN without a sweep
    const std::string confirm =
        "dockerd and containerd serialise parts of each launch, so confirm with a sweep on the target host.";
    if (r.sweep.empty()) {
        r.saturation_concurrency = kNaN;
        r.latency_caveat = "The model predicts throughput, not latency, and no sweep was measured to check it; " + confirm;
        return r;
    }
    const ConcurrencyPoint& first = r.sweep.front();
    const ConcurrencyPoint& last = r.sweep.back();
    const double unloaded_s = first.latency_ms.p50 / 1000;
    r.saturation_concurrency = r.projected_launches_per_s * unloaded_s;
    std::string c = fmt::format(
        "The model predicts throughput, not latency: more cores do not make one launch faster "
        "(p50 {:.0f} ms at concurrency {}).",
        first.latency_ms.p50, first.concurrency);
    if (r.knee) {
        const auto at_knee = std::find_if(r.sweep.begin(), r.sweep.end(),
                                          [&](const ConcurrencyPoint& p) { return p.concurrency == *r.knee; });
        c += fmt::format(" Past the knee, extra concurrency only queues (p95 {:.0f} ms at {} → {:.0f} ms at {}).",
                         at_knee->latency_ms.p95, at_knee->concurrency, last.latency_ms.p95, last.concurrency);
    }
    c += fmt::format(
        " By Little's law {} cores saturate near concurrency {:.1f} × {:.3f} s ≈ {:.0f}, if the engine scales "
        "with cores; ",
        target_cores, r.projected_launches_per_s, unloaded_s, r.saturation_concurrency);
    r.latency_caveat = c + confirm;
    return r;
}

std::string explain(const CapacityReport& r) {
    std::string out = fmt::format("launches/s ≈ cores ÷ CPU-s per launch = {} ÷ {:.2f} = {:.1f}", r.cores,
                                  r.cpu_s_per_launch, r.predicted_launches_per_s);
    if (r.peak)
        out += fmt::format("; measured peak {:.1f} at concurrency {} ({:.0f}% of model)", r.peak->launches_per_s,
                           r.peak->concurrency, r.measured_over_predicted * 100);
    else
        out += " (not checked: no concurrency sweep)";
    out += "\n";
    if (!r.sweep.empty()) {
        if (r.knee)
            out += fmt::format("knee: concurrency {} (beyond it throughput grows < 10% while p95 latency grows)\n",
                               *r.knee);
        else
            out += fmt::format("knee: none within the sweep (concurrency {}–{})\n", r.sweep.front().concurrency,
                               r.sweep.back().concurrency);
    }
    if (r.target_cores > 0) {
        out += fmt::format("on {} cores: ≈ {} ÷ {:.2f} = {:.1f} launches/s by the model", r.target_cores,
                           r.target_cores, r.cpu_s_per_launch, r.projected_launches_per_s);
        if (std::isfinite(r.projected_at_measured_efficiency))
            out += fmt::format(", ≈ {:.1f} at the efficiency measured here ({:.0f}%)",
                               r.projected_at_measured_efficiency, r.measured_over_predicted * 100);
        out += "\n" + r.latency_caveat + "\n";
    }
    return out;
}

double efficiency_ratio(double wall_s, std::size_t launches, double cpu_s_per_launch, int cores) {
    if (launches == 0 || !(cpu_s_per_launch > 0) || cores <= 0) return kNaN;
    return wall_s / (static_cast<double>(launches) * cpu_s_per_launch / cores);
}

namespace {
double per(double total, std::size_t n) { return n ? total / static_cast<double>(n) : kNaN; }
}  // namespace

/// The share of the cores' time the host spent busy during the run (anything: the engine, the AST
/// checks and docker clients the launchers run, the harness, other jobs). Near 1 with a ratio above
/// 1: the run is bound by CPU that is not the engine's, not by idle cores.
double cores_busy_fraction(const RunCost& c) {
    return c.wall_s > 0 && c.cores > 0 ? c.host_busy_cpu_s / (c.wall_s * c.cores) : kNaN;
}

EfficiencyFactors efficiency_factors(const RunCost& c) {
    EfficiencyFactors f;
    f.idle_cores = c.host_busy_cpu_s > 0 && c.cores > 0 ? c.wall_s * c.cores / c.host_busy_cpu_s : kNaN;
    f.outside_engine = c.engine_cpu_s > 0 ? c.host_busy_cpu_s / c.engine_cpu_s : kNaN;
    f.launchers_s = c.launchers_cpu_s;
    f.kernel_threads_s = c.kernel_threads_cpu_s;
    f.harness_s = c.harness_cpu_s + c.sampler_cpu_s;
    // The parts come from per-process clocks and the total from per-CPU ticks: their rounding can
    // leave the sum a tick above the total.
    f.other_s = std::max(0.0, c.host_busy_cpu_s - c.engine_cpu_s - f.launchers_s - f.kernel_threads_s - f.harness_s);
    return f;
}

nlohmann::json run_efficiency_section(const RunCost& c) {
    const double cpu_per_launch = per(c.engine_cpu_s, c.launches);
    const EfficiencyFactors f = efficiency_factors(c);
    return {{"title", "Run efficiency: wall time against the engine's throughput ceiling"},
            {"note", "ratio = wall ÷ (launches × engine CPU-s per launch ÷ cores); 1 means the run was as fast as "
                     "the engine's CPU allows. Engine CPU counts dockerd, containerd, shims and runc, including the "
                     "cases' own CPU; the harness's CPU leaves out the sampler thread that measures it (shown "
                     "apart). cores_busy_fraction = the host's busy CPU ÷ (wall × cores). The ratio is the product "
                     "of two factors: idle_cores = 1 ÷ cores_busy_fraction, what scheduling can still win (timeouts, "
                     "sleeps, serial parts); outside_engine = host busy CPU ÷ engine CPU, the CPU spent outside the "
                     "engine, itemised in CPU-s: launchers (the launcher scripts with their docker clients and AST "
                     "checks), kernel threads (writeback, journal, cgroup release; a lower bound), the harness with "
                     "its sampler, and the rest of the host"},
            {"wall_s", c.wall_s},
            {"cases", c.cases},
            {"launches", c.launches},
            {"cores", c.cores},
            {"engine_cpu_s", c.engine_cpu_s},
            {"engine_cpu_s_per_launch", json_number(cpu_per_launch)},
            {"host_busy_cpu_s", c.host_busy_cpu_s},
            {"harness_cpu_ms_per_case", json_number(per(c.harness_cpu_s * 1000, c.cases))},
            {"sampler_cpu_ms_per_case", json_number(per(c.sampler_cpu_s * 1000, c.cases))},
            {"efficiency_ratio", json_number(efficiency_ratio(c.wall_s, c.launches, cpu_per_launch, c.cores))},
            {"cores_busy_fraction", json_number(cores_busy_fraction(c))},
            {"factors",
             {{"idle_cores", json_number(f.idle_cores)},
              {"outside_engine", json_number(f.outside_engine)},
              {"launchers_cpu_s", f.launchers_s},
              {"kernel_threads_cpu_s", f.kernel_threads_s},
              {"harness_cpu_s", f.harness_s},
              {"other_cpu_s", f.other_s}}}};
}

std::string run_efficiency_line(const RunCost& c) {
    const double cpu_per_launch = per(c.engine_cpu_s, c.launches);
    const double ratio = efficiency_ratio(c.wall_s, c.launches, cpu_per_launch, c.cores);
    std::string line = std::isfinite(ratio)
                           ? fmt::format("efficiency: wall {:.1f} s ÷ ({} launches × {:.2f} CPU-s ÷ {} cores) = {:.1f}",
                                         c.wall_s, c.launches, cpu_per_launch, c.cores, ratio)
                           : fmt::format("efficiency: wall {:.1f} s, {} launches (no ratio: nothing launched)",
                                         c.wall_s, c.launches);
    if (const double busy = cores_busy_fraction(c); std::isfinite(ratio) && std::isfinite(busy)) {
        const EfficiencyFactors f = efficiency_factors(c);
        line += fmt::format("; cores busy {:.0f}%; {:.2f} = {:.2f} idle cores × {:.2f} CPU outside the engine "
                            "(launchers {:.1f}, kernel threads {:.1f}, harness {:.1f}, other {:.1f} CPU-s)",
                            busy * 100, ratio, f.idle_cores, f.outside_engine, f.launchers_s, f.kernel_threads_s,
                            f.harness_s, f.other_s);
    }
    if (c.cases)
        line += fmt::format("; harness CPU {:.2f} ms per case (+ {:.2f} ms measuring the engine's)",
                            c.harness_cpu_s * 1000 / c.cases, c.sampler_cpu_s * 1000 / c.cases);
    return line;
}

ConcurrencyPoint concurrency_point(int concurrency, const std::vector<double>& latencies_ms, double elapsed_s) {
    ConcurrencyPoint p;
    p.concurrency = concurrency;
    p.launches_per_s = latencies_ms.size() / elapsed_s;
    p.latency_ms = summarize(latencies_ms);
    p.samples_ms = latencies_ms;
    return p;
}

nlohmann::json concurrency_section(const std::vector<ConcurrencyPoint>& sweep) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& p : sweep)
        rows.push_back({p.concurrency, p.latency_ms.n, p.launches_per_s, p.latency_ms.p50, p.latency_ms.p95, p.latency_ms.p99});
    nlohmann::json samples = nlohmann::json::object();
    for (const auto& p : sweep)
        if (!p.samples_ms.empty()) samples[fmt::format("concurrency {}", p.concurrency)] = p.samples_ms;
    nlohmann::json j = {{"title", "Throughput and latency against concurrency (hello)"},
                        {"columns", {"concurrency", "launches", "launches/s", "p50 ms", "p95 ms", "p99 ms"}},
                        {"rows", rows}};
    if (!samples.empty()) j["samples_ms"] = samples;
    return j;
}

nlohmann::json capacity_model_section(const CapacityReport& model) {
    nlohmann::json section = model;
    for (const char* key : {"explanation", "latency_caveat", "sweep", "peak"}) section.erase(key);
    if (model.peak) {
        section["peak_concurrency"] = model.peak->concurrency;
        section["peak_launches_per_s"] = model.peak->launches_per_s;
    }
    section["title"] = "Capacity model";
    section["note"] = explain(model);
    return section;
}

void to_json(nlohmann::json& j, const ConcurrencyPoint& p) {
    j = {{"concurrency", p.concurrency}, {"launches_per_s", p.launches_per_s}, {"latency_ms", p.latency_ms}};
}

void from_json(const nlohmann::json& j, ConcurrencyPoint& p) {
    p.concurrency = j.at("concurrency").get<int>();
    p.launches_per_s = j.at("launches_per_s").get<double>();
    p.latency_ms = j.at("latency_ms").get<Summary>();
}

void to_json(nlohmann::json& j, const CapacityReport& r) {
    j = {{"cpu_s_per_launch", r.cpu_s_per_launch},
         {"cores", r.cores},
         {"predicted_launches_per_s", json_number(r.predicted_launches_per_s)},
         {"sweep", r.sweep},
         {"peak", r.peak ? nlohmann::json(*r.peak) : nlohmann::json(nullptr)},
         {"measured_over_predicted", json_number(r.measured_over_predicted)},
         {"knee", r.knee ? nlohmann::json(*r.knee) : nlohmann::json(nullptr)},
         {"target_cores", r.target_cores},
         {"projected_launches_per_s", json_number(r.projected_launches_per_s)},
         {"projected_at_measured_efficiency", json_number(r.projected_at_measured_efficiency)},
         {"saturation_concurrency", json_number(r.saturation_concurrency)},
         {"latency_caveat", r.latency_caveat},
         {"explanation", explain(r)}};
}

void from_json(const nlohmann::json& j, CapacityReport& r) {
    r.cpu_s_per_launch = j.at("cpu_s_per_launch").get<double>();
    r.cores = j.at("cores").get<int>();
    r.predicted_launches_per_s = number_from_json(j.at("predicted_launches_per_s"));
    r.sweep = j.at("sweep").get<std::vector<ConcurrencyPoint>>();
    r.peak = j.at("peak").is_null() ? std::nullopt : std::optional(j.at("peak").get<ConcurrencyPoint>());
    r.measured_over_predicted = number_from_json(j.at("measured_over_predicted"));
    r.knee = j.at("knee").is_null() ? std::nullopt : std::optional(j.at("knee").get<int>());
    r.target_cores = j.value("target_cores", 0);
    r.projected_launches_per_s = opt_number(j, "projected_launches_per_s").value_or(kNaN);
    r.projected_at_measured_efficiency = opt_number(j, "projected_at_measured_efficiency").value_or(kNaN);
    r.saturation_concurrency = opt_number(j, "saturation_concurrency").value_or(kNaN);
    r.latency_caveat = j.value("latency_caveat", "");
}

}  // namespace sh
