#include "reports/runtime_render.h"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "core/perf_sections.h"
#include "reports/render_util.h"
#include "util/escape.h"

namespace sh {

namespace {

constexpr std::size_t kEvidenceChars = 160;

std::string side_name(const RuntimeSide& s) { return s.runtime + " (" + s.label + ")"; }

std::string numbers_or_dash(const std::vector<int>& v) {
    if (v.empty()) return "\xE2\x80\x94";  // "—"
    std::vector<std::string> s;
    for (int n : v) s.push_back(std::to_string(n));
    return fmt::format("{}", fmt::join(s, ", "));
}

std::vector<int> weaknesses_in(const RuntimeComparison& c, std::size_t i, WeaknessState state) {
    std::vector<int> out;
    for (const auto& w : c.weaknesses)
        if (w.state[i] == state) out.push_back(w.number);
    return out;
}

std::string number_or_dash(const std::optional<double>& v) { return v ? format_number(*v) : "\xE2\x80\x93"; }

/// "×2.0" / "+12%" of b over a, or empty when either is missing.
std::string change(const std::optional<double>& a, const std::optional<double>& b) {
    if (!a || !b || !std::isfinite(*a) || !std::isfinite(*b) || *a <= 0) return "";
    return ratio_text(*b / *a);
}

std::optional<double> finite(double v) { return std::isfinite(v) ? std::optional<double>(v) : std::nullopt; }

/// One row of the containment × cost table: a name, one cell per runtime, and the change.
struct Row {
    std::string name;
    std::array<std::string, 2> cells;
    std::string delta;
};

/// Containment first (verdict counts, weaknesses open and closed), then cost.
std::vector<Row> summary_rows(const RuntimeComparison& c) {
    std::vector<Row> rows;
    const auto& s = c.sides;
    for (Verdict v : verdicts_by_severity()) {
        const auto count = [&](std::size_t i) {
            const auto it = s[i].verdicts.find(v);
            return it == s[i].verdicts.end() ? std::size_t{0} : it->second;
        };
        if (count(0) == 0 && count(1) == 0) continue;
        rows.push_back({std::string("cases ") + to_string(v), {std::to_string(count(0)), std::to_string(count(1))}, ""});
    }
    rows.push_back({"Known Weaknesses open",
                    {numbers_or_dash(weaknesses_in(c, 0, WeaknessState::Open)),
                     numbers_or_dash(weaknesses_in(c, 1, WeaknessState::Open))}, ""});
    rows.push_back({"Known Weaknesses closed that the other leaves open",
                    {numbers_or_dash(closed_by(c, 0)), numbers_or_dash(closed_by(c, 1))}, ""});
    const auto startup = [&](std::size_t i, double Summary::*q) {
        return s[i].startup_ms.n ? finite(s[i].startup_ms.*q) : std::nullopt;
    };
    for (const auto& [name, q] : {std::pair{"startup p50 ms", &Summary::p50}, std::pair{"startup p95 ms", &Summary::p95}})
        rows.push_back({name, {number_or_dash(startup(0, q)), number_or_dash(startup(1, q))}, change(startup(0, q), startup(1, q))});
    rows.push_back({"containers started (startup samples)",
                    {std::to_string(s[0].startup_ms.n), std::to_string(s[1].startup_ms.n)}, ""});
    rows.push_back({"engine CPU-s per launch",
                    {number_or_dash(s[0].engine_cpu_s_per_launch), number_or_dash(s[1].engine_cpu_s_per_launch)},
                    change(s[0].engine_cpu_s_per_launch, s[1].engine_cpu_s_per_launch)});
    rows.push_back({"host busy CPU-s per launch",
                    {number_or_dash(s[0].host_cpu_s_per_launch), number_or_dash(s[1].host_cpu_s_per_launch)},
                    change(s[0].host_cpu_s_per_launch, s[1].host_cpu_s_per_launch)});
    rows.push_back({"suite wall s", {format_number(s[0].wall_s), format_number(s[1].wall_s)},
                    change(finite(s[0].wall_s), finite(s[1].wall_s))});
    return rows;
}

constexpr const char* kCostNote =
    "Startup: launcher spawn → the engine's start event of the container, over every case that started one "
    "(the launcher's checks, create and the runtime's start; none of the script's own run time). CPU per launch: "
    "run_efficiency of each run, the engine stack (dockerd, containerd, shims, the runtime and what they reap: "
    "the runtime's sandbox and the cases' own CPU) and the whole host's busy CPU, each ÷ containers created. "
    "Both runs share the host with whatever else ran then: compare them with that in mind.";

std::string ast_note(const RuntimeComparison& c) {
    if (c.ast_only_both == 0) return "";
    return fmt::format(
        "{} probe(s) were rejected by the AST check under both runtimes before any container started, so they "
        "say nothing about either runtime (marked \"AST\"). Set SANDBOX_AST_CHECK=0 in the environment of the "
        "review to compare the runtimes alone.",
        c.ast_only_both);
}

std::vector<std::string> closure_lines(const RuntimeComparison& c) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < 2; ++i) {
        const auto closed = closed_by(c, i);
        out.push_back(closed.empty()
                          ? fmt::format("{} closes no Known Weakness that {} leaves open.", c.sides[i].runtime,
                                        c.sides[1 - i].runtime)
                          : fmt::format("{} closes Known Weakness{} {}, which {} leaves open.", c.sides[i].runtime,
                                        closed.size() > 1 ? "es" : "", numbers_or_dash(closed), c.sides[1 - i].runtime));
    }
    return out;
}

