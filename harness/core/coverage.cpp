#include "core/coverage.h"

#include <algorithm>
#include <set>


namespace sh {

CoverageMatrix build_coverage(const std::vector<std::pair<std::string, RunReport>>& runs_by_control) {
    CoverageMatrix m;
    std::set<std::string> seen;
    for (const auto& [control, run] : runs_by_control) {
        m.controls.push_back(control);
        std::map<std::string, VerdictSet> by_probe;
        for (const Record* r : sorted_records(run.records)) {
            if (r->kind != CaseKind::Probe) continue;
            by_probe[r->case_id].insert(r->judgement.verdict);
            if (seen.insert(r->case_id).second) m.probes.push_back(r->case_id);
        }
        for (const auto& [probe, vs] : by_probe)
            m.cells[{control, probe}] = vs.count(Verdict::Escaped) ? Verdict::Escaped : worst(vs);
    }
    std::sort(m.probes.begin(), m.probes.end());
    return m;
}

bool catches(const CoverageMatrix& m, const std::string& control, const std::string& probe) {
    if (m.caught.count({control, probe})) return true;
    const auto it = m.cells.find({control, probe});
    return it != m.cells.end() && it->second == Verdict::Escaped;
}

std::vector<std::string> uncovered_controls(const CoverageMatrix& m) {
    std::vector<std::string> out;
    for (const auto& c : m.controls)
        if (std::none_of(m.probes.begin(), m.probes.end(), [&](const std::string& p) { return catches(m, c, p); }))
            out.push_back(c);
    return out;
}

std::vector<std::string> probes_never_failing(const CoverageMatrix& m) {
    // The probe's own verdict, never `caught`: a probe that catches the AST row was stopped by
    // the runtime there, which shows the AST check matters, not that the probe can see an escape.
    // accepted-risk: the probe reported its escape, and sandbox/README.md lists it as a Known Weakness.
    const auto reported_escape = [&](const std::string& c, const std::string& p) {
        const auto it = m.cells.find({c, p});
        return it != m.cells.end() && shows_escape(it->second);
    };
    std::vector<std::string> out;
    for (const auto& p : m.probes)
        if (!m.checked_by.count(p) &&
            std::none_of(m.controls.begin(), m.controls.end(), [&](const std::string& c) { return reported_escape(c, p); }))
            out.push_back(p);
    return out;
}

nlohmann::json coverage_json(const CoverageMatrix& m) {
    nlohmann::json cells = nlohmann::json::object();
    for (const auto& c : m.controls) {
        nlohmann::json row = nlohmann::json::object();
        for (const auto& p : m.probes)
            if (const auto it = m.cells.find({c, p}); it != m.cells.end()) row[p] = to_string(it->second);
        cells[c] = std::move(row);
    }
    nlohmann::json weakening = nlohmann::json::object();
    for (const auto& [c, d] : m.weakening_description) weakening[c] = d;
    return {{"controls", m.controls},
            {"probes", m.probes},
            {"weakening", weakening},
            {"cells", cells},
            {"uncovered_controls", uncovered_controls(m)},
            {"probes_never_failing", probes_never_failing(m)},
            {"checked_by", m.checked_by}};
}

}  // namespace sh
