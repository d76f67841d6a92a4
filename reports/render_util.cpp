#include "reports/render_util.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/run_report.h"

namespace sh {

std::string md_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    if (rows.empty()) return "";
    auto line = [](const std::vector<std::string>& cells) {
        std::string s = "|";
        for (const auto& c : cells) s += " " + c + " |";
        return s + "\n";
    };
    std::string out = line(header);
    out += "|";
    for (std::size_t i = 0; i < header.size(); ++i) out += "---|";
    out += "\n";
    for (const auto& r : rows) out += line(r);
    return out;
}

std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       const std::string& css_class) {
    if (rows.empty()) return "";
    std::string out = css_class.empty() ? "<table>" : fmt::format("<table class=\"{}\">", css_class);
    out += "<thead><tr>";
    for (const auto& h : header) out += "<th>" + h + "</th>";
    out += "</tr></thead><tbody>\n";
    for (const auto& r : rows) {
        out += "<tr>";
        for (const auto& c : r) out += "<td>" + c + "</td>";
        out += "</tr>\n";
    }
    return out + "</tbody></table>\n";
}

const char* verdict_color(Verdict v) {
    switch (v) {
        case Verdict::Escaped: return "#c62828";
        case Verdict::Fail: return "#e65100";
        case Verdict::Error: return "#7b1fa2";
        case Verdict::AcceptedRisk: return "#f9a825";
        case Verdict::Skipped: return "#9e9e9e";
        case Verdict::Flaky: return "#8d6e63";
        case Verdict::Contained: return "#2e7d32";
        case Verdict::Pass: return "#66bb6a";
    }
    return "#000000";
}

std::string html_verdict(Verdict v) {
    return fmt::format("<span class=\"v v-{0}\">{0}</span>", to_string(v));
}

namespace {

std::vector<Verdict> by_severity(const VerdictSet& s) {
    std::vector<Verdict> v(s.begin(), s.end());
    std::sort(v.begin(), v.end(), [](Verdict a, Verdict b) { return severity_rank(a) < severity_rank(b); });
    return v;
}

}  // namespace

std::string verdict_set_text(const VerdictSet& s) {
    if (s.empty()) return "\xE2\x80\x94";  // "—"
    std::string out;
    for (Verdict v : by_severity(s)) out += (out.empty() ? "" : ", ") + std::string(to_string(v));
    return out;
}

std::string html_verdict_set(const VerdictSet& s) {
    if (s.empty()) return "\xE2\x80\x94";
    std::string out;
    for (Verdict v : by_severity(s)) out += (out.empty() ? "" : " ") + html_verdict(v);
    return out;
}


std::string ratio_text(double ratio) {
    if (!std::isfinite(ratio) || ratio <= 0) return "n/a";
    if (ratio >= 2) return fmt::format("\xC3\x97{:.1f}", ratio);  // "×3.1"
    const double pct = (ratio - 1) * 100;
    if (pct < 0) return fmt::format("\xE2\x88\x92{:.0f}%", -pct);  // "−8%"
    return fmt::format("+{:.0f}%", pct);
}

}  // namespace sh