std::string weakness_text(const CaseUnderRuntimes& x) { return x.weakness ? std::to_string(*x.weakness) : ""; }

std::string evidence_text(const RuntimeComparison& c, const CaseUnderRuntimes& x) {
    if (!x.changed()) return "";
    std::string out;
    for (std::size_t i = 0; i < 2; ++i)
        if (!x.evidence[i].empty())
            out += (out.empty() ? "" : " — ") + c.sides[i].runtime + ": " +
                   std::string(ellipsize(sanitize_utf8(x.evidence[i]), kEvidenceChars));
    return out;
}

}  // namespace

std::string runtime_comparison_markdown(const RuntimeComparison& c, bool with_headline) {
    std::string out = fmt::format("\n## Runtime comparison: {} and {}\n\n", markdown_escape(side_name(c.sides[0])),
                                  markdown_escape(side_name(c.sides[1])));
    if (with_headline) out += "**" + markdown_escape(runtime_headline(c)) + "**\n\n";
    std::vector<std::vector<std::string>> rows;
    for (const Row& r : summary_rows(c))
        rows.push_back({markdown_escape(r.name), markdown_escape(r.cells[0]), markdown_escape(r.cells[1]),
                        markdown_escape(r.delta)});
    out += md_table({"", markdown_escape(side_name(c.sides[0])), markdown_escape(side_name(c.sides[1])), "change"}, rows);
    out += "\n" + markdown_escape(kCostNote) + "\n";

    out += "\n### Known Weaknesses\n\n";
    for (const auto& line : closure_lines(c)) out += markdown_escape(line) + "  \n";
    std::vector<std::vector<std::string>> wrows;
    for (const auto& w : c.weaknesses)
        wrows.push_back({std::to_string(w.number), markdown_escape(fmt::format("{}", fmt::join(w.probes, ", "))),
                         to_string(w.state[0]), to_string(w.state[1])});
    if (!wrows.empty())
        out += "\n" + md_table({"Known Weakness", "probes", markdown_escape(c.sides[0].runtime),
                                markdown_escape(c.sides[1].runtime)},
                               wrows);
    out += "\nopen: a probe escaped through it (accepted-risk); closed: every probe citing it ran and was "
           "contained; not shown: stopped by the AST check, error or skipped.\n";

    out += fmt::format("\n### Cases ({} of {} differ)\n\n", changed_cases(c), c.cases.size());
    if (const std::string note = ast_note(c); !note.empty()) out += markdown_escape(note) + "\n\n";
    std::vector<std::vector<std::string>> crows;
    for (const auto& x : c.cases) {
        std::array<std::string, 2> cells;
        for (std::size_t i = 0; i < 2; ++i)
            cells[i] = verdict_set_text(x.verdicts[i]) + (x.ast_only[i] ? " (AST)" : "");
        crows.push_back({x.changed() ? "**≠**" : "", markdown_escape(x.case_id), markdown_escape(x.image),
                         weakness_text(x), markdown_escape(cells[0]), markdown_escape(cells[1]),
                         markdown_escape(evidence_text(c, x))});
    }
    out += md_table({"", "case", "image", "KW", markdown_escape(c.sides[0].runtime), markdown_escape(c.sides[1].runtime),
                     "evidence (cases that differ)"},
                    crows);
    return out;
}

