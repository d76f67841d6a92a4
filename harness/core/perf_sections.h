#pragma once
/// Reading the performance figures a run keeps in `RunMeta::extra` (reports/SCHEMA.md,
/// "meta.extra"): each top-level key is a section. Renderers show whatever they find and never
/// fail on a shape they do not know: it is shown as compact JSON instead.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sh {

/// A table of JSON scalars; the first column names the row.
struct PerfTable {
    std::string caption;  ///< the member's key, or empty for the section's main table
    std::vector<std::string> columns;
    std::vector<std::vector<nlohmann::json>> rows;
};

struct LatencySeries {
    std::string name;  ///< the section's key when `samples_ms` is a plain array
    std::vector<double> samples_ms;
};

/// A series of (x, y) points for a chart: drawn as a line, or as marks.
struct XySeries {
    std::string name;
    std::vector<std::pair<double, double>> points;
    bool line = false;
};

struct PerfSection {
    std::string key;
    std::string title;  ///< `title`, else the key
    std::string note;
    std::vector<PerfTable> tables;       ///< loose scalar figures first ("figure | value"), then the rest
    std::vector<LatencySeries> latency;  ///< from `samples_ms`
    std::string unparsed;                ///< compact JSON of members of no known shape
    /// From `xy_series` ([{name, points: [[x, y], ...], line}]) with `x_label` and `y_label`: a chart.
    std::vector<XySeries> xy;
    std::string x_label, y_label;
};

/// Shapes understood, inside a section object:
///   `title`, `note` (strings); `columns` + `rows` (rows as arrays or as objects by column);
///   `samples_ms` (array of numbers, or name → array); scalar members (figures); an array of flat
///   objects (a table, columns = union of keys); an object of flat objects (a table, one row per
///   key — e.g. latency summaries keyed by case); `xy_series` with `x_label`, `y_label` (a chart
///   of lines and marks). A section may also be an array of flat objects,
///   an array of numbers (samples), or a scalar.
/// `runtime_comparison` is left out: it is no table of figures (reports/runtime_render.h draws it).
/// Order: the sections `bench` and `capacity` write, in reading order (latency before phases,
/// CPU and host; the concurrency sweep before the model and the limits), then every other key in
/// alphabetical order.
std::vector<PerfSection> perf_sections(const nlohmann::json& extra);

/// What a report of `bench` or `capacity` measured: those commands write no records, only
/// sections of `extra` (reports/SCHEMA.md), so their report leads with these figures instead of
/// a verdict count.
struct Measurement {
    std::string command;   ///< "bench", "capacity" or "review" (a runtime comparison)
    std::string headline;  ///< the command and its key figure, e.g. "bench: launch p50 414 ms, p95
                           ///< 499 ms (hello [base], 20 launches) · 0.29 host CPU-s per launch";
                           ///< the command alone when the figure is missing
};
/// Told from the section keys (`runtime_comparison`, `bench_*`, `capacity_*`); nullopt when
/// `extra` has none of them.
std::optional<Measurement> measurement(const nlohmann::json& extra);

/// Every numeric figure of `extra` by a stable name: "section/figure" for loose figures,
/// "section/[caption/]row/column" for table cells (the row named by its first cell). Samples are
/// not figures: compare them with latency_series().
std::map<std::string, double> perf_figures(const nlohmann::json& extra);
/// Every latency series of `extra`, by "section/series" ("section" for a section's own samples).
std::map<std::string, std::vector<double>> latency_series(const nlohmann::json& extra);

/// Compact, locale-independent: integers as such, otherwise 3-4 significant digits; "–" for NaN.
std::string format_number(double);
/// A JSON scalar as a table cell (strings unquoted, numbers via format_number, null as "–").
std::string format_scalar(const nlohmann::json&);

}  // namespace sh
