#pragma once
/// One exporter per output format behind one interface. Pure: rendering only; the commands write
/// the files (cli/report_files.h).

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/run_report.h"

namespace sh {

struct RunDiff;
struct CoverageMatrix;

/// Optional extra sections for the human-readable reports (Markdown and HTML). The pointers are
/// borrowed: they must outlive the exporters made from these options.
struct RenderOptions {
    const RunDiff* diff = nullptr;              ///< comparison with a previous run
    const CoverageMatrix* coverage = nullptr;   ///< ablation result
};

class Exporter {
public:
    virtual ~Exporter() = default;
    /// Short format name: "json", "junit", "markdown", "html".
    virtual std::string name() const = 0;
    /// The file it is written to inside the output directory.
    virtual std::string file_name() const = 0;
    /// Pure: the same report always renders to the same bytes.
    virtual std::string render(const RunReport&) const = 0;
};

/// report.json — the machine-readable report; format in reports/SCHEMA.md.
class JsonExporter final : public Exporter {
public:
    std::string name() const override { return "json"; }
    std::string file_name() const override { return "report.json"; }
    std::string render(const RunReport&) const override;
};

/// junit.xml — one <testsuite> per image, one <testcase> per record, for CI test views.
class JUnitExporter final : public Exporter {
public:
    std::string name() const override { return "junit"; }
    std::string file_name() const override { return "junit.xml"; }
    std::string render(const RunReport&) const override;
};

/// summary.md — short: headline, counts, every record that did not pass, accepted risks, perf.
class MarkdownExporter final : public Exporter {
public:
    explicit MarkdownExporter(RenderOptions opts = {}) : opts_(opts) {}
    std::string name() const override { return "markdown"; }
    std::string file_name() const override { return "summary.md"; }
    std::string render(const RunReport&) const override;

private:
    RenderOptions opts_;
};

/// report.sarif — SARIF 2.1.0 for code scanning: a rule per case, a result per escaped, failed or
/// error record and per accepted risk (suppressed), on the case's script.
class SarifExporter final : public Exporter {
public:
    std::string name() const override { return "sarif"; }
    std::string file_name() const override { return "report.sarif"; }
    std::string render(const RunReport&) const override;
};

/// report.html — one self-contained file (inline CSS, SVG and a little JS; nothing external).
class HtmlExporter final : public Exporter {
public:
    explicit HtmlExporter(RenderOptions opts = {}) : opts_(opts) {}
    std::string name() const override { return "html"; }
    std::string file_name() const override { return "report.html"; }
    std::string render(const RunReport&) const override;

private:
    RenderOptions opts_;
};

/// A complete, self-contained HTML page (report.html's stylesheet, a header with `title`) around
/// HTML sections produced by this library (render_diff_html, render_profile_comparison_html,
/// coverage_html), e.g. for review.html. `title` is text; `sections` is trusted HTML.
std::string standalone_html(std::string_view title, std::string_view sections);

/// The four exporters above, in that order.
std::vector<std::unique_ptr<Exporter>> all_exporters(RenderOptions opts = {});


}  // namespace sh
