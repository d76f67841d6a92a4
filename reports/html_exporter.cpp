#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reports/coverage_render.h"
#include "reports/diff_render.h"
#include "util/escape.h"
#include "reports/exporter.h"
#include "core/perf_sections.h"
#include "reports/render_util.h"
#include "reports/runtime_render.h"
#include "core/runtime_comparison.h"
#include "core/stats.h"
#include "reports/svg.h"

namespace sh {

namespace {

constexpr std::size_t kMaxBars = 150;

/// Everything in one file: the report must open from a CI artifact, a mail attachment or an
/// air-gapped host, so nothing is loaded from anywhere.
constexpr const char* kCss = R"(
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
header{padding:18px 28px;color:#fff}
header.ok{background:#2e7d32} header.bad{background:#b71c1c} header.int{background:#6d4c41}
header.neutral{background:#24292f}
header h1{margin:0;font-size:20px;font-weight:600} header p{margin:4px 0 0;font-size:16px}
main{max-width:1240px;margin:0 auto;padding:16px 28px 40px}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:14px 18px;margin:16px 0}
h2{font-size:17px;margin:0 0 10px} h3{font-size:15px;margin:16px 0 8px}
.grid{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.grid>div{flex:1 1 340px;min-width:0}
table{border-collapse:collapse;margin:4px 0 8px;font-size:13px}
th,td{border-bottom:1px solid #eaeef2;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.kv th{background:none;color:#57606a;font-weight:normal;white-space:nowrap}
table.counts td:nth-child(n+3){text-align:right;font-variant-numeric:tabular-nums;min-width:64px}
table.counts th:nth-child(n+3){text-align:center}
.v{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
%VERDICT_CSS%
pre{margin:4px 0;padding:8px;background:#f6f8fa;border:1px solid #eaeef2;border-radius:6px;max-height:320px;
 overflow:auto;white-space:pre-wrap;word-break:break-all;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
details summary{cursor:pointer;color:#0969da}
.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin-bottom:8px}
.filters input[type=search]{padding:5px 8px;border:1px solid #d0d7de;border-radius:6px;min-width:260px}
.filters label{cursor:pointer;user-select:none}
#records td.ev{max-width:520px;overflow-wrap:anywhere}
#records tr.bad td:first-child{box-shadow:inset 3px 0 #c62828}
.muted{color:#57606a} .scroll{overflow-x:auto}
table.matrix th.probe{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:normal}
table.matrix th.silent{color:#c62828;font-weight:600}
table.matrix td.cell{text-align:center;color:#fff;font-weight:600;min-width:22px}
table.matrix td.none{color:#999;background:#fafafa}
table.matrix tr.uncovered th{color:#c62828}
table.runtimes td:nth-child(2),table.runtimes td:nth-child(3){text-align:right;font-variant-numeric:tabular-nums;min-width:150px}
table.runtimes th:nth-child(2),table.runtimes th:nth-child(3){text-align:right}
.kw{font-weight:600} .kw-open{color:#b26a00} .kw-closed{color:#2e7d32} .kw-none{color:#57606a;font-weight:normal}
table.cases td:nth-child(4){text-align:right}
)";

constexpr const char* kScript = R"(
(function(){
  var q=document.getElementById('q'),boxes=[].slice.call(document.querySelectorAll('.filters input[type=checkbox]'));
  function apply(){
    var t=q.value.toLowerCase(),on={},n=0;
    boxes.forEach(function(b){on[b.value]=b.checked;});
    [].forEach.call(document.querySelectorAll('#records tbody tr'),function(r){
      var show=on[r.getAttribute('data-v')]&&(!t||r.getAttribute('data-k').indexOf(t)>=0);
      r.hidden=!show; if(show)n++;
    });
    document.getElementById('shown').textContent=n;
  }
  q.addEventListener('input',apply); boxes.forEach(function(b){b.addEventListener('change',apply);}); apply();
})();
)";

std::string verdict_css() {
    std::string s;
    for (Verdict v : verdicts_by_severity()) {
        const bool dark_text = v == Verdict::AcceptedRisk || v == Verdict::Skipped || v == Verdict::Pass;
        s += fmt::format(".v-{}{{background:{};color:{}}}\n", to_string(v), verdict_color(v),
                         dark_text ? "#1f2328" : "#fff");
    }
    return s;
}

std::string lower_ascii(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

/// Text whose newlines are line breaks (a multi-line note).
std::string html_escape_lines(const std::string& text) {
    std::string out;
    std::size_t from = 0;
    for (std::size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1)
        out += html_escape(text.substr(from, nl - from)) + "<br>";
    return out + html_escape(text.substr(from));
}

std::string kv_row(std::string_view k, std::string_view v) {
    return fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", html_escape(k), html_escape(v));
}

std::string run_table(const RunReport& report, const RunSummary& s) {
    const RunMeta& m = report.meta;
    std::string t = "<table class=\"kv\">\n";
    t += kv_row("run", m.run_id);
    if (const auto compared = compared_profiles(m.extra)) {
        t += kv_row("profiles", *compared);
    } else {
        t += kv_row("profile", profile_label(report) + (m.profile_path.empty() ? "" : "  (" + m.profile_path + ")"));
        if (const std::string runtime = runtime_of(m); !runtime.empty()) t += kv_row("runtime", runtime);
    }
    if (m.finished_at.empty()) t += kv_row("started", m.started_at);
    else t += kv_row("started / finished", m.started_at + " / " + m.finished_at);
    t += kv_row("wall time", s.total ? fmt::format("{:.1f} s (cases: {:.1f} s)", m.wall_s, s.wall_ms_total / 1000.0)
                                     : fmt::format("{:.1f} s", m.wall_s));
    t += kv_row("host", fmt::format("{} · {} cores · kernel {} · cgroup {}", m.host, m.cores, m.kernel, m.cgroup_version));
    t += kv_row("load (1 min)", fmt::format("{:.2f} → {:.2f}", m.load_avg_1m_start, m.load_avg_1m_end));
    t += kv_row("engine", fmt::format("{} (API {})", m.engine_version, m.engine_api_version));
    if (!m.shard.empty()) t += kv_row("shard", m.shard);
    if (!m.command_line.empty()) t += kv_row("command", m.command_line);
    return t + "</table>\n";
}

/// The verdict ring beside the run's facts; the ring only when there are verdicts to draw.
std::string meta_section(const RunReport& report, const RunSummary& s) {
    if (s.total == 0) return "<section><h2>Run</h2>" + run_table(report, s) + "</section>\n";
    return "<section class=\"grid\"><div><h2>Verdicts</h2>" + svg_verdict_donut(s) + "</div><div><h2>Run</h2>" +
           run_table(report, s) + "</div></section>\n";
}

/// One table: a row per image, kind and family; a column per verdict that occurs in the run.
std::string counts_section(const RunSummary& s) {
    std::vector<Verdict> present;
    for (Verdict v : verdicts_by_severity())
        if (s.by_verdict.at(v) > 0) present.push_back(v);
    std::vector<std::string> header = {"", "", "total"};
    for (Verdict v : present) header.push_back(html_verdict(v));
    std::vector<std::vector<std::string>> rows;
    auto add_group = [&](const char* dimension, const std::map<std::string, VerdictCounts>& g) {
        bool first = true;
        for (const auto& [k, c] : g) {
            std::size_t total = 0;
            for (const auto& [v, n] : c) total += n;
            std::vector<std::string> row = {first ? fmt::format("<span class=\"muted\">{}</span>", dimension) : "",
                                            html_escape(k), std::to_string(total)};
            for (Verdict v : present) {
                const auto it = c.find(v);
                row.push_back(it == c.end() || it->second == 0 ? "<span class=\"muted\">\xC2\xB7</span>"
                                                               : std::to_string(it->second));
            }
            rows.push_back(std::move(row));
            first = false;
        }
    };
    add_group("image", s.by_image);
    add_group("kind", s.by_kind);
    add_group("family", s.by_family);
    return "<section><h2>Counts</h2>\n" + html_table(header, rows, "counts") + "</section>\n";
}

/// Median wall time per case+image, coloured by the case's worst verdict, longest first.
std::string wall_time_section(const RunReport& report) {
    std::map<std::pair<std::string, std::string>, std::pair<std::vector<double>, Verdict>> cases;
    for (const Record& r : report.records) {
        auto& [times, worst_v] = cases.try_emplace({r.case_id, r.image}, std::vector<double>{}, r.judgement.verdict)
                                     .first->second;
        if (severity_rank(r.judgement.verdict) < severity_rank(worst_v)) worst_v = r.judgement.verdict;
        if (r.launch.started && r.judgement.verdict != Verdict::Skipped) times.push_back(r.launch.wall_ms);
    }
    std::vector<BarItem> bars;
    for (const auto& [key, c] : cases) {
        if (c.first.empty()) continue;
        const double ms = median(c.first);
        bars.push_back({fmt::format("{} [{}]", key.first, key.second), ms, verdict_color(c.second),
                        fmt::format("{} [{}]: {} — median {} ms over {} run(s)", key.first, key.second,
                                    to_string(c.second), format_number(ms), c.first.size())});
    }
    if (bars.empty()) return "";
    std::stable_sort(bars.begin(), bars.end(), [](const BarItem& a, const BarItem& b) { return a.value > b.value; });
    std::string note;
    if (bars.size() > kMaxBars) {
        note = fmt::format("<p class=\"muted\">The {} longest of {} cases.</p>", kMaxBars, bars.size());
        bars.resize(kMaxBars);
    }
    return "<section><h2>Wall time per case (median of repetitions, colour = worst verdict)</h2>\n" + note +
           svg_bar_chart(bars, "ms") + "</section>\n";
}

std::string stream_block(const StreamExcerpt& e) {
    if (e.text.empty()) return fmt::format("<div class=\"muted\">{}</div>", html_escape(e.heading));
    return fmt::format("<div class=\"muted\">{}</div><pre>{}</pre>", html_escape(e.heading), html_escape(e.text));
}

std::string record_row(const Record& r) {
    const Verdict v = r.judgement.verdict;
    const std::vector<std::string> ev = evidence(r);
    const std::string first = ev.empty() ? "" : ev.front();
    std::string details = "<details><summary>evidence and output</summary><ul>";
    for (const auto& e : ev) details += "<li>" + html_escape(e) + "</li>";
    details += "</ul>";
    if (v == Verdict::AcceptedRisk && r.accepted_risk)
        details += fmt::format("<p>Accepted risk: Known Weakness {} in sandbox/README.md</p>", *r.accepted_risk);
    if (r.launch.started) details += stream_block(stdout_excerpt(r.launch)) + stream_block(stderr_excerpt(r.launch));
    details += "</details>";
    const std::string key = lower_ascii(fmt::format("{} {} {} {} {}", r.case_id, r.image, r.family, to_string(v), first));
    return fmt::format(
        "<tr data-v=\"{}\" data-k=\"{}\"{}><td>{}</td><td><code title=\"{}\">{}</code></td><td>{}</td><td class=\"num\">{}</td>"
        "<td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"ev\">{}{}</td></tr>\n",
        to_string(v), html_escape(key), makes_run_fail(v) ? " class=\"bad\"" : "", html_verdict(v), html_escape(r.summary),
        html_escape(r.case_id),
        html_escape(r.image), r.repetition, html_escape(r.family),
        r.launch.started ? format_number(r.launch.wall_ms) : "", r.launch.started ? std::to_string(r.launch.exit_code) : "",
        html_escape(ellipsize(sanitize_utf8(first), 200)), details);
}

std::string records_section(const RunReport& report, const RunSummary& s) {
    std::string out = "<section><h2>Records</h2>\n<div class=\"filters\"><input type=\"search\" id=\"q\" "
                      "placeholder=\"filter by case, image, family, evidence\" aria-label=\"filter\">";
    for (Verdict v : verdicts_by_severity())
        if (s.by_verdict.at(v) > 0)
            out += fmt::format("<label><input type=\"checkbox\" value=\"{}\" checked> {} {}</label>", to_string(v),
                               html_verdict(v), s.by_verdict.at(v));
    out += fmt::format("<span class=\"muted\"><span id=\"shown\">{}</span> of {} shown</span></div>\n", s.total, s.total);
    out += "<div class=\"scroll\"><table id=\"records\"><thead><tr><th>verdict</th><th>case</th><th>image</th>"
           "<th class=\"num\">rep</th><th>family</th><th class=\"num\">wall ms</th><th class=\"num\">exit</th>"
           "<th>evidence</th></tr></thead><tbody>\n";
    std::vector<const Record*> rs = sorted_records(report.records);
    std::stable_sort(rs.begin(), rs.end(), [](const Record* a, const Record* b) {
        return severity_rank(a->judgement.verdict) < severity_rank(b->judgement.verdict);
    });
    for (const Record* r : rs) out += record_row(*r);
    return out + "</tbody></table></div></section>\n";
}

std::string perf_table(const PerfTable& t) {
    std::vector<std::string> h;
    for (const auto& c : t.columns) h.push_back(html_escape(c));
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : t.rows) {
        std::vector<std::string> cells;
        for (const auto& c : r)
            cells.push_back(c.is_number() ? "<span class=\"n\">" + format_scalar(c) + "</span>" : html_escape(format_scalar(c)));
        rows.push_back(std::move(cells));
    }
    std::string caption = t.caption.empty() ? "" : "<div class=\"muted\">" + html_escape(t.caption) + "</div>";
    return caption + html_table(h, rows);
}

/// Throughput and latency against concurrency (capacity's sweep) as bars, one per level: the
/// table alone hides where the curve flattens.
std::string concurrency_charts(const PerfTable& t) {
    const auto col = [&](const char* name) {
        return static_cast<std::size_t>(std::find(t.columns.begin(), t.columns.end(), name) - t.columns.begin());
    };
    const std::size_t level = col("concurrency"), rate = col("launches/s"), p50 = col("p50 ms");
    if (level != 0 || rate >= t.columns.size()) return "";
    std::vector<BarItem> rates, latencies;
    for (const auto& row : t.rows) {
        if (rate >= row.size() || !row[rate].is_number()) continue;
        const std::string label = "concurrency " + format_scalar(row[level]);
        const double r = row[rate].get<double>();
        rates.push_back({label, r, "#0969da", fmt::format("{}: {} launches/s", label, format_number(r))});
        if (p50 < row.size() && row[p50].is_number()) {
            const double ms = row[p50].get<double>();
            latencies.push_back({label, ms, "#8250df", fmt::format("{}: p50 {} ms", label, format_number(ms))});
        }
    }
    if (rates.empty()) return "";
    std::string out = "<div class=\"grid\"><div><h3>Launches/s</h3>" + svg_bar_chart(rates, "launches/s") + "</div>";
    if (!latencies.empty()) out += "<div><h3>p50 latency</h3>" + svg_bar_chart(latencies, "ms") + "</div>";
    return out + "</div>\n";
}

/// One section's note, tables and charts, below its heading.
std::string perf_body(const PerfSection& s) {
    std::string out;
    if (!s.note.empty()) out += "<p class=\"muted\">" + html_escape_lines(s.note) + "</p>\n";
    for (const PerfTable& t : s.tables) out += perf_table(t) + concurrency_charts(t);
    if (!s.latency.empty()) {
        std::vector<std::vector<std::string>> rows;
        std::vector<CdfSeries> cdf;
        std::string charts;
        for (std::size_t i = 0; i < s.latency.size(); ++i) {
            const LatencySeries& ls = s.latency[i];
            const Summary p = summarize(ls.samples_ms);
            rows.push_back({html_escape(ls.name), std::to_string(p.n), format_number(p.min), format_number(p.p50),
                            format_number(p.p95), format_number(p.p99), format_number(p.max)});
            cdf.push_back({ls.name, ls.samples_ms});
            if (i < 4) charts += "<div>" + svg_histogram(ls.samples_ms, ls.name + ": histogram") + "</div>";
        }
        out += html_table({"latency", "n", "min ms", "p50 ms", "p95 ms", "p99 ms", "max ms"}, rows);
        out += "<div class=\"grid\">" + charts + "<div>" + svg_cdf(cdf, s.title + ": CDF") + "</div></div>\n";
    }
    if (!s.xy.empty()) out += "<div class=\"grid\"><div>" + svg_xy_chart(s.xy, s.x_label, s.y_label, s.title) + "</div></div>\n";
    if (!s.unparsed.empty()) out += "<pre>" + html_escape(ellipsize(sanitize_utf8(s.unparsed), 2000)) + "</pre>\n";
    return out;
}

/// A run's figures: one "Performance" section, a heading per figure section.
std::string perf_section(const nlohmann::json& extra) {
    const auto sections = perf_sections(extra);
    if (sections.empty()) return "";
    std::string out = "<section><h2>Performance</h2>\n";
    for (const PerfSection& s : sections) out += "<h3>" + html_escape(s.title) + "</h3>\n" + perf_body(s);
    return out + "</section>\n";
}

/// A bench or capacity report's figures: they are the report, one section each.
std::string measurement_sections(const nlohmann::json& extra) {
    std::string out;
    for (const PerfSection& s : perf_sections(extra))
        out += "<section><h2>" + html_escape(s.title) + "</h2>\n" + perf_body(s) + "</section>\n";
    return out;
}

std::string environment_section(const RunMeta& m) {
    std::string out = "<section><h2>Images and profile</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (const ImageInfo& i : m.images) {
        std::string labels;
        for (const auto& [k, v] : i.labels) labels += html_escape(k) + "=" + html_escape(v) + "<br>";
        rows.push_back({html_escape(i.name), "<code>" + html_escape(i.tag) + "</code>",
                        "<code>" + html_escape(i.id.substr(0, 19)) + "</code>",
                        format_number(static_cast<double>(i.size_bytes) / 1e6), labels});
    }
    out += html_table({"image", "tag", "id", "size MB", "labels"}, rows);
    std::string profile;
    for (const auto& [k, v] : m.profile) profile += kv_row(k, v);
    if (!profile.empty())
        out += "<details><summary>effective profile (" + std::to_string(m.profile.size()) +
               " settings)</summary><table class=\"kv\">" + profile + "</table></details>\n";
    return out + "</section>\n";
}

std::string page_head(std::string_view title) {
    std::string css = kCss;
    css.replace(css.find("%VERDICT_CSS%"), 13, verdict_css());
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           html_escape(title) + "</title>\n<style>" + css + "</style>\n</head>\n<body>\n";
}

}  // namespace

std::string standalone_html(std::string_view title, std::string_view sections) {
    return page_head(title) + "<header class=\"neutral\"><h1>" + html_escape(title) + "</h1></header>\n<main>\n" +
           std::string(sections) + "</main>\n</body>\n</html>\n";
}

namespace {

/// A bench, capacity or review report: no records, so no verdicts, counts or record table; its
/// headline names the command (and for bench and capacity the runtime they measured) and its key
/// figure, and its figures come first.
std::string render_measurement(const RunReport& report, const Measurement& m) {
    const RunSummary s = summarize(report.records);
    const std::string runtime = m.command == "review" ? "" : runtime_of(report.meta);
    const std::string title = "sandbox-harness " + m.command + (runtime.empty() ? "" : " (runtime " + runtime + ")");
    std::string out = page_head(title + " " + report.meta.run_id);
    out += fmt::format("<header class=\"{}\"><h1>{}</h1><p>{}</p></header>\n<main>\n",
                       report.meta.interrupted ? "int" : "neutral", html_escape(title), html_escape(m.headline));
    if (report.meta.interrupted)
        out += "<section><p>Interrupted: the figures are those measured before it stopped.</p></section>\n";
    out += runtime_section_html(report.meta.extra, m.command != "review");
    out += measurement_sections(report.meta.extra);
    out += meta_section(report, s);
    out += environment_section(report.meta);
    return out + "</main>\n</body>\n</html>\n";
}

}  // namespace

std::string HtmlExporter::render(const RunReport& report) const {
    if (report.records.empty())
        if (const auto m = measurement(report.meta.extra)) return render_measurement(report, *m);
    const RunSummary s = summarize(report.records);
    const char* banner = report.meta.interrupted ? "int" : all_clear(s) ? "ok" : "bad";
    std::string out = page_head("sandbox-harness " + report.meta.run_id);
    out += fmt::format("<header class=\"{}\"><h1>sandbox-harness report</h1><p>{}</p></header>\n<main>\n", banner,
                       html_escape(headline(s, report.meta.interrupted)));
    out += meta_section(report, s);
    if (opts_.diff) out += render_diff_html(*opts_.diff);
    // Without records there is nothing to count or list (and nothing for the filter script).
    if (s.total) out += counts_section(s) + wall_time_section(report) + records_section(report, s);
    out += runtime_section_html(report.meta.extra);
    out += perf_section(report.meta.extra);
    if (opts_.coverage) out += coverage_html(*opts_.coverage);
    out += environment_section(report.meta);
    if (s.total) out += "</main>\n<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
    else out += "</main>\n</body>\n</html>\n";
    return out;
}

}  // namespace sh
