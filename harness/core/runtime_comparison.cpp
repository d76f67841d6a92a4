#include "core/runtime_comparison.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/perf_sections.h"

namespace sh {

namespace {

using Key = std::pair<std::string, std::string>;  // case_id, image

std::optional<double> finite_number(const nlohmann::json& j, const char* key) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nullopt;
    const double v = j[key].get<double>();
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

RuntimeSide describe_side(const RunReport& run, const std::string& label) {
    RuntimeSide s;
    s.label = label;
    s.runtime = runtime_of(run.meta);
    s.run_id = run.meta.run_id;
    s.profile_path = run.meta.profile_path;
    s.wall_s = run.meta.wall_s;
    std::vector<double> startup;
    for (const Record& r : run.records) {
        ++s.verdicts[r.judgement.verdict];
        if (r.launch.started && r.observation.t_start && r.launch.start_unix_s > 0)
            startup.push_back((*r.observation.t_start - r.launch.start_unix_s) * 1000);
    }
    s.startup_ms = summarize(startup);
    const nlohmann::json eff = run.meta.extra.value("run_efficiency", nlohmann::json::object());
    if (const auto n = finite_number(eff, "launches")) s.launches = static_cast<std::size_t>(*n);
    s.engine_cpu_s_per_launch = finite_number(eff, "engine_cpu_s_per_launch");
    if (const auto host = finite_number(eff, "host_busy_cpu_s"); host && s.launches > 0)
        s.host_cpu_s_per_launch = *host / static_cast<double>(s.launches);
    return s;
}

/// The verdicts of one run's records of one case, and whether the AST check stopped them all.
struct Seen {
    VerdictSet verdicts;
    bool ast_only = true;
    const Record* worst = nullptr;
};

std::map<Key, Seen> by_case(const RunReport& run) {
    std::map<Key, Seen> out;
    for (const Record& r : run.records) {
        Seen& s = out[{r.case_id, r.image}];
        s.verdicts.insert(r.judgement.verdict);
        s.ast_only = s.ast_only && rejected_by_ast_check(r.judgement, r.launch, r.observation);
        if (!s.worst || severity_rank(r.judgement.verdict) < severity_rank(s.worst->judgement.verdict)) s.worst = &r;
    }
    return out;
}

/// A probe's contribution to its weakness's state under one runtime.
WeaknessState probe_state(const CaseUnderRuntimes& c, std::size_t i) {
    const VerdictSet& v = c.verdicts[i];
    if (v.count(Verdict::AcceptedRisk) || v.count(Verdict::Escaped)) return WeaknessState::Open;
    if (!v.empty() && !c.ast_only[i] && std::all_of(v.begin(), v.end(), [](Verdict x) { return x == Verdict::Contained; }))
        return WeaknessState::Closed;
    return WeaknessState::NotShown;
}

/// Open if any probe shows it open; closed if every probe shows it closed; else not shown.
WeaknessState fold(const std::vector<WeaknessState>& v) {
    if (std::find(v.begin(), v.end(), WeaknessState::Open) != v.end()) return WeaknessState::Open;
    if (!v.empty() && std::all_of(v.begin(), v.end(), [](WeaknessState s) { return s == WeaknessState::Closed; }))
        return WeaknessState::Closed;
    return WeaknessState::NotShown;
}

std::string numbers_text(const std::vector<int>& v) {
    std::vector<std::string> s;
    for (int n : v) s.push_back(std::to_string(n));
    return fmt::format("{}", fmt::join(s, ", "));
}

nlohmann::json optional_number(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

std::optional<double> optional_from(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j[key].is_null()) return std::nullopt;
    return j[key].get<double>();
}

nlohmann::json verdicts_json(const VerdictSet& set) {
    nlohmann::json a = nlohmann::json::array();
    for (Verdict v : verdicts_by_severity())
        if (set.count(v)) a.push_back(to_string(v));
    return a;
}

VerdictSet verdicts_from(const nlohmann::json& a) {
    VerdictSet out;
    for (const auto& v : a)
        if (const auto parsed = verdict_from_string(v.get<std::string>())) out.insert(*parsed);
    return out;
}

}  // namespace

std::string runtime_of(const RunMeta& meta) {
    const auto it = meta.profile.find("SANDBOX_RUNTIME");
    return it == meta.profile.end() ? "" : it->second;
}

const char* to_string(WeaknessState s) {
    switch (s) {
        case WeaknessState::Open: return "open";
        case WeaknessState::Closed: return "closed";
        case WeaknessState::NotShown: return "not shown";
    }
    return "not shown";
}

RuntimeComparison compare_runtimes(const RunReport& current, const RunReport& proposed,
                                   const std::array<std::string, 2>& labels) {
    RuntimeComparison out;
    out.sides = {describe_side(current, labels[0]), describe_side(proposed, labels[1])};
    const std::array<std::map<Key, Seen>, 2> seen = {by_case(current), by_case(proposed)};
    std::set<Key> keys;
    for (const auto& m : seen)
        for (const auto& [k, s] : m) keys.insert(k);
    for (const Key& k : keys) {
        CaseUnderRuntimes c;
        c.case_id = k.first;
        c.image = k.second;
        for (std::size_t i = 0; i < 2; ++i) {
            const auto it = seen[i].find(k);
            if (it == seen[i].end()) continue;
            const Record& r = *it->second.worst;
            c.family = r.family;
            c.kind = r.kind;
            if (r.accepted_risk) c.weakness = r.accepted_risk;
            c.verdicts[i] = it->second.verdicts;
            c.ast_only[i] = it->second.ast_only;
            const auto ev = evidence(r);
            if (!ev.empty()) c.evidence[i] = ev.front();
        }
        if (c.kind == CaseKind::Probe && c.ast_only[0] && c.ast_only[1]) ++out.ast_only_both;
        out.cases.push_back(std::move(c));
    }
    std::stable_sort(out.cases.begin(), out.cases.end(), [](const CaseUnderRuntimes& a, const CaseUnderRuntimes& b) {
        if (a.changed() != b.changed()) return a.changed();
        return a.kind == CaseKind::Probe && b.kind != CaseKind::Probe;
    });

    std::map<int, WeaknessUnderRuntimes> weak;
    std::map<int, std::array<std::vector<WeaknessState>, 2>> states;
    for (const CaseUnderRuntimes& c : out.cases) {
        if (!c.weakness || c.kind != CaseKind::Probe) continue;
        WeaknessUnderRuntimes& w = weak[*c.weakness];
        w.number = *c.weakness;
        if (std::find(w.probes.begin(), w.probes.end(), c.case_id) == w.probes.end()) w.probes.push_back(c.case_id);
        for (std::size_t i = 0; i < 2; ++i) states[w.number][i].push_back(probe_state(c, i));
    }
    for (auto& [n, w] : weak) {
        std::sort(w.probes.begin(), w.probes.end());
        for (std::size_t i = 0; i < 2; ++i) w.state[i] = fold(states[n][i]);
        out.weaknesses.push_back(std::move(w));
    }
    return out;
}

std::vector<int> closed_by(const RuntimeComparison& c, std::size_t i) {
    std::vector<int> out;
    for (const auto& w : c.weaknesses)
        if (w.state[i] == WeaknessState::Closed && w.state[1 - i] == WeaknessState::Open) out.push_back(w.number);
    return out;
}

std::size_t changed_cases(const RuntimeComparison& c) {
    return static_cast<std::size_t>(
        std::count_if(c.cases.begin(), c.cases.end(), [](const CaseUnderRuntimes& x) { return x.changed(); }));
}

std::string runtime_headline(const RuntimeComparison& c) {
    const RuntimeSide& a = c.sides[0];
    const RuntimeSide& b = c.sides[1];
    std::string line = fmt::format("{} → {}: {} of {} cases differ", a.runtime, b.runtime, changed_cases(c), c.cases.size());
    for (std::size_t i = 0; i < 2; ++i) {
        const auto closed = closed_by(c, i);
        if (!closed.empty())
            line += fmt::format("; {} closes Known Weakness{} {}", c.sides[i].runtime, closed.size() > 1 ? "es" : "",
                                numbers_text(closed));
    }
    if (a.startup_ms.n && b.startup_ms.n)
        line += fmt::format("; startup p50 {} → {} ms", format_number(a.startup_ms.p50), format_number(b.startup_ms.p50));
    if (a.engine_cpu_s_per_launch && b.engine_cpu_s_per_launch)
        line += fmt::format("; engine CPU {} → {} s per launch", format_number(*a.engine_cpu_s_per_launch),
                            format_number(*b.engine_cpu_s_per_launch));
    return line;
}

RunMeta combined_meta(const RunMeta& current, const RunMeta& proposed, const std::string& command_line) {
    RunMeta m = proposed;
    m.run_id = current.run_id + " + " + proposed.run_id;
    m.started_at = current.started_at;
    m.wall_s = current.wall_s + proposed.wall_s;
    m.load_avg_1m_start = current.load_avg_1m_start;
    m.command_line = command_line;
    m.profile_path.clear();  // two profiles: the comparison's runtimes name both
    m.profile.clear();
    m.interrupted = current.interrupted || proposed.interrupted;
    m.extra = nlohmann::json::object();
    return m;
}

nlohmann::json to_json(const RuntimeComparison& c) {
    nlohmann::json sides = nlohmann::json::array();
    for (const RuntimeSide& s : c.sides) {
        nlohmann::json verdicts = nlohmann::json::object();
        for (const auto& [v, n] : s.verdicts)
            if (n) verdicts[to_string(v)] = n;
        sides.push_back({{"label", s.label},
                         {"runtime", s.runtime},
                         {"run_id", s.run_id},
                         {"profile_path", s.profile_path},
                         {"verdicts", verdicts},
                         {"startup_ms", s.startup_ms},
                         {"launches", s.launches},
                         {"engine_cpu_s_per_launch", optional_number(s.engine_cpu_s_per_launch)},
                         {"host_cpu_s_per_launch", optional_number(s.host_cpu_s_per_launch)},
                         {"wall_s", s.wall_s}});
    }
    nlohmann::json cases = nlohmann::json::array();
    for (const CaseUnderRuntimes& x : c.cases)
        cases.push_back({{"case_id", x.case_id},
                         {"image", x.image},
                         {"family", x.family},
                         {"kind", to_string(x.kind)},
                         {"weakness", x.weakness ? nlohmann::json(*x.weakness) : nlohmann::json()},
                         {"verdicts", {verdicts_json(x.verdicts[0]), verdicts_json(x.verdicts[1])}},
                         {"ast_only", {x.ast_only[0], x.ast_only[1]}},
                         {"evidence", {x.evidence[0], x.evidence[1]}},
                         {"changed", x.changed()}});
    nlohmann::json weaknesses = nlohmann::json::array();
    for (const WeaknessUnderRuntimes& w : c.weaknesses)
        weaknesses.push_back({{"number", w.number},
                              {"probes", w.probes},
                              {"state", {to_string(w.state[0]), to_string(w.state[1])}}});
    return {{"title", "Runtime comparison"},
            {"runtimes", sides},
            {"cases", cases},
            {"weaknesses", weaknesses},
            {"closed_by", {closed_by(c, 0), closed_by(c, 1)}},
            {"ast_only_both", c.ast_only_both}};
}

RuntimeComparison runtime_comparison_from_json(const nlohmann::json& j) {
    RuntimeComparison c;
    const auto& sides = j.at("runtimes");
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& s = sides.at(i);
        RuntimeSide& out = c.sides[i];
        out.label = s.at("label").get<std::string>();
        out.runtime = s.at("runtime").get<std::string>();
        out.run_id = s.value("run_id", "");
        out.profile_path = s.value("profile_path", "");
        for (const auto& [v, n] : s.at("verdicts").items())
            if (const auto parsed = verdict_from_string(v)) out.verdicts[*parsed] = n.get<std::size_t>();
        out.startup_ms = s.at("startup_ms").get<Summary>();
        out.launches = s.value("launches", std::size_t{0});
        out.engine_cpu_s_per_launch = optional_from(s, "engine_cpu_s_per_launch");
        out.host_cpu_s_per_launch = optional_from(s, "host_cpu_s_per_launch");
        out.wall_s = s.value("wall_s", 0.0);
    }
    for (const auto& x : j.at("cases")) {
        CaseUnderRuntimes cu;
        cu.case_id = x.at("case_id").get<std::string>();
        cu.image = x.at("image").get<std::string>();
        cu.family = x.value("family", "");
        cu.kind = case_kind_from_string(x.value("kind", "probe")).value_or(CaseKind::Probe);
        if (x.contains("weakness") && x["weakness"].is_number_integer()) cu.weakness = x["weakness"].get<int>();
        for (std::size_t i = 0; i < 2; ++i) {
            cu.verdicts[i] = verdicts_from(x.at("verdicts").at(i));
            cu.ast_only[i] = x.at("ast_only").at(i).get<bool>();
            cu.evidence[i] = x.at("evidence").at(i).get<std::string>();
        }
        c.cases.push_back(std::move(cu));
    }
    for (const auto& w : j.at("weaknesses")) {
        WeaknessUnderRuntimes out;
        out.number = w.at("number").get<int>();
        out.probes = w.at("probes").get<std::vector<std::string>>();
        for (std::size_t i = 0; i < 2; ++i) {
            const std::string s = w.at("state").at(i).get<std::string>();
            out.state[i] = s == "open" ? WeaknessState::Open : s == "closed" ? WeaknessState::Closed : WeaknessState::NotShown;
        }
        c.weaknesses.push_back(std::move(out));
    }
    c.ast_only_both = j.value("ast_only_both", std::size_t{0});
    return c;
}

}  // namespace sh
