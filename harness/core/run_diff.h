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

/// When a figure counts as moved: a relative change of at least `ratio`.
///
/// When a case's wall time counts as changed: its repetitions in the two runs (one sample per
/// record) differ under a two-sided Mann-Whitney U test, p < `time_alpha`, AND the medians differ by
/// at least `ratio` and at least `min_delta_ms` (the minimum effect size, so that a significant but
/// negligible shift, or a tiny case, does not show). A single sample per side can never be a change:
/// see min_p_two_sided() and repetitions_needed().
///
/// Latency series (meta.extra samples_ms) are compared by perf_compare.h with `latency`.
struct DiffOptions {
    double ratio = 0.10;
    double min_delta_ms = 5.0;
    double time_alpha = 0.05;
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

/// A case's wall time in both runs. The samples are its repetitions that were launched and not
/// skipped; before_ms and after_ms are their medians.
struct TimeChange {
    std::string case_id;
    std::string image;
    std::size_t n_before = 0;
    std::size_t n_after = 0;
    double before_ms = 0;
    double after_ms = 0;
    double ratio = 0;       ///< after / before (0 when before is 0)
    bool differs = false;   ///< the medians differ by the minimum effect size (ratio and min_delta_ms)
    bool testable = false;  ///< min_p_two_sided(n_before, n_after) < time_alpha: the test can decide
    double p = 1;           ///< two-sided Mann-Whitney p; 1 when not testable
    bool changed = false;   ///< testable, p < time_alpha and differs: the only wall times a report lists
};

/// The smallest two-sided Mann-Whitney p that samples of sizes m and n can reach (no ties, every
/// value of one side above every value of the other): 2 / C(m + n, m), at most 1. With one sample
/// per side it is 1; with 4 per side 2/70 = 0.029.
double min_p_two_sided(std::size_t m, std::size_t n);
/// The fewest samples per side (equal sizes) for which min_p_two_sided() < alpha: 4 at alpha 0.05,
/// 5 at 0.01. What `--repeat` a user needs before a wall time can be called a change.
std::size_t repetitions_needed(double alpha);

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
    std::vector<TimeChange> times;       ///< every case in both runs with a wall time: changed first,
                                         ///< then by size of movement
    std::vector<FigureChange> figures;   ///< largest movement first
    std::vector<PerfDelta> latency;      ///< meta.extra latency series (latency_series()), by key
};

/// Throws std::invalid_argument when an alpha is outside (0, 1).
RunDiff diff_runs(const RunReport& before, const RunReport& after, const DiffOptions& = {});

/// The wall-time comparison in counts, for the one line that stands for every case not listed.
struct TimeTally {
    std::size_t changed = 0;
    std::size_t tested_unchanged = 0;    ///< testable, but not significant or below the effect size
    std::size_t untestable_differs = 0;  ///< medians differ by the effect size, too few samples to test
    std::size_t untestable_same = 0;     ///< too few samples to test, and medians close anyway
    /// The samples per side of every untestable case that differs, when they all have the same
    /// number on both sides (typically 1); empty when they vary.
    std::optional<std::size_t> untestable_samples;
    std::size_t repetitions_needed = 0;  ///< repetitions_needed(time_alpha)
};
TimeTally tally_times(const RunDiff&);

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
