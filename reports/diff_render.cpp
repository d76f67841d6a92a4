/// Markdown and HTML renderings of a RunDiff: the nightly comparison and the side-by-side
/// profile comparison.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reports/diff_render.h"
#include "reports/render_util.h"
#include "util/escape.h"
#include "core/perf_sections.h"

namespace sh {

const char* change_class(const VerdictChange& c) {
    if (is_new_escape(c)) return "new escape";
    if (is_regression(c)) return "worse";
    if (is_fixed(c)) return "fixed";
    return "changed";
}

namespace {

enum class Fmt { Markdown, Html };

std::string esc(Fmt f, std::string_view s) { return f == Fmt::Markdown ? markdown_escape(s) : html_escape(s); }

std::string verdicts(Fmt f, const VerdictSet& s) {
    return f == Fmt::Markdown ? verdict_set_text(s) : html_verdict_set(s);
}

std::string table(Fmt f, const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    if (f == Fmt::Markdown) {
        std::vector<std::string> h;
        for (const auto& x : header) h.push_back(markdown_escape(x));
        return rows.empty() ? "" : "\n" + md_table(h, rows);
    }
    std::vector<std::string> h;
    for (const auto& x : header) h.push_back(html_escape(x));
    return html_table(h, rows);
}

std::string heading(Fmt f, int level, std::string_view text) {
    if (f == Fmt::Markdown) return fmt::format("\n{} {}\n", std::string(level, '#'), markdown_escape(text));
    return fmt::format("<h{0}>{1}</h{0}>\n", level, html_escape(text));
}

std::string para(Fmt f, std::string_view already_escaped) {
    if (f == Fmt::Markdown) return "\n" + std::string(already_escaped) + "\n";
    return fmt::format("<p>{}</p>\n", already_escaped);
}

std::string strong(Fmt f, std::string_view already_escaped) {
    return f == Fmt::Markdown ? fmt::format("**{}**", already_escaped)
                              : fmt::format("<strong>{}</strong>", already_escaped);
}

/// "1 new escape", "2 new escapes".
std::string count_of(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string case_name(const VerdictChange& c) {
    return c.repetition ? fmt::format("{}#{}", c.case_id, *c.repetition) : c.case_id;
}

std::string change_rows_table(Fmt f, const std::vector<const VerdictChange*>& cs, const std::string& before_title,
                              const std::string& after_title, bool with_class) {
    std::vector<std::vector<std::string>> rows;
    for (const VerdictChange* c : cs) {
        std::vector<std::string> row = {esc(f, case_name(*c)), esc(f, c->image), verdicts(f, c->before),
                                        verdicts(f, c->after)};
        if (with_class) row.push_back(esc(f, change_class(*c)));
        row.push_back(esc(f, ellipsize(c->evidence, 160)));
        rows.push_back(std::move(row));
    }
    std::vector<std::string> header = {"case", "image", before_title, after_title};
    if (with_class) header.push_back("change");
    header.push_back("evidence (" + after_title + ")");
    return table(f, header, rows);
}

constexpr std::size_t kListAllCases = 10;

/// Cases only in one run. Comparing two different suites can list dozens: then only those with a
/// bad verdict get a row, the rest are counted (and, in HTML, listed in a collapsed table).
std::string cases_block(Fmt f, const std::vector<CaseVerdicts>& cs) {
    auto rows_of = [&](bool only_bad) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : cs)
            if (!only_bad || std::any_of(c.verdicts.begin(), c.verdicts.end(), makes_run_fail))
                rows.push_back({esc(f, c.case_id), esc(f, c.image), verdicts(f, c.verdicts)});
        return rows;
    };
    const std::vector<std::string> header = {"case", "image", "verdicts"};
    if (cs.size() <= kListAllCases) return table(f, header, rows_of(false));
    const auto bad = rows_of(true);
    std::map<Verdict, std::size_t> counts;
    for (const auto& c : cs)
        if (!std::any_of(c.verdicts.begin(), c.verdicts.end(), makes_run_fail))
            for (Verdict v : c.verdicts) ++counts[v];
    std::string tally;
    for (Verdict v : verdicts_by_severity())
        if (counts[v]) tally += fmt::format("{}{} {}", tally.empty() ? "" : ", ", counts[v], to_string(v));
    std::string out = table(f, header, bad);
    const std::size_t others = cs.size() - bad.size();
    const std::string line = fmt::format("{}{} (verdicts: {}).", bad.empty() ? "" : "And ",
                                         count_of(others, "case with no bad verdict", "cases with no bad verdict"),
                                         tally);
    if (f == Fmt::Markdown) return out + para(f, esc(f, line));
    return out + "<details><summary>" + html_escape(line) + "</summary>" + table(f, header, rows_of(false)) +
           "</details>\n";
}

std::string times_table(Fmt f, const RunDiff& d, const std::string& before_title, const std::string& after_title) {
    std::vector<std::vector<std::string>> rows;
    for (const TimeChange& t : d.times)
        if (t.changed)
            rows.push_back({esc(f, t.case_id), esc(f, t.image), fmt::format("{} / {}", t.n_before, t.n_after),
                            format_number(t.before_ms), format_number(t.after_ms), esc(f, ratio_text(t.ratio)),
                            fmt::format("{:.2g}", t.p)});
    return table(f,
                 {"case", "image", "n " + before_title + " / " + after_title, "median " + before_title + " ms",
                  "median " + after_title + " ms", "change", "p"},
                 rows);
}

/// The rule a wall time must pass, in words.
std::string time_rule(const DiffOptions& o) {
    return fmt::format("two-sided Mann-Whitney p < {} over a case's repetitions and a median change of at least "
                       "{:.0f}% and {} ms",
                       o.time_alpha, o.ratio * 100, format_number(o.min_delta_ms));
}

/// Wall time per case: the cases whose time changed significantly, how the test was applied, and
/// what to do when there were too few repetitions to test. Empty when there is nothing to say.
std::string times_block(Fmt f, const RunDiff& d, std::string_view title, const std::string& before_title,
                        const std::string& after_title) {
    const TimeTally t = tally_times(d);
    if (!t.changed && !t.untestable_differs) return "";
    std::string out = heading(f, 3, title);
    if (t.changed) {
        out += times_table(f, d, before_title, after_title);
        const std::size_t tested = t.changed + t.tested_unchanged;
        out += para(f, esc(f, fmt::format("A change needs {}. With {} tested, about {} could pass p < {} by chance "
                                          "alone.",
                                          time_rule(d.options), count_of(tested, "case", "cases"),
                                          fmt::format("{:.2g}", d.options.time_alpha * static_cast<double>(tested)),
                                          d.options.time_alpha)));
    }
    if (t.untestable_differs) {
        const std::string samples =
            t.untestable_samples ? fmt::format("with {} sample{} per side", *t.untestable_samples,
                                               *t.untestable_samples == 1 ? "" : "s")
                                 : fmt::format("with fewer than {} samples on a side", t.repetitions_needed);
        const bool one = t.untestable_differs == 1;
        out += para(f, esc(f, fmt::format("{} wall time differs; {} {} be called a change \xE2\x80\x94 rerun with "
                                          "--repeat {} to test.",
                                          count_of(t.untestable_differs, "case's", "cases'"), samples,
                                          one ? "it cannot" : "none can", t.repetitions_needed)));
    }
    return out;
}

std::string figures_table(Fmt f, const RunDiff& d, const std::string& before_title, const std::string& after_title) {
    std::vector<std::vector<std::string>> rows;
    for (const FigureChange& x : d.figures)
        if (x.moved)
            rows.push_back({esc(f, x.figure), format_number(x.before), format_number(x.after),
                            esc(f, ratio_text(x.ratio))});
    return table(f, {"figure", before_title, after_title, "change"}, rows);
}

std::string latency_table(Fmt f, const RunDiff& d, const std::string& before_title, const std::string& after_title) {
    std::vector<std::vector<std::string>> rows;
    for (const PerfDelta& p : d.latency) {
        if (!latency_moved(p, d.options)) continue;
        const std::string status = p.regression ? strong(f, "regression") : esc(f, to_string(p.status));
        rows.push_back({esc(f, p.key), std::to_string(p.old_s.n), std::to_string(p.new_s.n), format_number(p.old_s.p50),
                        format_number(p.new_s.p50), esc(f, ratio_text(p.ratio_p50)), format_number(p.old_s.p95),
                        format_number(p.new_s.p95), p.tested ? fmt::format("{:.2g}", p.test.p_greater) : "\xE2\x80\x93",
                        status});
    }
    return table(f,
                 {"latency", "n " + before_title, "n " + after_title, "p50 " + before_title + " ms",
                  "p50 " + after_title + " ms", "p50 change", "p95 " + before_title + " ms", "p95 " + after_title + " ms",
                  "p (slower)", "status"},
                 rows);
}

template <typename T, typename Pred>
std::size_t count_where(const std::vector<T>& v, Pred p) {
    return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), p));
}