std::string runtime_comparison_html(const RuntimeComparison& c, bool with_headline) {
    std::string out = fmt::format("<section id=\"runtime-comparison\"><h2>Runtime comparison: {} and {}</h2>\n",
                                  html_escape(side_name(c.sides[0])), html_escape(side_name(c.sides[1])));
    if (with_headline) out += "<p><strong>" + html_escape(runtime_headline(c)) + "</strong></p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const Row& r : summary_rows(c))
        rows.push_back({html_escape(r.name), "<span class=\"n\">" + html_escape(r.cells[0]) + "</span>",
                        "<span class=\"n\">" + html_escape(r.cells[1]) + "</span>", html_escape(r.delta)});
    out += html_table({"containment × cost", html_escape(side_name(c.sides[0])) + "<br><span class=\"muted\">" +
                                                 html_escape(c.sides[0].profile_path) + "</span>",
                       html_escape(side_name(c.sides[1])) + "<br><span class=\"muted\">" +
                           html_escape(c.sides[1].profile_path) + "</span>",
                       "change"},
                      rows, "runtimes");
    out += "<p class=\"muted\">" + html_escape(kCostNote) + "</p>\n";

    out += "<h3>Known Weaknesses</h3>\n<ul>";
    for (const auto& line : closure_lines(c)) out += "<li>" + html_escape(line) + "</li>";
    out += "</ul>\n";
    std::vector<std::vector<std::string>> wrows;
    for (const auto& w : c.weaknesses) {
        std::vector<std::string> row = {std::to_string(w.number),
                                        "<code>" + html_escape(fmt::format("{}", fmt::join(w.probes, ", "))) + "</code>"};
        for (std::size_t i = 0; i < 2; ++i)
            row.push_back(fmt::format("<span class=\"kw kw-{}\">{}</span>", w.state[i] == WeaknessState::Open ? "open"
                                                                       : w.state[i] == WeaknessState::Closed ? "closed"
                                                                                                              : "none",
                                      to_string(w.state[i])));
        wrows.push_back(std::move(row));
    }
    out += html_table({"Known Weakness", "probes", html_escape(c.sides[0].runtime), html_escape(c.sides[1].runtime)},
                      wrows);
    out += "<p class=\"muted\">open: a probe escaped through it (accepted-risk); closed: every probe citing it ran "
           "and was contained; not shown: stopped by the AST check, error or skipped.</p>\n";

    out += fmt::format("<h3>Cases ({} of {} differ)</h3>\n", changed_cases(c), c.cases.size());
    if (const std::string note = ast_note(c); !note.empty()) out += "<p class=\"muted\">" + html_escape(note) + "</p>\n";
    std::vector<std::vector<std::string>> crows;
    for (const auto& x : c.cases) {
        std::array<std::string, 2> cells;
        for (std::size_t i = 0; i < 2; ++i)
            cells[i] = html_verdict_set(x.verdicts[i]) + (x.ast_only[i] ? " <span class=\"muted\">AST</span>" : "");
        crows.push_back({x.changed() ? "<strong>\xE2\x89\xA0</strong>" : "", "<code>" + html_escape(x.case_id) + "</code>",
                         html_escape(x.image), weakness_text(x), cells[0], cells[1], html_escape(evidence_text(c, x))});
    }
    out += "<div class=\"scroll\">" +
           html_table({"", "case", "image", "KW", html_escape(c.sides[0].runtime), html_escape(c.sides[1].runtime),
                       "evidence (cases that differ)"},
                      crows, "cases") +
           "</div>";
    return out + "</section>\n";
}

namespace {

/// The stored comparison, or the reason it cannot be read in `problem`.
std::optional<RuntimeComparison> stored(const nlohmann::json& extra, std::string& problem) {
    if (!extra.is_object() || !extra.contains(kRuntimeComparisonKey)) return std::nullopt;
    try {
        return runtime_comparison_from_json(extra.at(kRuntimeComparisonKey));
    } catch (const std::exception& e) {
        problem = std::string("meta.extra.runtime_comparison cannot be read: ") + e.what();
        return std::nullopt;
    }
}

}  // namespace

std::optional<std::string> compared_profiles(const nlohmann::json& extra) {
    std::string problem;
    const auto c = stored(extra, problem);
    if (!c) return std::nullopt;
    const auto one = [](const RuntimeSide& s) {
        const std::string file = std::filesystem::path(s.profile_path).filename().string();
        return (file.empty() ? s.label : file) + " (" + s.runtime + ")";
    };
    return one(c->sides[0]) + " \xE2\x86\x92 " + one(c->sides[1]);  // "→"
}

std::string runtime_section_markdown(const nlohmann::json& extra, bool with_headline) {
    std::string problem;
    if (const auto c = stored(extra, problem)) return runtime_comparison_markdown(*c, with_headline);
    return problem.empty() ? "" : "\n## Runtime comparison\n\n" + markdown_escape(problem) + "\n";
}

std::string runtime_section_html(const nlohmann::json& extra, bool with_headline) {
    std::string problem;
    if (const auto c = stored(extra, problem)) return runtime_comparison_html(*c, with_headline);
    return problem.empty() ? "" : "<section><h2>Runtime comparison</h2><p>" + html_escape(problem) + "</p></section>\n";
}

}  // namespace sh
