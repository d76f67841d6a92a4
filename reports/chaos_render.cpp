#include "reports/chaos_render.h"

#include <algorithm>

#include <fmt/format.h>

#include "reports/render_util.h"
#include "util/escape.h"

namespace sh {

namespace {

std::string seconds(const std::optional<double>& s) { return s ? fmt::format("{:.1f} s", *s) : "—"; }

/// What the run showed; for a fault that broke before the run showed anything, why.
std::string shown(const FaultResult& f) { return f.observed.empty() ? f.reason : f.observed; }

std::string headline(const std::vector<FaultResult>& faults, double wall_s) {
    const auto count = [&](FaultStatus s) {
        return std::count_if(faults.begin(), faults.end(), [s](const FaultResult& f) { return f.status == s; });
    };
    const auto broken = count(FaultStatus::Broken), skipped = count(FaultStatus::Skipped);
    return fmt::format("{}: {} faults, {} held, {} broken, {} skipped ({:.0f} s)", broken ? "CHAOS BROKEN" : "CHAOS HELD",
                       faults.size(), count(FaultStatus::Held), broken, skipped, wall_s);
}

}  // namespace

std::string render_chaos_markdown(const std::vector<FaultResult>& faults, double wall_s) {
    std::string out = "# " + headline(faults, wall_s) + "\n\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : faults)
        rows.push_back({markdown_escape(f.fault), to_string(f.status), seconds(f.recovery_s),
                        seconds(f.deadline_overrun_s), markdown_escape(shown(f))});
    out += md_table({"Fault", "Status", "Recovery", "Past deadline", "What the harness showed"}, rows);
    std::string notes;
    for (const auto& f : faults) {
        // What was injected and expected are the harness's own text, their commands in backticks.
        notes += fmt::format("- **{}**: {} Expected: {}", markdown_escape(f.fault), markdown_with_code(f.injected),
                             markdown_with_code(f.expected));
        if (!f.reason.empty()) notes += fmt::format(" **{}:** {}", to_string(f.status), markdown_escape(f.reason));
        notes += "\n";
    }
    out += "\n## Faults\n\n" + notes;
    return out;
}

std::string render_chaos_html(const std::vector<FaultResult>& faults, double wall_s) {
    std::string out = "<section><h2>" + html_escape(headline(faults, wall_s)) + "</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : faults) {
        const std::string status = f.status == FaultStatus::Broken ? "<strong class=\"bad\">broken</strong>"
                                                                   : html_escape(to_string(f.status));
        rows.push_back({"<code>" + html_escape(f.fault) + "</code>", status, seconds(f.recovery_s),
                        seconds(f.deadline_overrun_s), html_escape(shown(f))});
    }
    out += html_table({"Fault", "Status", "Recovery", "Past deadline", "What the harness showed"}, rows);
    out += "</section>\n<section><h2>Faults</h2>\n<ul>\n";
    for (const auto& f : faults) {
        out += "<li><strong>" + html_escape(f.fault) + "</strong>: " + html_with_code(f.injected) +
               " Expected: " + html_with_code(f.expected);
        if (!f.reason.empty()) out += " <strong>" + html_escape(to_string(f.status)) + ":</strong> " + html_escape(f.reason);
        out += "</li>\n";
    }
    return out + "</ul>\n</section>\n";
}

}  // namespace sh
