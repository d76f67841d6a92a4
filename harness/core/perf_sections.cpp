#include "core/perf_sections.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "core/runtime_comparison.h"
#include "core/stats.h"

namespace sh {

std::string format_number(double x) {
    if (std::isnan(x)) return "\xE2\x80\x93";  // "–"
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    if (x == std::floor(x) && std::fabs(x) < 1e15) return fmt::format("{}", static_cast<long long>(x));
    const double a = std::fabs(x);
    if (a >= 100) return fmt::format("{:.1f}", x);
    if (a >= 1) return fmt::format("{:.2f}", x);
    return fmt::format("{:.3g}", x);
}

std::string format_scalar(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return format_number(v.get<double>());
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_null()) return "\xE2\x80\x93";
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

bool is_flat_object(const nlohmann::json& v) {
    return v.is_object() && !v.empty() &&
           std::all_of(v.begin(), v.end(), [](const nlohmann::json& x) { return x.is_primitive(); });
}

std::optional<std::vector<double>> numbers(const nlohmann::json& v) {
    if (!v.is_array() || v.empty()) return std::nullopt;
    std::vector<double> out;
    for (const auto& x : v) {
        if (!x.is_number()) return std::nullopt;
        out.push_back(x.get<double>());
    }
    return out;
}

void add_column(std::vector<std::string>& cols, const std::string& c) {
    if (std::find(cols.begin(), cols.end(), c) == cols.end()) cols.push_back(c);
}

std::optional<PerfTable> explicit_table(const nlohmann::json& sec) {
    if (!sec.contains("columns") || !sec.contains("rows") || !sec["columns"].is_array() || !sec["rows"].is_array())
        return std::nullopt;
    PerfTable t;
    for (const auto& c : sec["columns"]) t.columns.push_back(format_scalar(c));
    for (const auto& row : sec["rows"]) {
        std::vector<nlohmann::json> cells;
        if (row.is_array()) cells.assign(row.begin(), row.end());
        else if (row.is_object())
            for (const auto& c : t.columns) cells.push_back(row.contains(c) ? row[c] : nlohmann::json());
        else cells.push_back(row);
        cells.resize(std::max(cells.size(), t.columns.size()));
        t.rows.push_back(std::move(cells));
    }
    return t;
}

std::optional<PerfTable> table_of_objects(const nlohmann::json& arr) {
    if (!arr.is_array() || arr.empty() || !std::all_of(arr.begin(), arr.end(), is_flat_object)) return std::nullopt;
    PerfTable t;
    for (const auto& o : arr)
        for (const auto& [k, v] : o.items()) add_column(t.columns, k);
    for (const auto& o : arr) {
        std::vector<nlohmann::json> cells;
        for (const auto& c : t.columns) cells.push_back(o.contains(c) ? o[c] : nlohmann::json());
        t.rows.push_back(std::move(cells));
    }
    return t;
}

/// {"row": {"col": v, ...}, ...} → one row per key.
std::optional<PerfTable> table_of_keyed_objects(const nlohmann::json& obj, const std::string& first_column) {
    if (!obj.is_object() || obj.empty() || !std::all_of(obj.begin(), obj.end(), is_flat_object)) return std::nullopt;
    PerfTable t;
    t.columns.push_back(first_column);
    for (const auto& [k, o] : obj.items())
        for (const auto& [c, v] : o.items()) add_column(t.columns, c);
    for (const auto& [k, o] : obj.items()) {
        std::vector<nlohmann::json> cells = {k};
        for (std::size_t j = 1; j < t.columns.size(); ++j)
            cells.push_back(o.contains(t.columns[j]) ? o[t.columns[j]] : nlohmann::json());
        t.rows.push_back(std::move(cells));
    }
    return t;
}

PerfSection parse_section(const std::string& key, const nlohmann::json& sec) {
    PerfSection s;
    s.key = s.title = key;
    if (sec.is_array()) {
        if (auto t = table_of_objects(sec)) s.tables.push_back(std::move(*t));
        else if (auto n = numbers(sec)) s.latency.push_back({key, *n});
        else s.unparsed = format_scalar(sec);
        return s;
    }
    if (!sec.is_object()) {
        s.tables.push_back({"", {"figure", "value"}, {{key, sec}}});
        return s;
    }
    if (auto t = table_of_keyed_objects(sec, "key")) {
        s.tables.push_back(std::move(*t));
        return s;
    }
    PerfTable figures{"", {"figure", "value"}, {}};
    std::vector<PerfTable> tables;
    const std::optional<PerfTable> main_table = explicit_table(sec);
    if (main_table) tables.push_back(*main_table);
    nlohmann::json rest = nlohmann::json::object();
    for (const auto& [k, v] : sec.items()) {
        if (k == "title" && v.is_string()) {
            s.title = v.get<std::string>();
        } else if (k == "note" && v.is_string()) {
            s.note = v.get<std::string>();
        } else if ((k == "x_label" || k == "y_label") && v.is_string()) {
            (k == "x_label" ? s.x_label : s.y_label) = v.get<std::string>();
        } else if (k == "xy_series" && v.is_array()) {
            for (const auto& series : v) {
                XySeries xy;
                if (!series.is_object() || !series.contains("points") || !series["points"].is_array()) continue;
                xy.name = series.value("name", "");
                xy.line = series.value("line", false);
                for (const auto& p : series["points"])
                    if (p.is_array() && p.size() == 2 && p[0].is_number() && p[1].is_number())
                        xy.points.emplace_back(p[0].get<double>(), p[1].get<double>());
                s.xy.push_back(std::move(xy));
            }
        } else if ((k == "columns" || k == "rows") && main_table) {
            continue;
        } else if (k == "samples_ms") {
            if (auto n = numbers(v)) {
                s.latency.push_back({key, *n});
            } else if (v.is_object()) {
                for (const auto& [name, arr] : v.items()) {
                    if (auto n2 = numbers(arr)) s.latency.push_back({name, *n2});
                    else rest[k][name] = arr;
                }
            } else {
                rest[k] = v;
            }
        } else if (v.is_primitive()) {
            figures.rows.push_back({k, v});
        } else if (auto t = table_of_objects(v)) {
            t->caption = k;
            tables.push_back(std::move(*t));
        } else if (auto t2 = table_of_keyed_objects(v, k)) {
            t2->caption = k;
            tables.push_back(std::move(*t2));
        } else if (is_flat_object(v)) {
            PerfTable kv{k, {"figure", "value"}, {}};
            for (const auto& [fk, fv] : v.items()) kv.rows.push_back({fk, fv});
            tables.push_back(std::move(kv));
        } else {
            rest[k] = v;
        }
    }
    if (!figures.rows.empty()) s.tables.push_back(std::move(figures));
    for (auto& t : tables) s.tables.push_back(std::move(t));
    if (!rest.empty()) s.unparsed = format_scalar(rest);
    return s;
}

/// The sections of bench and capacity in the order a reader wants them (reports/SCHEMA.md).
const std::vector<std::string> kReadingOrder = {
    "bench_latency",  "bench_phases",    "bench_cpu",       "bench_overhead",       "bench_controls",
    "bench_enforcement", "bench_hyperfine", "bench_host", "capacity_sizing", "capacity_concurrency", "capacity_usl",
    "capacity_usl_held_out", "capacity_usl_curve", "capacity_model", "capacity_host", "capacity_limits"};

std::size_t reading_rank(const std::string& key) {
    return static_cast<std::size_t>(std::find(kReadingOrder.begin(), kReadingOrder.end(), key) - kReadingOrder.begin());
}

std::optional<double> number_at(const nlohmann::json& extra, const char* section, const char* figure) {
    if (!extra.contains(section) || !extra[section].is_object()) return std::nullopt;
    const auto& s = extra[section];
    if (!s.contains(figure) || !s[figure].is_number()) return std::nullopt;
    return s[figure].get<double>();
}

/// "launch p50 414 ms, p95 499 ms (hello [base], 20 launches)": the hello series if there is one
/// (the launch every other figure is measured against), else the first.
std::optional<std::string> bench_latency_figure(const nlohmann::json& extra) {
    const auto lat = extra.find("bench_latency");
    if (lat == extra.end() || !lat->is_object()) return std::nullopt;
    const auto samples = lat->find("samples_ms");
    if (samples == lat->end() || !samples->is_object() || samples->empty()) return std::nullopt;
    auto series = samples->begin();
    for (auto it = samples->begin(); it != samples->end(); ++it)
        if (it.key().rfind("hello", 0) == 0) {
            series = it;
            break;
        }
    const auto values = numbers(series.value());
    if (!values) return std::nullopt;
    const Summary s = summarize(*values);
    return fmt::format("launch p50 {} ms, p95 {} ms ({}, {} launches)", format_number(s.p50), format_number(s.p95),
                       series.key(), s.n);
}

std::string bench_headline(const nlohmann::json& extra) {
    std::vector<std::string> parts;
    if (auto l = bench_latency_figure(extra)) parts.push_back(*l);
    if (auto cpu = number_at(extra, "bench_cpu", "host_cpu_s_per_launch"))
        parts.push_back(format_number(*cpu) + " host CPU-s per launch");
    return parts.empty() ? "bench" : fmt::format("bench: {}", fmt::join(parts, " \xC2\xB7 "));
}

std::string capacity_headline(const nlohmann::json& extra) {
    // The sizing answer, when one was asked for, is the headline: one sentence.
    if (const auto s = extra.find("capacity_sizing"); s != extra.end() && s->is_object() && s->contains("note") &&
                                                      (*s)["note"].is_string())
        return "capacity: " + (*s)["note"].get<std::string>();
    std::vector<std::string> parts;
    const auto peak = number_at(extra, "capacity_model", "peak_launches_per_s");
    const auto at = number_at(extra, "capacity_model", "peak_concurrency");
    if (peak && at) parts.push_back(fmt::format("peak {} launches/s at concurrency {}", format_number(*peak),
                                                format_number(*at)));
    const auto predicted = number_at(extra, "capacity_model", "predicted_launches_per_s");
    const auto cores = number_at(extra, "capacity_model", "cores");
    if (predicted && cores)
        parts.push_back(
            fmt::format("model {} launches/s on {} cores", format_number(*predicted), format_number(*cores)));
    const auto projected = number_at(extra, "capacity_model", "projected_launches_per_s");
    const auto target = number_at(extra, "capacity_model", "target_cores");
    if (projected && target && *target > 0)
        parts.push_back(fmt::format("{} projected on {} cores", format_number(*projected), format_number(*target)));
    return parts.empty() ? "capacity" : fmt::format("capacity: {}", fmt::join(parts, " \xC2\xB7 "));
}

}  // namespace