std::size_t latency_moved_count(const RunDiff& d) {
    return count_where(d.latency, [&](const PerfDelta& p) { return latency_moved(p, d.options); });
}

/// One line for everything the comparison does not list, with the rule each had to pass.
std::string movement_note(Fmt f, const RunDiff& d) {
    const TimeTally t = tally_times(d);
    const std::size_t f_still = count_where(d.figures, [](const FigureChange& x) { return !x.moved; });
    const std::size_t l_still = d.latency.size() - latency_moved_count(d);
    std::vector<std::string> parts;
    if (t.tested_unchanged)  // the rule is stated once: beside the table of changes when there is one
        parts.push_back(fmt::format("{} with no significant change{}",
                                    count_of(t.tested_unchanged, "wall time", "wall times"),
                                    t.changed ? "" : " (a change needs " + time_rule(d.options) + ")"));
    if (t.untestable_same)
        parts.push_back(fmt::format("{} that moved less than {:.0f}% or {} ms (too few repetitions to test)",
                                    count_of(t.untestable_same, "wall time", "wall times"), d.options.ratio * 100,
                                    format_number(d.options.min_delta_ms)));
    if (f_still)
        parts.push_back(fmt::format("{} that moved less than {:.0f}%", count_of(f_still, "figure", "figures"),
                                    d.options.ratio * 100));
    if (l_still)
        parts.push_back(fmt::format("{} with no significant change (one-sided Mann-Whitney p < {} and a p50 change "
                                    "beyond {:.0f}%)",
                                    count_of(l_still, "latency series", "latency series"), d.options.latency.alpha,
                                    (d.options.latency.threshold_ratio - 1) * 100));
    if (parts.empty()) return "";
    std::string line = "Not shown: ";
    for (std::size_t i = 0; i < parts.size(); ++i)
        line += (i == 0 ? "" : i + 1 == parts.size() ? ", and " : ", ") + parts[i];
    return para(f, esc(f, line + "."));
}

