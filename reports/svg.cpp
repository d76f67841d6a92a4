#include "reports/svg.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "util/escape.h"
#include "core/perf_sections.h"
#include "reports/render_util.h"
#include "core/stats.h"

namespace sh {

namespace {

constexpr const char* kSeriesColors[] = {"#1565c0", "#e65100", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457"};

std::string open_svg(int w, int h, const std::string& label) {
    return fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"100%\" "
        "style=\"max-width:{0}px\" role=\"img\" aria-label=\"{2}\" font-family=\"system-ui,sans-serif\" "
        "font-size=\"12\">\n",
        w, h, html_escape(label));
}

std::string n2(double x) { return fmt::format("{:.1f}", x); }

/// x axis with ticks and grid lines, for a plot area [x0, x0+w] × [y0, y0+h].
std::string x_axis(const std::vector<double>& ticks, double x0, double y0, double w, double h,
                   const std::string& unit) {
    std::string s;
    const double lo = ticks.front(), span = ticks.back() - ticks.front();
    for (double t : ticks) {
        const double x = x0 + w * (t - lo) / span;
        s += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#e0e0e0\"/>", n2(x), n2(y0),
                         n2(y0 + h));
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text>\n", n2(x),
                         n2(y0 + h + 14), format_number(t));
    }
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#555\">{}</text>\n", n2(x0 + w),
                     n2(y0 + h + 28), html_escape(unit));
    return s;
}

}  // namespace

std::vector<double> nice_ticks(double max, int count) { return nice_range_ticks(0, max, count); }

std::vector<double> nice_range_ticks(double min, double max, int count) {
    if (!std::isfinite(min) || !std::isfinite(max) || !(max > min)) {
        const double base = std::isfinite(min) ? std::floor(min) : 0;
        return {base, base + 1};
    }
    const double raw = (max - min) / count;
    const double mag = std::pow(10, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    std::vector<double> t;
    const double start = std::floor(min / step) * step;
    for (int i = 0; t.empty() || t.back() < max; ++i) t.push_back(start + i * step);
    return t;
}

std::string svg_bar_chart(const std::vector<BarItem>& items, const std::string& unit) {
    const int width = 1000, label_w = 300, row_h = 18, top = 6;
    const int plot_w = width - label_w - 80;
    const int height = top + static_cast<int>(items.size()) * row_h + 36;
    double max = 0;
    for (const auto& i : items) max = std::max(max, i.value);
    const auto ticks = nice_ticks(max, 6);
    std::string s = open_svg(width, height, "bar chart");
    s += x_axis(ticks, label_w, top, plot_w, static_cast<double>(items.size()) * row_h, unit);
    for (std::size_t k = 0; k < items.size(); ++k) {
        const BarItem& it = items[k];
        const double y = top + static_cast<double>(k) * row_h;
        const double w = std::max(1.0, plot_w * it.value / ticks.back());
        s += fmt::format("<g><title>{}</title>", html_escape(it.tooltip.empty() ? it.label : it.tooltip));
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", label_w - 6, n2(y + 13),
                         html_escape(ellipsize(it.label, 44)));
        s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" rx=\"2\"/>", label_w,
                         n2(y + 3), n2(w), row_h - 5, html_escape(it.color));
        s += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#333\">{}</text></g>\n", n2(label_w + w + 4), n2(y + 13),
                         format_number(it.value));
    }
    return s + "</svg>\n";
}

