#pragma once
/// Comparing two runs: for the nightly job (what changed since last night, and does it fail the
/// build?) and for a security review (the same suite under the current and a proposed profile).
/// Pure: no I/O; reports/diff_render.h draws it.

#include <optional>
#include <string>
#include <vector>

#include "core/perf_compare.h"
#include "core/run_report.h"

namespace sh {

/// When a wall time or a figure counts as moved: relative change of at least `ratio` AND (for wall
/// times, in ms) an absolute change of at least `min_delta_ms`, so tiny cases do not flap.
/// Latency samples are compared with a significance test instead (perf_compare.h), `latency`.
struct DiffOptions {
    double ratio = 0.10;
    double min_delta_ms = 5.0;
    CompareOptions latency;
};

/// One case (case_id + image) whose verdicts differ. When both runs have the same repetitions of
/// the case, repetitions are compared one by one and `repetition` is set; otherwise the sets of
/// verdicts over all repetitions are compared and `repetition` is empty.
struct VerdictChange {
    std::string case_id;
    std::string image;
    std::string family;
    std::optional<int> repetition;
    VerdictSet before;
    VerdictSet after;
    std::string evidence;  ///< first evidence line of the newer run's worst record (raw text)
};

/// before had a good verdict (pass, contained, accepted-risk) and no bad one; after has a bad one
/// (fail, escaped, error).
bool is_regression(const VerdictChange&);
/// after has escaped, before did not.
bool is_new_escape(const VerdictChange&);
/// before had a bad verdict, after has none (and is not only skipped).
bool is_fixed(const VerdictChange&);

struct CaseVerdicts {
    std::string case_id;
    std::string image;
    std::string family;
    VerdictSet verdicts;
};

/// Median wall time of a case's repetitions in each run (records that were launched and not
/// skipped).
struct TimeChange {
    std::string case_id;
    std::string image;
    double before_ms = 0;
    double after_ms = 0;
    double ratio = 0;  ///< after / before (0 when before is 0)
    bool moved = false;
};

/// A numeric figure of meta.extra present in both runs (see perf_figures()): moved when the
/// relative change is at least DiffOptions::ratio.
struct FigureChange {
    std::string figure;
    double before = 0;
    double after = 0;
    double ratio = 0;
    bool moved = false;
};

struct RunDiff {
    DiffOptions options;
    std::string before_label, after_label;      ///< run ids
    std::string before_profile, after_profile;  ///< profile names (profile_label)
    std::vector<VerdictChange> changes;  ///< regressions first, then other changes, fixed last
    std::vector<CaseVerdicts> added;     ///< cases only in the newer run
    std::vector<CaseVerdicts> removed;   ///< cases only in the older run
    std::size_t unchanged = 0;           ///< compared units (case+image, or repetition) that did not change
    std::vector<TimeChange> times;       ///< largest movement first
    std::vector<FigureChange> figures;   ///< largest movement first
    std::vector<PerfDelta> latency;      ///< meta.extra latency series (latency_series()), by key
};

RunDiff diff_runs(const RunReport& before, const RunReport& after, const DiffOptions& = {});

/// Any change that is_regression(): the nightly job fails on it. Cases only in one run do not
/// count (a new case's own verdict is in the newer run's summary).
bool has_regression(const RunDiff&);
/// Any latency series that perf_compare() calls a regression (significantly slower, and by more
/// than DiffOptions::latency.threshold_ratio). Separate from has_regression: the caller decides.
bool has_latency_regression(const RunDiff&);
/// A latency series worth showing: a regression or improvement, or an untested one whose p50
/// moved by DiffOptions::ratio or more.
bool latency_moved(const PerfDelta&, const DiffOptions&);
std::vector<VerdictChange> new_escapes(const RunDiff&);
std::vector<VerdictChange> fixed_cases(const RunDiff&);
/// "new escape", "worse", "fixed" or "changed".
const char* change_class(const VerdictChange&);

}  // namespace sh