std::string render_diff(Fmt f, const RunDiff& d) {
    std::vector<const VerdictChange*> escapes, worse, fixed, other;
    for (const auto& c : d.changes) {
        if (is_new_escape(c)) escapes.push_back(&c);
        else if (is_regression(c)) worse.push_back(&c);
        else if (is_fixed(c)) fixed.push_back(&c);
        else other.push_back(&c);
    }
    const std::size_t t_changed = tally_times(d).changed;
    const std::size_t f_moved = count_where(d.figures, [](const FigureChange& x) { return x.moved; });
    const std::size_t l_moved = latency_moved_count(d);
    std::string out = heading(f, 2, "Compared with run " + d.before_label);
    // Only what happened, so the line stays short: "1 new escape, 2 fixed, 40 unchanged".
    std::vector<std::string> parts;
    auto part = [&](std::size_t n, std::string_view one, std::string_view many) {
        if (n) parts.push_back(count_of(n, one, many));
    };
    part(escapes.size(), "new escape", "new escapes");
    part(worse.size(), "case got worse", "cases got worse");
    part(fixed.size(), "fixed", "fixed");
    part(other.size(), "other verdict change", "other verdict changes");
    part(d.added.size(), "new case", "new cases");
    part(d.removed.size(), "removed case", "removed cases");
    part(d.unchanged, "unchanged", "unchanged");
    part(t_changed, "wall time changed", "wall times changed");
    part(l_moved, "latency series moved", "latency series moved");
    part(f_moved, "figure moved", "figures moved");
    if (has_latency_regression(d)) parts.push_back("latency regression");
    const std::string line = parts.empty() ? ": nothing to compare." : fmt::format(": {}.", fmt::join(parts, ", "));
    out += para(f, strong(f, has_regression(d) ? "REGRESSION" : "No regression") + esc(f, line));
    const std::string b = "before", a = "after";
    auto section = [&](std::string_view title, const std::vector<const VerdictChange*>& cs) {
        if (cs.empty()) return;
        out += heading(f, 3, title);
        out += change_rows_table(f, cs, b, a, false);
    };
    section("New escapes", escapes);
    section("Got worse", worse);
    section("Fixed", fixed);
    section("Other verdict changes", other);
    if (!d.added.empty()) out += heading(f, 3, "New cases") + cases_block(f, d.added);
    if (!d.removed.empty()) out += heading(f, 3, "Removed cases") + cases_block(f, d.removed);
    out += times_block(f, d, "Wall time per case", b, a);
    if (l_moved) out += heading(f, 3, "Latency that moved") + latency_table(f, d, b, a);
    if (f_moved) out += heading(f, 3, "Performance figures that moved") + figures_table(f, d, b, a);
    out += movement_note(f, d);
    return out;
}

