#include "core/run_figures.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/capacity_model.h"

namespace sh {

void derive_run_figures(RunReport& report) {
    auto& extra = report.meta.extra;
    for (auto it = extra.begin(); it != extra.end();)
        it = it.key().starts_with(kWorkloadWallSeries) ? extra.erase(it) : std::next(it);
    std::map<std::string, std::vector<double>> series;
    for (const auto& r : report.records)
        if (r.kind == CaseKind::Workload && r.launch.started && r.judgement.verdict == Verdict::Pass)
            series[kWorkloadWallSeries + r.image].push_back(r.launch.wall_ms);
    for (auto& [key, samples] : series)
        extra[key] = {{"title", "Workload wall time, " + key.substr(key.find('.') + 1) + " image (ms)"},
                      {"samples_ms", samples}};

    if (!report.meta.run_cost) return;
    RunCost cost = *report.meta.run_cost;
    cost.cases = report.records.size();
    cost.launches = static_cast<std::size_t>(std::count_if(report.records.begin(), report.records.end(), [](const Record& r) {
        return r.observation.container_id.has_value();
    }));
    nlohmann::json section = run_efficiency_section(cost);
    if (report.meta.shard.starts_with("merged"))
        section["merged"] = fmt::format("{}: cases and launches are every shard's records; wall and CPU are the "
                                        "shards' sums (runner-seconds, CPU-seconds), cores the largest shard's",
                                        report.meta.shard);
    extra["run_efficiency"] = std::move(section);
}

RunReport suite_report(RunMeta meta, std::vector<Record> records) {
    RunReport report{std::move(meta), std::move(records)};
    derive_run_figures(report);
    return report;
}

std::optional<RunCost> sum_costs(const std::vector<const RunMeta*>& metas) {
    std::optional<RunCost> sum;
    for (const RunMeta* m : metas) {
        if (!m->run_cost) continue;
        const RunCost& c = *m->run_cost;
        RunCost& s = sum ? *sum : sum.emplace();
        s.wall_s += c.wall_s;
        s.cases += c.cases;
        s.launches += c.launches;
        s.cores = std::max(s.cores, c.cores);
        s.engine_cpu_s += c.engine_cpu_s;
        s.host_busy_cpu_s += c.host_busy_cpu_s;
        s.harness_cpu_s += c.harness_cpu_s;
        s.sampler_cpu_s += c.sampler_cpu_s;
        s.launchers_cpu_s += c.launchers_cpu_s;
        s.kernel_threads_cpu_s += c.kernel_threads_cpu_s;
    }
    return sum;
}

}  // namespace sh
