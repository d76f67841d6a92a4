#pragma once
/// The ablation coverage matrix: rows are controls weakened one at a time, columns are probes,
/// a cell is the probe's verdict in the run with that control weakened. A probe "catches" a
/// weakened control when it escapes; a control that no probe catches is a finding in itself, and
/// so is a probe that never reports an escape in any row (escaped, or accepted-risk: it has no
/// positive control and may be unable to fail). Pure: no I/O; reports/coverage_render.h draws it.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/run_report.h"

namespace sh {

struct CoverageMatrix {
    std::vector<std::string> controls;  ///< rows: the weakened control
    std::vector<std::string> probes;    ///< columns: probe ids
    std::map<std::pair<std::string, std::string>, Verdict> cells;  ///< (control, probe) → verdict; may be sparse
    std::map<std::string, std::string> weakening_description;
    /// Cells that caught their weakening without an escape: a probe the AST check stopped in the
    /// default run that another control had to stop once the check was off.
    std::set<std::pair<std::string, std::string>> caught;      ///< control → what was weakened, and how
    /// Probes that attack the harness itself, whose escape their own report cannot show: probe →
    /// the test that checks the harness against them (their `checked-by`). Not "never failing".
    std::map<std::string, std::string> checked_by;
};

/// Builds a matrix from one run per weakened control. A cell is `escaped` when any record of the
/// probe (any image or repetition) escaped, else the worst verdict of its records. Workloads are
/// not columns.
CoverageMatrix build_coverage(const std::vector<std::pair<std::string, RunReport>>& runs_by_control);

/// The probe caught the weakened control: it escaped in that row, or it is in `caught`.
bool catches(const CoverageMatrix&, const std::string& control, const std::string& probe);
/// Controls whose row has no Escaped cell, in row order.
std::vector<std::string> uncovered_controls(const CoverageMatrix&);
/// Probes whose column has neither an Escaped nor an AcceptedRisk cell (an accepted risk is an
/// escape the probe reported, of a documented Known Weakness), in column order; probes in
/// `checked_by` are not among them.
std::vector<std::string> probes_never_failing(const CoverageMatrix&);

/// {"controls": [...], "probes": [...], "weakening": {control: text}, "cells": {control: {probe:
/// verdict}}, "uncovered_controls": [...], "probes_never_failing": [...], "checked_by": {probe: test}}
nlohmann::json coverage_json(const CoverageMatrix&);
}  // namespace sh
