#pragma once
/// Inline SVG charts for report.html, drawn in C++ so the report needs no script library and no
/// network. Every chart scales to its container (viewBox, width 100%); all text is HTML-escaped.

#include <string>
#include <vector>

#include "core/perf_sections.h"
#include "core/run_report.h"

namespace sh {

struct BarItem {
    std::string label;
    double value = 0;
    std::string color;    ///< CSS colour of the bar
    std::string tooltip;  ///< raw text shown on hover
};

/// Horizontal bars, one per item, labelled on the left, value (with `unit`) at the bar's end.
std::string svg_bar_chart(const std::vector<BarItem>& items, const std::string& unit);

/// A donut of the verdict counts with the total in its centre and a legend.
std::string svg_verdict_donut(const RunSummary&);

/// A histogram of `samples` (ms) in 24 bins over their range, with p50/p95/p99 marked.
std::string svg_histogram(const std::vector<double>& samples_ms, const std::string& title);

struct CdfSeries {
    std::string name;
    std::vector<double> samples_ms;
};
/// Empirical CDFs of one or more series on shared axes (ms on x, fraction on y).
std::string svg_cdf(const std::vector<CdfSeries>& series, const std::string& title);

/// Lines and marks on shared linear axes from 0 (`series`: XySeries of core/perf_sections.h).
std::string svg_xy_chart(const std::vector<XySeries>& series, const std::string& x_label, const std::string& y_label,
                         const std::string& title);

/// Axis ticks: about `count` round values (1, 2 or 5 × 10^k steps) from 0 to at least `max`.
std::vector<double> nice_ticks(double max, int count = 5);
/// As nice_ticks, from at most `min` (rounded down to a step) to at least `max`.
std::vector<double> nice_range_ticks(double min, double max, int count = 5);

}  // namespace sh
