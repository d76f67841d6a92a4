#include <fmt/format.h>

#include "reports/coverage_render.h"
#include "reports/diff_render.h"
#include "util/escape.h"
#include "reports/exporter.h"
#include "core/perf_sections.h"
#include "reports/render_util.h"
#include "reports/runtime_render.h"
#include "core/runtime_comparison.h"
#include "core/stats.h"

namespace sh {

namespace {

constexpr std::size_t kEvidenceChars = 300;

std::string evidence_cell(const Record& r) {
    std::string joined;
    for (const auto& e : evidence(r)) joined += (joined.empty() ? "" : "; ") + e;
    return markdown_escape(ellipsize(sanitize_utf8(joined), kEvidenceChars));
}

std::string counts_table(const RunSummary& s) {
    std::vector<std::string> header = {"verdict", "total"};
    for (const auto& [image, c] : s.by_image) header.push_back(markdown_escape(image));
    for (const auto& [kind, c] : s.by_kind) header.push_back(markdown_escape(kind + "s"));
    std::vector<std::vector<std::string>> rows;
    auto n = [](const VerdictCounts& c, Verdict v) {
        const auto it = c.find(v);
        return std::to_string(it == c.end() ? 0 : it->second);
    };
    for (Verdict v : verdicts_by_severity()) {
        if (s.by_verdict.at(v) == 0) continue;
        std::vector<std::string> row = {to_string(v), n(s.by_verdict, v)};
        for (const auto& [image, c] : s.by_image) row.push_back(n(c, v));
        for (const auto& [kind, c] : s.by_kind) row.push_back(n(c, v));
        rows.push_back(std::move(row));
    }
    return md_table(header, rows);
}

std::string meta_line(const RunReport& report, const RunSummary& s) {
    const RunMeta& m = report.meta;
    std::vector<std::string> images;
    for (const auto& [image, c] : s.by_image) images.push_back(image);
    const std::string where = images.empty() ? m.host : fmt::format("{} on {}", fmt::join(images, ", "), m.host);
    const std::string runtime = runtime_of(m);
    const auto compared = compared_profiles(m.extra);
    const std::string profile = compared ? "profiles " + *compared
                                         : "profile " + profile_label(report) + (runtime.empty() ? "" : " · runtime " + runtime);
    std::string line = fmt::format("Run {} · {} · {} · {} ({} cores, kernel {}, engine {}) · {:.1f} s", m.run_id,
                                   profile, m.started_at, where, m.cores, m.kernel, m.engine_version, m.wall_s);
    if (!m.shard.empty()) line += " · shard " + m.shard;
    return markdown_escape(line);
}

/// A note as Markdown: each of its lines a line of the paragraph (markdown_escape would show a
/// newline as a mark, which suits a table cell, not the explanation under a heading).
std::string note_markdown(const std::string& note) {
    std::string out;
    std::size_t from = 0;
    while (from <= note.size()) {
        std::size_t nl = note.find('\n', from);
        if (nl == std::string::npos) nl = note.size();
        const std::string line = markdown_escape(note.substr(from, nl - from));
        if (!line.empty()) out += (out.empty() ? "" : "  \n") + line;
        from = nl + 1;
    }
    return out.empty() ? "" : "\n" + out + "\n";
}

/// The sections of meta.extra: under "## Performance" in a run's report, or (`top_level`) as the
/// report's own sections in a bench or capacity report.
std::string perf_markdown(const nlohmann::json& extra, bool top_level) {
    const auto sections = perf_sections(extra);
    if (sections.empty()) return "";
    std::string out = top_level ? "" : "\n## Performance\n";
    for (const PerfSection& s : sections) {
        out += (top_level ? "\n## " : "\n### ") + markdown_escape(s.title) + "\n";
        out += note_markdown(s.note);
        for (const PerfTable& t : s.tables) {
            out += t.caption.empty() ? "\n" : "\n" + markdown_escape(t.caption) + ":\n\n";
            std::vector<std::string> h;
            for (const auto& c : t.columns) h.push_back(markdown_escape(c));
            std::vector<std::vector<std::string>> rows;
            for (const auto& r : t.rows) {
                std::vector<std::string> cells;
                for (const auto& c : r) cells.push_back(markdown_escape(format_scalar(c)));
                rows.push_back(std::move(cells));
            }
            out += md_table(h, rows);
        }
        if (!s.latency.empty()) {
            std::vector<std::vector<std::string>> rows;
            for (const LatencySeries& ls : s.latency) {
                const Summary p = summarize(ls.samples_ms);
                rows.push_back({markdown_escape(ls.name), std::to_string(p.n), format_number(p.p50),
                                format_number(p.p95), format_number(p.p99), format_number(p.max)});
            }
            out += "\n" + md_table({"latency", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"}, rows);
        }
        if (!s.unparsed.empty())
            out += "\nOther figures: " + markdown_escape(ellipsize(sanitize_utf8(s.unparsed), 200)) + "\n";
    }
    return out;
}

/// A bench, capacity or review report: its headline figure, then its sections. No verdicts: it has
/// no records. bench and capacity measured one runtime, which the heading names.
std::string measurement_markdown(const RunReport& report, const Measurement& m) {
    const std::string runtime = m.command == "review" ? "" : runtime_of(report.meta);
    std::string out = "# sandbox-harness " + m.command + (runtime.empty() ? "" : " (runtime " + markdown_escape(runtime) + ")") + "\n\n";
    out += fmt::format("**{}**\n\n", markdown_escape(m.headline));
    out += meta_line(report, summarize(report.records)) + "\n";
    if (report.meta.interrupted) out += "\nInterrupted: the figures are those measured before it stopped.\n";
    return out + runtime_section_markdown(report.meta.extra, m.command != "review") + perf_markdown(report.meta.extra, true);
}

}  // namespace

/// Kept short on purpose (CI shows it as a job summary): passing records are only counted.
std::string MarkdownExporter::render(const RunReport& report) const {
    if (report.records.empty())
        if (const auto m = measurement(report.meta.extra)) return measurement_markdown(report, *m);
    const RunSummary s = summarize(report.records);
    std::string out = "# sandbox-harness report\n\n";
    out += fmt::format("**{}**\n\n", markdown_escape(headline(s, report.meta.interrupted)));
    out += meta_line(report, s) + "\n\n";
    if (report.meta.interrupted)
        out += "The run was interrupted: these are the records judged before it stopped.\n\n";
    out += counts_table(s);

    std::vector<std::vector<std::string>> problems, risks;
    std::vector<const Record*> sorted = sorted_records(report.records);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Record* a, const Record* b) {
        return severity_rank(a->judgement.verdict) < severity_rank(b->judgement.verdict);
    });
    for (const Record* r : sorted) {
        const Verdict v = r->judgement.verdict;
        if (v == Verdict::AcceptedRisk) {
            const std::string weakness = r->accepted_risk ? fmt::format("Known Weakness {}", *r->accepted_risk) : "";
            risks.push_back({markdown_escape(r->case_id), markdown_escape(r->image), std::to_string(r->repetition),
                             weakness, evidence_cell(*r)});
        } else if (v != Verdict::Pass && v != Verdict::Contained) {
            problems.push_back({to_string(v), markdown_escape(r->case_id), markdown_escape(r->image),
                                std::to_string(r->repetition), markdown_escape(r->family), evidence_cell(*r)});
        }
    }
    if (!problems.empty()) {
        out += "\n## Not passing\n\n";
        out += md_table({"verdict", "case", "image", "rep", "family", "evidence"}, problems);
    }
    if (!risks.empty()) {
        out += "\n## Accepted risks\n\nEscapes covered by a Known Weakness in sandbox/README.md.\n\n";
        out += md_table({"case", "image", "rep", "weakness", "evidence"}, risks);
    }
    out += runtime_section_markdown(report.meta.extra);
    out += perf_markdown(report.meta.extra, false);
    if (opts_.diff) out += render_diff_markdown(*opts_.diff);
    if (opts_.coverage) out += coverage_markdown(*opts_.coverage);
    return out;
}

}  // namespace sh
