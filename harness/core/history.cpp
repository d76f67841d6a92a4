#include "core/history.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/stats.h"
#include "core/verdict.h"

namespace sh {

Night night_of(const RunReport& report) {
    Night n;
    n.run_id = report.meta.run_id;
    n.started_at = report.meta.started_at;
    n.commit = report.meta.commit;
    if (const auto e = report.meta.extra.find("run_efficiency");
        e != report.meta.extra.end() && e->is_object() && e->contains("efficiency_ratio") &&
        (*e)["efficiency_ratio"].is_number())
        n.efficiency = (*e)["efficiency_ratio"].get<double>();
    for (const auto& r : report.records) {
        NightResult x{r.case_id, r.image, r.repetition, to_string(r.kind), to_string(r.judgement.verdict), std::nullopt};
        if (r.launch.started) x.wall_ms = r.launch.wall_ms;
        n.results.push_back(std::move(x));
    }
    return n;
}

namespace {

bool fails(const std::string& verdict) {
    const auto v = verdict_from_string(verdict);
    return !v || makes_run_fail(*v);  // an unknown text is no pass
}

}  // namespace

std::map<std::string, std::vector<std::string>> changed_cases(const std::vector<Night>& nights) {
    std::map<std::string, std::vector<std::string>> by_case;  // case[image] → verdict per night
    for (std::size_t i = 0; i < nights.size(); ++i)
        for (const auto& r : nights[i].results) {
            auto& v = by_case[fmt::format("{}[{}]", r.case_id, r.image)];
            v.resize(nights.size(), "-");
            // Repeated on one night: a repetition that fails the run shows, whatever the others were.
            if (v[i] == "-" || fails(r.verdict)) v[i] = r.verdict;
        }
    std::map<std::string, std::vector<std::string>> changed;
    for (auto& [key, v] : by_case) {
        v.resize(nights.size(), "-");
        if (std::set<std::string>(v.begin(), v.end()).size() > 1) changed[key] = v;
    }
    return changed;
}

nlohmann::json history_sections(const std::vector<Night>& nights) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& n : nights) {
        std::map<std::string, int> counts;
        std::vector<double> walls;
        for (const auto& r : n.results) {
            ++counts[r.verdict];
            if (r.kind == "workload" && r.wall_ms) walls.push_back(*r.wall_ms);
        }
        const auto count = [&](const char* v) { return counts.count(v) ? counts[v] : 0; };
        std::sort(walls.begin(), walls.end());
        const auto pct = [&](double p) -> nlohmann::json {
            return walls.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::round(percentile(walls, p) * 10) / 10);
        };
        rows.push_back({n.started_at.substr(0, 10), n.run_id, n.results.size(),
                        count("escaped") + count("fail") + count("error"), count("escaped"), count("error"),
                        count("accepted-risk"), count("flaky"), pct(50), pct(95),
                        n.efficiency ? nlohmann::json(std::round(*n.efficiency * 100) / 100) : nlohmann::json(nullptr)});
    }
    nlohmann::json out;
    out["history_nights"] = {
        {"title", fmt::format("The last {} nights (history)", nights.size())},
        {"note", "oldest first; failing = escaped + fail + error; wall p50/p95 over the workloads' launches"},
        {"columns", {"date", "run", "cases", "failing", "escaped", "error", "accepted-risk", "flaky",
                     "workload wall p50 ms", "p95 ms", "efficiency"}},
        {"rows", rows}};
    const auto changed = changed_cases(nights);
    if (!changed.empty()) {
        nlohmann::json crow = nlohmann::json::array();
        for (const auto& [key, v] : changed) crow.push_back({key, fmt::format("{}", fmt::join(v, " → "))});
        out["history_unstable"] = {{"title", "Cases whose verdict changed within the window (unstable)"},
                                  {"columns", {"case", "verdict night by night, oldest first"}},
                                  {"rows", crow}};
    }
    return out;
}

}  // namespace sh