std::string svg_verdict_donut(const RunSummary& sum) {
    const int width = 360, height = 180;
    const double cx = 90, cy = 90, r = 70, inner = 44;
    std::string s = open_svg(width, height, "verdicts");
    double angle = -std::numbers::pi / 2;
    int row = 0;
    for (Verdict v : verdicts_by_severity()) {
        const std::size_t n = sum.by_verdict.count(v) ? sum.by_verdict.at(v) : 0;
        if (n == 0) continue;
        const double frac = static_cast<double>(n) / static_cast<double>(sum.total);
        const std::string tip = fmt::format("{}: {}", to_string(v), n);
        if (frac >= 0.9999) {
            s += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\">"
                             "<title>{}</title></circle>\n",
                             cx, cy, (r + inner) / 2, verdict_color(v), r - inner, tip);
        } else {
            const double a1 = angle + frac * 2 * std::numbers::pi;
            const int large = frac > 0.5 ? 1 : 0;
            auto px = [&](double rad, double a) { return n2(cx + rad * std::cos(a)); };
            auto py = [&](double rad, double a) { return n2(cy + rad * std::sin(a)); };
            s += fmt::format(
                "<path d=\"M{} {} A{} {} 0 {} 1 {} {} L{} {} A{} {} 0 {} 0 {} {} Z\" fill=\"{}\" stroke=\"#fff\">"
                "<title>{}</title></path>\n",
                px(r, angle), py(r, angle), r, r, large, px(r, a1), py(r, a1), px(inner, a1), py(inner, a1), inner,
                inner, large, px(inner, angle), py(inner, angle), verdict_color(v), tip);
            angle = a1;
        }
        s += fmt::format("<rect x=\"190\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>"
                         "<text x=\"208\" y=\"{}\">{} {}</text>\n",
                         20 + row * 20, verdict_color(v), 30 + row * 20, n, to_string(v));
        ++row;
    }
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"22\" font-weight=\"bold\">{}</text>"
                     "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">cases</text>\n",
                     cx, cy + 4, sum.total, cx, cy + 20);
    return s + "</svg>\n";
}

std::string svg_histogram(const std::vector<double>& samples, const std::string& title) {
    const int width = 480, height = 240, x0 = 40, y0 = 24, w = 420, h = 170;
    std::string s = open_svg(width, height, title);
    if (samples.empty())
        return s + fmt::format("<text x=\"{}\" y=\"14\" font-weight=\"bold\">{}: no samples</text></svg>\n", x0,
                               html_escape(title));
    const Summary p = summarize(samples);
    s += fmt::format("<text x=\"{}\" y=\"14\"><tspan font-weight=\"bold\">{}</tspan> <tspan fill=\"#c62828\">"
                     "p50 {} · p95 {} · p99 {} ms</tspan></text>\n",
                     x0, html_escape(title), format_number(p.p50), format_number(p.p95), format_number(p.p99));
    const auto ticks = nice_range_ticks(p.min, p.max);
    const double lo = ticks.front(), span = ticks.back() - lo;
    const int bins = 24;
    std::vector<int> counts(bins, 0);
    for (double v : samples) counts[std::clamp(static_cast<int>((v - lo) / span * bins), 0, bins - 1)]++;
    const int peak = *std::max_element(counts.begin(), counts.end());
    s += x_axis(ticks, x0, y0, w, h, "ms");
    for (int b = 0; b < bins; ++b) {
        if (counts[b] == 0) continue;
        const double bh = h * counts[b] / static_cast<double>(peak);
        s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#1565c0\" opacity=\"0.8\">"
                         "<title>{}–{} ms: {}</title></rect>\n",
                         n2(x0 + w * b / double(bins) + 1), n2(y0 + h - bh), n2(w / double(bins) - 2), n2(bh),
                         format_number(lo + span * b / bins), format_number(lo + span * (b + 1) / bins), counts[b]);
    }
    for (auto [name, v] : {std::pair{"p50", p.p50}, {"p95", p.p95}, {"p99", p.p99}}) {
        const double x = x0 + w * (v - lo) / span;
        s += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#c62828\" "
                         "stroke-dasharray=\"3 2\"><title>{3} {4} ms</title></line>\n",
                         n2(x), y0, y0 + h, name, format_number(v));
    }
    return s + "</svg>\n";
}

