#pragma once
/// The ablation coverage matrix (core/coverage.h) as Markdown and as an HTML section.

#include <string>

#include "core/coverage.h"

namespace sh {

/// A grid (✗ escaped: the probe caught the weakening; ✓ contained; other verdicts by initial),
/// then the two findings.
std::string coverage_markdown(const CoverageMatrix&);
/// The same grid as an HTML <section> with coloured cells (styled by report.html's stylesheet).
std::string coverage_html(const CoverageMatrix&);

}  // namespace sh
