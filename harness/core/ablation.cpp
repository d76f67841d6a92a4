#include "core/ablation.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/verdict.h"

namespace sh {

namespace {

bool stopped_by_ast_check(const Record& r) {
    return rejected_by_ast_check(r.judgement, r.launch, r.observation);
}

}  // namespace

std::vector<AblationRow> ablation_rows(const std::vector<Weakening>& weakenings) {
    std::vector<AblationRow> rows = {
        {kAblationDefaultRow, "", "the profile as shipped", {}},
        {kAblationRuntimeOnlyRow, "", "AST check off: the runtime alone", {{"SANDBOX_AST_CHECK", "0"}}}};
    for (const auto& w : weakenings) {
        AblationRow row{std::filesystem::path(w.path).stem().string(), w.control, w.description, w.overrides};
        row.overrides.emplace("SANDBOX_AST_CHECK", "0");
        rows.push_back(std::move(row));
    }
    // Escapes no weakening can produce on a patched host (a runc CVE, a kernel without SysRq):
    // the probes that have a self-test point the same check at a stand-in, so that each one is
    // still seen to fail once. Default profile, AST check off.
    rows.push_back({"self-test", "self-test",
                    "each probe's `self-test` stand-in, for escapes no weakening can produce on a patched host",
                    {{"SANDBOX_AST_CHECK", "0"}}, true});
    return rows;
}

std::optional<std::vector<std::string>> ablation_row_filters(const AblationRow& row,
                                                             const std::vector<const CaseSpec*>& selected,
                                                             bool targeted, const std::vector<std::string>& filters) {
    if (row.self_test &&
        std::none_of(selected.begin(), selected.end(), [](const CaseSpec* c) { return !c->self_test_args.empty(); }))
        return std::nullopt;
    if (!targeted || row.control.empty() || row.self_test) return filters;
    std::vector<std::string> ids;
    for (const CaseSpec* c : selected)
        if (c->kind == CaseKind::Probe && c->has_control(row.control)) ids.push_back(c->id);
    if (ids.empty()) return std::nullopt;
    return ids;
}

CoverageMatrix ablation_coverage(const std::vector<AblationRow>& rows, const std::map<std::string, RunReport>& runs,
                                 const std::vector<const CaseSpec*>& selected) {
    std::vector<std::pair<std::string, RunReport>> weakened;
    for (const auto& row : rows)
        if (!row.control.empty() && runs.count(row.key)) weakened.emplace_back(row.key, runs.at(row.key));
    CoverageMatrix matrix = build_coverage(weakened);
    for (const CaseSpec* c : selected)
        if (!c->checked_by.empty() &&
            std::find(matrix.probes.begin(), matrix.probes.end(), c->id) != matrix.probes.end())
            matrix.checked_by[c->id] = c->checked_by;
    std::set<std::string> ast_stopped;
    if (auto it = runs.find(kAblationDefaultRow); it != runs.end())
        for (const auto& r : it->second.records)
            if (stopped_by_ast_check(r)) ast_stopped.insert(r.case_id);
    for (const auto& row : rows) {
        const auto run = runs.find(row.key);
        if (row.control.empty() || run == runs.end()) continue;
        matrix.weakening_description[row.key] = row.control + ": " + row.description;
        if (row.control != "ast") continue;
        for (const auto& r : run->second.records)
            if (ast_stopped.count(r.case_id) && !stopped_by_ast_check(r)) matrix.caught.insert({row.key, r.case_id});
    }
    return matrix;
}

std::vector<std::string> runtime_escapes(const std::map<std::string, RunReport>& runs) {
    std::vector<std::string> out;
    if (auto it = runs.find(kAblationRuntimeOnlyRow); it != runs.end())
        for (const auto& r : it->second.records)
            if (is_failure(r.judgement.verdict)) out.push_back(r.case_id + "[" + r.image + "]");
    return out;
}

}  // namespace sh
