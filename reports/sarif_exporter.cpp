#include "reports/exporter.h"

#include <map>

#include <fmt/format.h>

#include "core/verdict.h"
#include "util/sha256.h"
#include "util/escape.h"

namespace sh {

namespace {

/// Where a result without a script of its own points: the run's record for canary hits that no
/// case can be blamed for is the canary's finding.
constexpr const char* kRunCanaryLocation = "harness/io/canary.cpp";

std::string join(const std::vector<std::string>& v) { return v.empty() ? "none" : fmt::format("{}", fmt::join(v, ", ")); }

nlohmann::json rule(const Record& r) {
    const bool probe = r.kind == CaseKind::Probe;
    const std::string what = probe ? "Probe" : "Workload";
    std::string help = fmt::format("{} {} ({}): {}", what, r.case_id, r.family, r.summary);
    if (probe)
        help += fmt::format(". The controls it tests: {}. It fails when the sandbox lets it reach what those "
                            "controls must stop, as outside evidence shows (attacks/README.md).",
                            join(r.controls));
    else
        help += ". A benign script: it fails when the sandbox breaks ordinary work.";
    if (!r.script.empty()) help += " Its script: " + r.script + ".";
    nlohmann::json tags = nlohmann::json::array({r.family, probe ? "security" : "reliability"});
    for (const auto& c : r.controls) tags.push_back("control:" + c);
    nlohmann::json j = {{"id", r.case_id},
                        {"shortDescription", {{"text", r.summary.empty() ? r.case_id : r.summary}}},
                        {"fullDescription", {{"text", help}}},
                        {"help", {{"text", help}}},
                        {"defaultConfiguration", {{"level", "error"}}},
                        {"properties", {{"tags", tags}}}};
    if (probe) j["properties"]["security-severity"] = "8.0";
    return j;
}

nlohmann::json result(const Record& r, std::size_t rule_index) {
    const Verdict v = r.judgement.verdict;
    const std::string reason = r.judgement.reasons.empty() ? "" : r.judgement.reasons.front();
    const std::string file = r.script.empty() ? kRunCanaryLocation : r.script;
    nlohmann::json j = {
        {"ruleId", r.case_id},
        {"ruleIndex", rule_index},
        {"level", v == Verdict::AcceptedRisk ? "warning" : "error"},
        {"message", {{"text", sanitize_utf8(fmt::format("{} {}: {}", to_string(v), case_label(r), ellipsize(reason, 1000)))}}},
        {"locations",
         {{{"physicalLocation",
            {{"artifactLocation", {{"uri", file}, {"uriBaseId", "%SRCROOT%"}}}, {"region", {{"startLine", 1}}}}}}}},
        // The same case on the same image and repetition is the same alert, night after night.
        {"partialFingerprints",
         {{"sandboxHarnessCase/v1", sha256_hex(fmt::format("{}\n{}\n{}", r.case_id, r.image, r.repetition))}}},
        {"properties", {{"verdict", to_string(v)}, {"image", r.image}, {"repetition", r.repetition}}}};
    if (v == Verdict::AcceptedRisk && r.accepted_risk)
        j["suppressions"] = {{{"kind", "external"},
                              {"status", "accepted"},
                              {"justification", fmt::format("Known Weakness {} of sandbox/README.md: an accepted "
                                                            "risk of this sandbox, documented there",
                                                            *r.accepted_risk)}}};
    return j;
}

}  // namespace

/// One rule per case of the run (its id, family, controls, summary and script), one result per
/// escaped, failed or error record (level error) and per accepted risk (level warning, suppressed
/// with the Known Weakness that accepts it). Results point at the case's script, relative to the
/// checkout (%SRCROOT%: the repository root, as code scanning reads it).
std::string SarifExporter::render(const RunReport& report) const {
    std::map<std::string, const Record*> cases;  // one rule per case, by id
    for (const auto& r : report.records) cases.emplace(r.case_id, &r);
    nlohmann::json rules = nlohmann::json::array();
    std::map<std::string, std::size_t> index;
    for (const auto& [id, r] : cases) {
        index[id] = rules.size();
        rules.push_back(rule(*r));
    }
    nlohmann::json results = nlohmann::json::array();
    for (const Record* r : sorted_records(report.records))
        if (makes_run_fail(r->judgement.verdict) || r->judgement.verdict == Verdict::AcceptedRisk)
            results.push_back(result(*r, index.at(r->case_id)));

    const RunMeta& m = report.meta;
    nlohmann::json invocation = {{"executionSuccessful", !m.interrupted && exit_status(report.records) != 2}};
    if (!m.command_line.empty()) invocation["commandLine"] = sanitize_utf8(m.command_line);
    if (!m.started_at.empty()) invocation["startTimeUtc"] = m.started_at;
    if (!m.finished_at.empty()) invocation["endTimeUtc"] = m.finished_at;
    const std::string profile = report.records.empty() ? "default" : report.records.front().profile_name;
    nlohmann::json run = {
        {"tool",
         {{"driver",
           {{"name", "sandbox-harness"}, {"version", SH_VERSION}, {"semanticVersion", SH_VERSION}, {"rules", rules}}}}},
        {"automationDetails", {{"id", fmt::format("sandbox-harness/{}/{}", profile, m.run_id)}}},
        {"invocations", nlohmann::json::array({invocation})},
        {"results", results}};
    if (!m.commit.empty()) run["versionControlProvenance"] = {{{"repositoryUri", "urn:sandbox-harness:checkout"},
                                           {"revisionId", m.commit},
                                           {"mappedTo", {{"uriBaseId", "%SRCROOT%"}}}}};
    const nlohmann::json sarif = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                                  {"version", "2.1.0"},
                                  {"runs", nlohmann::json::array({run})}};
    return sarif.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace sh