/// Column titles: the two profile names, or "name (run)" when both runs used the same name.
std::pair<std::string, std::string> profile_titles(const RunDiff& d) {
    if (d.before_profile != d.after_profile) return {d.before_profile, d.after_profile};
    return {fmt::format("{} ({})", d.before_profile, d.before_label),
            fmt::format("{} ({})", d.after_profile, d.after_label)};
}

std::string render_comparison(Fmt f, const RunDiff& d) {
    const auto [b, a] = profile_titles(d);
    std::string out = heading(f, 2, fmt::format("Profile comparison: {} vs {}", b, a));
    std::vector<const VerdictChange*> all;
    for (const auto& c : d.changes) all.push_back(&c);
    const std::size_t f_moved = count_where(d.figures, [](const FigureChange& x) { return x.moved; });
    const std::size_t t_changed = tally_times(d).changed;
    const std::size_t l_moved = latency_moved_count(d);
    out += para(f, strong(f, has_regression(d) ? esc(f, a + " is weaker") : esc(f, "No case got worse")) +
                       esc(f, fmt::format(": {} changed verdict, {} unchanged; {} and {} moved, {} changed.",
                                          count_of(all.size(), "case", "cases"), d.unchanged,
                                          count_of(l_moved, "latency series", "latency series"),
                                          count_of(f_moved, "figure", "figures"),
                                          count_of(t_changed, "wall time", "wall times"))));
    out += heading(f, 3, "Verdicts that changed");
    out += all.empty() ? para(f, esc(f, "None.")) : change_rows_table(f, all, b, a, true);
    if (!d.added.empty()) out += heading(f, 3, "Cases run only under " + a) + cases_block(f, d.added);
    if (!d.removed.empty()) out += heading(f, 3, "Cases run only under " + b) + cases_block(f, d.removed);
    out += heading(f, 3, "Latency and performance figures that moved");
    if (l_moved) out += latency_table(f, d, b, a);
    if (f_moved) out += figures_table(f, d, b, a);
    if (!l_moved && !f_moved) out += para(f, esc(f, "None."));
    out += times_block(f, d, "Wall time per case", b, a);
    out += movement_note(f, d);
    return out;
}

}  // namespace

std::string render_diff_markdown(const RunDiff& d) { return render_diff(Fmt::Markdown, d); }

std::string render_diff_html(const RunDiff& d) {
    return "<section class=\"diff\" id=\"diff\">\n" + render_diff(Fmt::Html, d) + "</section>\n";
}

std::string render_profile_comparison_markdown(const RunDiff& d) { return render_comparison(Fmt::Markdown, d); }

std::string render_profile_comparison_html(const RunDiff& d) {
    return "<section class=\"diff\" id=\"comparison\">\n" + render_comparison(Fmt::Html, d) + "</section>\n";
}

}  // namespace sh
