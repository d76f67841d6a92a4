#pragma once
/// The runtime comparison (core/runtime_comparison.h): containment × cost, one column per runtime,
/// as Markdown and as an HTML section. summary.md and report.html show it when a report's
/// meta.extra holds `runtime_comparison`; `review` prints it and adds it to review.md/review.html.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/runtime_comparison.h"

namespace sh {

/// "## Runtime comparison: runc (current) and runsc (proposed)", then containment and cost (one
/// row per figure), the Known Weaknesses each runtime closes or leaves open, and every case with
/// its verdicts under each runtime (cases that differ first).
/// `with_headline`: its one-line headline first (off where the report's own headline is it).
std::string runtime_comparison_markdown(const RuntimeComparison&, bool with_headline = true);
/// The same as an HTML <section> (styled by report.html's stylesheet).
std::string runtime_comparison_html(const RuntimeComparison&, bool with_headline = true);

/// "default.env (runc) → runsc.env (runsc)": the profiles a comparison stored in `extra` compares;
/// nullopt without one. A report meta line shows it in place of one profile.
std::optional<std::string> compared_profiles(const nlohmann::json& extra);

/// The comparison stored in a report's meta.extra (`runtime_comparison`), rendered; empty when
/// there is none, and one line naming the problem when it cannot be read (a report never fails on it).
/// Without the headline when `extra` is the report's only content (review's OUT/report.json):
/// the report's own headline is that line.
std::string runtime_section_markdown(const nlohmann::json& extra, bool with_headline = true);
std::string runtime_section_html(const nlohmann::json& extra, bool with_headline = true);

}  // namespace sh
