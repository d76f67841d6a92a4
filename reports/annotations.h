#pragma once
/// GitHub Actions workflow commands for the cases a reader must look at: one
/// `::error file=…,line=1,title=…::…` per escaped, failed or error case (`::warning` for an
/// accepted risk is left out: it is known), so the run's page marks the probe's own file.

#include <map>
#include <string>

#include "core/run_report.h"

namespace sh {

/// Each on its record's script (Record::script, relative to the checkout; none when it is empty).
/// The message and the properties are escaped as the runner requires (%, CR and LF; in
/// properties also : and ,), and sanitised like every other output.
std::string github_annotations(const RunReport&);

}  // namespace sh