std::vector<PerfSection> perf_sections(const nlohmann::json& extra) {
    std::vector<PerfSection> out;
    if (!extra.is_object()) return out;
    for (const auto& [key, sec] : extra.items())
        if (key != kRuntimeComparisonKey) out.push_back(parse_section(key, sec));  // drawn by reports/runtime_render.h
    // Stable: keys outside the reading order keep their (alphabetical) order, after it.
    std::stable_sort(out.begin(), out.end(), [](const PerfSection& a, const PerfSection& b) {
        return reading_rank(a.key) < reading_rank(b.key);
    });
    return out;
}

std::optional<Measurement> measurement(const nlohmann::json& extra) {
    if (!extra.is_object()) return std::nullopt;
    bool bench = false, capacity = false;
    for (const auto& [key, sec] : extra.items()) {
        bench = bench || key.rfind("bench_", 0) == 0;
        capacity = capacity || key.rfind("capacity_", 0) == 0;
    }
    if (extra.contains(kRuntimeComparisonKey)) {
        try {
            return Measurement{"review", "review: " + runtime_headline(runtime_comparison_from_json(extra[kRuntimeComparisonKey]))};
        } catch (const std::exception&) {
            return Measurement{"review", "review"};
        }
    }
    if (bench) return Measurement{"bench", bench_headline(extra)};
    if (capacity) return Measurement{"capacity", capacity_headline(extra)};
    return std::nullopt;
}

std::map<std::string, double> perf_figures(const nlohmann::json& extra) {
    std::map<std::string, double> out;
    for (const PerfSection& s : perf_sections(extra)) {
        for (const PerfTable& t : s.tables) {
            const std::string prefix = s.key + "/" + (t.caption.empty() ? "" : t.caption + "/");
            for (const auto& row : t.rows) {
                if (row.empty()) continue;
                const bool figure_list = t.columns.size() == 2 && t.columns[0] == "figure";
                for (std::size_t j = 1; j < row.size() && j < t.columns.size(); ++j)
                    if (row[j].is_number())
                        out[prefix + format_scalar(row[0]) + (figure_list ? "" : "/" + t.columns[j])] =
                            row[j].get<double>();
            }
        }
    }
    return out;
}

std::map<std::string, std::vector<double>> latency_series(const nlohmann::json& extra) {
    std::map<std::string, std::vector<double>> out;
    for (const PerfSection& s : perf_sections(extra))
        for (const LatencySeries& l : s.latency) out[l.name == s.key ? s.key : s.key + "/" + l.name] = l.samples_ms;
    return out;
}

}  // namespace sh
