#pragma once
/// The `chaos` command's table as Markdown (chaos.md, and the terminal) and as HTML sections
/// (chaos.html, through standalone_html in reports/exporter.h).

#include <string>
#include <vector>

#include "core/chaos.h"

namespace sh {

/// A headline ("CHAOS HELD: 8 faults, 1 skipped" / "CHAOS BROKEN: …"), then one row per fault:
/// fault, status, recovery, deadline overrun, what the harness showed; then the reasons of broken
/// and skipped rows.
std::string render_chaos_markdown(const std::vector<FaultResult>&, double wall_s);
/// The same table and notes as HTML sections, broken rows marked as problems.
std::string render_chaos_html(const std::vector<FaultResult>&, double wall_s);

}  // namespace sh
