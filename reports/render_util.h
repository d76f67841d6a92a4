#pragma once
/// Small pieces shared by the Markdown and HTML renderers (reports, diffs, coverage), so that a
/// verdict looks the same wherever it appears.

#include <set>
#include <string>
#include <vector>

#include "core/run_report.h"

namespace sh {

/// A Markdown table; cells must already be markdown_escape'd. Empty when there are no rows.
std::string md_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

/// An HTML table; cells are HTML already (escape text with html_escape first).
std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       const std::string& css_class = "");

/// The colour a verdict has in every chart and badge.
const char* verdict_color(Verdict);
/// `<span class="v v-escaped">escaped</span>` (the classes are styled by the HTML report).
std::string html_verdict(Verdict);
/// "contained, escaped" in severity order (worst first); "—" when empty.
std::string verdict_set_text(const VerdictSet&);
/// As html_verdict for each member of the set.
std::string html_verdict_set(const VerdictSet&);

/// "+12%" / "−8%" / "×3.1" for a ratio new/old; "n/a" when old is 0.
std::string ratio_text(double ratio);

}  // namespace sh
