#include "reports/coverage_render.h"

#include <algorithm>

#include <fmt/format.h>

#include "reports/render_util.h"
#include "util/escape.h"

namespace sh {

namespace {

/// One or two characters per cell so a wide matrix stays readable.
std::string symbol(Verdict v) {
    switch (v) {
        case Verdict::Escaped: return "\xE2\x9C\x97";    // ✗
        case Verdict::Contained: return "\xE2\x9C\x93";  // ✓
        case Verdict::AcceptedRisk: return "AR";
        case Verdict::Error: return "E";
        case Verdict::Skipped: return "S";
        case Verdict::Pass: return "P";
        case Verdict::Fail: return "F";
        case Verdict::Flaky: return "~";
    }
    return "?";
}

constexpr const char* kLegend =
    "✗ escaped (the probe caught the weakened control); ✓ contained; AR accepted-risk; E error; "
    "S skipped; · not run";

}  // namespace

std::string coverage_markdown(const CoverageMatrix& m) {
    std::string out = "\n## Coverage: weakened control × probe\n\n";
    std::vector<std::string> header = {"weakened control"};
    for (const auto& p : m.probes) header.push_back(markdown_escape(p));
    header.push_back("caught by");
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : m.controls) {
        std::vector<std::string> row = {markdown_escape(c)};
        int caught = 0;
        for (const auto& p : m.probes) {
            const auto it = m.cells.find({c, p});
            row.push_back(it == m.cells.end() ? "\xC2\xB7" : symbol(it->second));  // "·"
            caught += catches(m, c, p);
        }
        row.push_back(caught ? std::to_string(caught) : "**none**");
        rows.push_back(std::move(row));
    }
    out += md_table(header, rows);
    out += "\n" + markdown_escape(kLegend) + "\n";
    if (!m.weakening_description.empty()) {
        out += "\n### How each control was weakened\n\n";
        std::vector<std::vector<std::string>> wrows;
        for (const auto& c : m.controls)
            if (const auto it = m.weakening_description.find(c); it != m.weakening_description.end())
                wrows.push_back({markdown_escape(c), markdown_escape(it->second)});
        out += md_table({"control", "weakening"}, wrows);
    }
    const auto uncovered = uncovered_controls(m), silent = probes_never_failing(m);
    out += "\n### Findings\n\n";
    auto list = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ", ") + markdown_escape(x);
        return s.empty() ? std::string("none") : s;
    };
    out += "- Controls no probe caught: " + list(uncovered) + "\n";
    out += "- Probes never seen to fail, neither escaped nor accepted-risk in any row (no positive control): " + list(silent) + "\n";
    for (const auto& [p, test] : m.checked_by)
        out += "- " + markdown_escape(p) + " attacks the harness itself; its own report cannot show an escape. Checked by: " +
               markdown_escape(test) + "\n";
    return out;
}

std::string coverage_html(const CoverageMatrix& m) {
    std::string out = "<section class=\"coverage\" id=\"coverage\">\n<h2>Coverage: weakened control × probe</h2>\n";
    out += "<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>weakened control</th>";
    const auto silent = probes_never_failing(m);
    for (const auto& p : m.probes) {
        const bool never = std::find(silent.begin(), silent.end(), p) != silent.end();
        out += fmt::format("<th class=\"probe{}\"><span>{}</span></th>", never ? " silent" : "", html_escape(p));
    }
    out += "<th>caught by</th></tr></thead><tbody>\n";
    for (const auto& c : m.controls) {
        int caught = 0;
        std::string cells;
        for (const auto& p : m.probes) {
            const auto it = m.cells.find({c, p});
            if (it == m.cells.end()) {
                cells += "<td class=\"cell none\">\xC2\xB7</td>";
                continue;
            }
            caught += it->second == Verdict::Escaped;
            cells += fmt::format("<td class=\"cell\" style=\"background:{}\" title=\"{}\">{}</td>",
                                 verdict_color(it->second), html_escape(fmt::format("{} / {}: {}", c, p, to_string(it->second))),
                                 symbol(it->second));
        }
        const auto desc = m.weakening_description.find(c);
        out += fmt::format("<tr{}><th title=\"{}\">{}</th>{}<td>{}</td></tr>\n", caught ? "" : " class=\"uncovered\"",
                           desc == m.weakening_description.end() ? "" : html_escape(desc->second), html_escape(c),
                           cells, caught ? std::to_string(caught) : "<strong>none</strong>");
    }
    out += "</tbody></table></div>\n<p class=\"legend\">" + html_escape(kLegend) + "</p>\n";
    std::vector<std::vector<std::string>> wrows;
    for (const auto& c : m.controls)
        if (const auto it = m.weakening_description.find(c); it != m.weakening_description.end())
            wrows.push_back({html_escape(c), html_escape(it->second)});
    if (!wrows.empty()) out += "<h3>How each control was weakened</h3>\n" + html_table({"control", "weakening"}, wrows);
    auto list = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ", ") + ("<code>" + html_escape(x) + "</code>");
        return s.empty() ? std::string("none") : s;
    };
    out += "<ul><li>Controls no probe caught: " + list(uncovered_controls(m)) + "</li>\n";
    out += "<li>Probes never seen to fail, neither escaped nor accepted-risk in any row (no positive control): " + list(silent) + "</li>\n";
    for (const auto& [p, test] : m.checked_by)
        out += "<li><code>" + html_escape(p) + "</code> attacks the harness itself; its own report cannot show an escape. Checked by: " +
               html_escape(test) + "</li>\n";
    out += "</ul>\n";
    return out + "</section>\n";
}

}  // namespace sh
