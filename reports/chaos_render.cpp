#include "reports/chaos_render.h"

#include <algorithm>

#include <fmt/format.h>

#include "reports/render_util.h"
#include "util/escape.h"

namespace sh {

namespace {

std::string seconds(const std::optional<double>& s) { return s ? fmt::format("{:.1f} s", *s) : "—"; }

}  // namespace

std::string render_chaos_markdown(const std::vector<FaultResult>& faults, double wall_s) {
    const auto count = [&](FaultStatus s) {
        return std::count_if(faults.begin(), faults.end(), [s](const FaultResult& f) { return f.status == s; });
    };
    const auto broken = count(FaultStatus::Broken), skipped = count(FaultStatus::Skipped);
    std::string out = fmt::format("# {}: {} faults, {} held, {} broken, {} skipped ({:.0f} s)\n\n",
                                  broken ? "CHAOS BROKEN" : "CHAOS HELD", faults.size(), count(FaultStatus::Held),
                                  broken, skipped, wall_s);
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : faults)
        rows.push_back({markdown_escape(f.fault), to_string(f.status), seconds(f.recovery_s),
                        seconds(f.deadline_overrun_s), markdown_escape(f.observed)});
    out += md_table({"Fault", "Status", "Recovery", "Past deadline", "What the harness showed"}, rows);
    std::string notes;
    for (const auto& f : faults) {
        notes += fmt::format("- **{}**: {} Expected: {}", markdown_escape(f.fault), markdown_escape(f.injected),
                             markdown_escape(f.expected));
        if (!f.reason.empty()) notes += fmt::format(" **{}:** {}", to_string(f.status), markdown_escape(f.reason));
        notes += "\n";
    }
    out += "\n## Faults\n\n" + notes;
    return out;
}

}  // namespace sh
