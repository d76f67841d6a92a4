#pragma once
/// A run comparison (core/run_diff.h) as Markdown and as HTML sections.

#include <string>

#include "core/run_diff.h"

namespace sh {

/// "## Compared with RUN" and tables: new escapes, got worse, fixed, other verdict changes, new
/// and removed cases, wall times that changed significantly (or one line saying how many
/// repetitions it takes to tell), latency series and figures that moved; one line counts the rest.
std::string render_diff_markdown(const RunDiff&);
/// The same as an HTML <section> for report.html (styled by its stylesheet).
std::string render_diff_html(const RunDiff&);

/// For a security review: every probe whose verdict changed, with one column per profile, then
/// every latency figure that moved and every wall time that changed significantly.
std::string render_profile_comparison_markdown(const RunDiff&);
std::string render_profile_comparison_html(const RunDiff&);

}  // namespace sh