std::string svg_cdf(const std::vector<CdfSeries>& series, const std::string& title) {
    const int width = 480, height = 240, x0 = 40, y0 = 24, w = 420, h = 170;
    std::string s = open_svg(width, height, title);
    s += fmt::format("<text x=\"{}\" y=\"14\" font-weight=\"bold\">{}</text>\n", x0, html_escape(title));
    double min = INFINITY, max = -INFINITY;
    for (const auto& c : series)
        for (double v : c.samples_ms) min = std::min(min, v), max = std::max(max, v);
    const auto ticks = nice_range_ticks(min, max);
    const double lo = ticks.front(), span = ticks.back() - lo;
    s += x_axis(ticks, x0, y0, w, h, "ms");
    for (double f : {0.0, 0.5, 0.95, 1.0})
        s += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"#e0e0e0\"/>"
                         "<text x=\"{3}\" y=\"{4}\" text-anchor=\"end\" fill=\"#555\">{5}</text>\n",
                         x0, x0 + w, n2(y0 + h * (1 - f)), x0 - 4, n2(y0 + h * (1 - f) + 4), format_number(f));
    for (std::size_t k = 0; k < series.size(); ++k) {
        std::vector<double> v = series[k].samples_ms;
        if (v.empty()) continue;
        std::sort(v.begin(), v.end());
        const char* color = kSeriesColors[k % std::size(kSeriesColors)];
        std::string pts = fmt::format("{},{}", n2(x0 + w * (v.front() - lo) / span), y0 + h);
        for (std::size_t i = 0; i < v.size(); ++i) {
            const double x = x0 + w * (v[i] - lo) / span;
            pts += fmt::format(" {},{} {},{}", n2(x), n2(y0 + h * (1 - double(i) / v.size())), n2(x),
                               n2(y0 + h * (1 - double(i + 1) / v.size())));
        }
        s += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"><title>{}</title>"
                         "</polyline>\n",
                         pts, color, html_escape(series[k].name));
        s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
                         x0 + w - 150, y0 + h - 40 - 14 * static_cast<int>(k), color, x0 + w - 136,
                         y0 + h - 31 - 14 * static_cast<int>(k), html_escape(ellipsize(series[k].name, 22)));
    }
    return s + "</svg>\n";
}

std::string svg_xy_chart(const std::vector<XySeries>& series, const std::string& x_label, const std::string& y_label,
                         const std::string& title) {
    const int width = 520, height = 280, x0 = 48, y0 = 24, w = 440, h = 200;
    std::string s = open_svg(width, height, title);
    s += fmt::format("<text x=\"{}\" y=\"14\" font-weight=\"bold\">{}</text>\n", x0, html_escape(title));
    double xmax = 0, ymax = 0;
    for (const auto& c : series)
        for (const auto& [x, y] : c.points) xmax = std::max(xmax, x), ymax = std::max(ymax, y);
    const auto xt = nice_ticks(xmax > 0 ? xmax : 1), yt = nice_ticks(ymax > 0 ? ymax : 1);
    const auto px = [&](double x) { return x0 + w * x / xt.back(); };
    const auto py = [&](double y) { return y0 + h * (1 - y / yt.back()); };
    s += x_axis(xt, x0, y0, w, h, x_label);
    for (double t : yt)
        s += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"#e0e0e0\"/>"
                         "<text x=\"{3}\" y=\"{4}\" text-anchor=\"end\" fill=\"#555\">{5}</text>\n",
                         x0, x0 + w, n2(py(t)), x0 - 4, n2(py(t) + 4), format_number(t));
    s += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#555\">{}</text>\n", x0 + 4, y0 + 10, html_escape(y_label));
    for (std::size_t k = 0; k < series.size(); ++k) {
        const XySeries& c = series[k];
        const char* color = kSeriesColors[k % std::size(kSeriesColors)];
        if (c.line) {
            std::string pts;
            for (const auto& [x, y] : c.points) pts += fmt::format("{}{},{}", pts.empty() ? "" : " ", n2(px(x)), n2(py(y)));
            s += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"><title>{}</title>"
                             "</polyline>\n", pts, color, html_escape(c.name));
        } else {
            for (const auto& [x, y] : c.points)
                s += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"><title>{}: {}, {}</title></circle>\n",
                                 n2(px(x)), n2(py(y)), color, html_escape(c.name), format_number(x), format_number(y));
        }
        s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
                         x0 + w - 150, y0 + h - 40 - 14 * static_cast<int>(k), color, x0 + w - 136,
                         y0 + h - 31 - 14 * static_cast<int>(k), html_escape(ellipsize(c.name, 22)));
    }
    return s + "</svg>\n";
}

}  // namespace sh
