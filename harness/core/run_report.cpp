#include "core/run_report.h"

#include <algorithm>
#include <filesystem>
#include <tuple>

#include <fmt/format.h>

#include "util/escape.h"

namespace sh {

const std::vector<Verdict>& verdicts_by_severity() {
    static const std::vector<Verdict> v = {Verdict::Escaped,      Verdict::Fail,    Verdict::Error,
                                           Verdict::AcceptedRisk, Verdict::Flaky,   Verdict::Skipped, Verdict::Contained,
                                           Verdict::Pass};
    return v;
}

int severity_rank(Verdict v) {
    const auto& order = verdicts_by_severity();
    return static_cast<int>(std::find(order.begin(), order.end(), v) - order.begin());
}

RunSummary summarize(const std::vector<Record>& records) {
    RunSummary s;
    for (Verdict v : verdicts_by_severity()) s.by_verdict[v] = 0;
    for (const Record& r : records) {
        const Verdict v = r.judgement.verdict;
        ++s.total;
        ++s.by_verdict[v];
        ++s.by_kind[to_string(r.kind)][v];
        ++s.by_family[r.family][v];
        ++s.by_image[r.image][v];
        if (r.launch.started) s.wall_ms_total += r.launch.wall_ms;
    }
    return s;
}

namespace {

nlohmann::json counts_json(const VerdictCounts& c) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [v, n] : c) j[to_string(v)] = n;
    return j;
}

nlohmann::json grouped_json(const std::map<std::string, VerdictCounts>& g) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, c] : g) j[k] = counts_json(c);
    return j;
}

}  // namespace

nlohmann::json to_json(const RunSummary& s) {
    return {{"total", s.total},
            {"ok", all_clear(s)},
            {"by_verdict", counts_json(s.by_verdict)},
            {"by_kind", grouped_json(s.by_kind)},
            {"by_family", grouped_json(s.by_family)},
            {"by_image", grouped_json(s.by_image)},
            {"wall_ms_total", s.wall_ms_total}};
}

Verdict worst(const VerdictSet& s) {
    return *std::min_element(s.begin(), s.end(),
                             [](Verdict a, Verdict b) { return severity_rank(a) < severity_rank(b); });
}

bool all_clear(const RunSummary& s) {
    for (const auto& [v, n] : s.by_verdict)
        if (makes_run_fail(v) && n > 0) return false;
    return true;
}

std::string headline(const RunSummary& s, bool interrupted) {
    std::vector<std::string> parts;
    for (Verdict v : verdicts_by_severity()) {
        const auto it = s.by_verdict.find(v);
        if (it != s.by_verdict.end() && it->second > 0)
            parts.push_back(fmt::format("{} {}", it->second, to_string(v)));
    }
    const std::string cases = fmt::format("{} case{}", s.total, s.total == 1 ? "" : "s");
    std::string line = all_clear(s) ? "PASS" : "FAIL";
    if (interrupted) line = "INTERRUPTED " + line;
    if (parts.empty()) return line + ": no cases";
    return fmt::format("{}: {} ({})", line, cases, fmt::join(parts, ", "));
}

std::vector<const Record*> sorted_records(const std::vector<Record>& records) {
    std::vector<const Record*> out;
    out.reserve(records.size());
    for (const Record& r : records) out.push_back(&r);
    std::stable_sort(out.begin(), out.end(), [](const Record* a, const Record* b) {
        return std::tie(a->case_id, a->image, a->repetition) <
               std::tie(b->case_id, b->image, b->repetition);
    });
    return out;
}

std::string case_label(const Record& r) {
    return fmt::format("{}[{}]#{}", r.case_id, r.image, r.repetition);
}

std::vector<std::string> evidence(const Record& r) {
    std::vector<std::string> out(r.judgement.reasons.begin(), r.judgement.reasons.end());
    const LaunchResult& l = r.launch;
    const Observation& o = r.observation;
    if (!l.started && !l.start_error.empty()) out.push_back("launcher did not start: " + l.start_error);
    if (l.started && !l.signal && l.exit_code != 0) out.push_back(fmt::format("launcher exit code {}", l.exit_code));
    if (l.signal) out.push_back(fmt::format("launcher killed by signal {}", *l.signal));
    if (l.harness_deadline_hit) out.push_back("the harness's safety deadline killed the launcher");
    if (o.exit_code && (!l.started || *o.exit_code != l.exit_code))
        out.push_back(fmt::format("container exit code {}", *o.exit_code));
    if (o.oom_killed) out.push_back("container OOM-killed");
    if (r.judgement.stopped_by) out.push_back("stopped by control: " + *r.judgement.stopped_by);
    for (const FlagDrift& d : o.drift)
        out.push_back(fmt::format("flag drift {}: expected {}, actual {}", d.field, d.expected, d.actual));
    for (const std::string& h : o.canary_hits) out.push_back("canary hit: " + h);
    for (const std::string& f : o.host_file_changes) out.push_back("host file changed: " + f);
    for (const std::string& c : o.leftovers) out.push_back("leftover container: " + c);
    if (!o.engine_reachable) out.push_back("engine unreachable");
    for (const std::string& n : o.notes) out.push_back("note: " + n);
    if (r.judgement.report && !r.judgement.report->detail.empty()) {
        const std::string& detail = r.judgement.report->detail;
        const bool said = std::any_of(r.judgement.reasons.begin(), r.judgement.reasons.end(),
                                      [&](const std::string& reason) { return reason.find(detail) != std::string::npos; });
        if (!said) out.push_back("probe says: " + detail);
    }
    return out;
}

std::string profile_label(const RunReport& rep) {
    for (const Record& r : rep.records)
        if (!r.profile_name.empty()) return r.profile_name;
    if (!rep.meta.profile_path.empty()) return std::filesystem::path(rep.meta.profile_path).stem().string();
    return rep.meta.run_id.empty() ? "run" : rep.meta.run_id;
}

namespace {

StreamExcerpt excerpt(const char* name, const std::string& text, bool truncated, std::size_t total) {
    StreamExcerpt e;
    e.text = truncate_utf8(text, kReportOutputCap);
    total = std::max(total, text.size());
    if (e.text.size() < total || truncated)
        e.heading = fmt::format("{}: {} bytes, first {} shown", name, total, e.text.size());
    else
        e.heading = fmt::format("{}: {} bytes", name, total);
    return e;
}

}  // namespace

StreamExcerpt stdout_excerpt(const LaunchResult& l) {
    return excerpt("stdout", l.stdout_text, l.stdout_truncated, l.stdout_bytes);
}

StreamExcerpt stderr_excerpt(const LaunchResult& l) {
    return excerpt("stderr", l.stderr_text, l.stderr_truncated, l.stderr_bytes);
}

}  // namespace sh
