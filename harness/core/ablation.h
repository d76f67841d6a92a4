#pragma once
/// Ablation: which rows `ablate` runs, and the coverage matrix (core/coverage.h) built from their
/// runs. Pure: no I/O; cli/cmd_ablate.cpp runs the rows and writes the matrix.
///
/// Rows. "default" is the profile as shipped. "validator-off" is the same with the AST check off:
/// the runtime alone must contain every probe. Each weakening then runs with the AST check off as
/// well, so that a runtime control is tested alone rather than behind the AST check. A probe
/// catches a runtime weakening when it escapes; it catches the AST weakening when it was stopped
/// by the AST check in "default" and had to be stopped by something else without it. The last row,
/// "self-test", runs the probes that have a `self-test` against their own stand-in: the positive
/// control of an escape no weakening can produce on a patched host.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/case_spec.h"
#include "core/coverage.h"
#include "core/profile.h"
#include "core/run_report.h"

namespace sh {

struct AblationRow {
    std::string key;          ///< output sub-directory and matrix row
    std::string control;      ///< the control it weakens ("" for the reference rows)
    std::string description;
    std::map<std::string, std::string> overrides;
    bool self_test = false;   ///< the probes' own stand-in positive controls (their `self-test`)
};

inline constexpr const char* kAblationDefaultRow = "default";
inline constexpr const char* kAblationRuntimeOnlyRow = "validator-off";

/// "default", "validator-off", one row per weakening (named after its file, AST check off), then
/// "self-test" (default profile, AST check off).
std::vector<AblationRow> ablation_rows(const std::vector<Weakening>&);

/// The id filters a row runs with, or nullopt when it has nothing to run: the self-test row when
/// no selected case has a self-test; with `targeted`, a weakening row runs only the selected
/// probes that name its control (none: skipped). Otherwise `filters`, the user's own.
std::optional<std::vector<std::string>> ablation_row_filters(const AblationRow&,
                                                             const std::vector<const CaseSpec*>& selected,
                                                             bool targeted, const std::vector<std::string>& filters);

/// The matrix of the weakened rows that ran (`runs` by row key, in row order), with the selected
/// probes' `checked-by`, each row's description, and the AST row's catches: probes stopped by the
/// AST check in "default" that were not stopped by it there.
CoverageMatrix ablation_coverage(const std::vector<AblationRow>&, const std::map<std::string, RunReport>& runs,
                                 const std::vector<const CaseSpec*>& selected);

/// "id[image]" of each case that failed or escaped in the "validator-off" run (the runtime alone
/// did not contain it); empty when that row did not run.
std::vector<std::string> runtime_escapes(const std::map<std::string, RunReport>& runs);

}  // namespace sh
