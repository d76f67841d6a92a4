// `sandbox-harness review`: the security review before a flag change. Runs the suite under the
// current and the proposed profile and shows every probe whose verdict changed and every latency
// figure that moved; when the two profiles name different runtimes (SANDBOX_RUNTIME), also the
// runtime comparison (core/runtime_comparison.h) as OUT/report.json, summary.md and report.html.

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "core/runtime_comparison.h"
#include "reports/diff_render.h"
#include "reports/runtime_render.h"
#include "cli/report_files.h"
#include "reports/exporter.h"
#include "util/files.h"
#include "io/interrupt.h"
#include "run/progress.h"

#include "core/run_figures.h"

namespace sh {

Command add_review_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "review", "Run the suite under the current and a proposed launcher profile",
        "Run the suite under the current and a proposed launcher profile; write both reports and "
        "review.md / review.html with every verdict that changed. When the profiles name different "
        "runtimes (SANDBOX_RUNTIME), also a runtime comparison (verdicts per runtime, the Known "
        "Weaknesses each closes, startup latency and CPU per launch) in OUT/report.json, summary.md "
        "and report.html. Exits 1 when the proposed profile makes any case worse.");
    auto opts = std::make_shared<SuiteOptions>();
    opts->selection.suite = "nightly";
    auto current = std::make_shared<std::string>();
    auto proposed = std::make_shared<std::string>();
    add_suite_options(*cmd, *opts, /*with_profile=*/false);
    cmd->add_option("--current", *current, "The profile in force (default sandbox/profiles/default.env)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--proposed", *proposed, "The proposed profile (same format, one or more flags changed)")
        ->required()
        ->check(CLI::ExistingFile);
    return {cmd, [opts, current, proposed] {
        const auto& cancel = install_interrupt_handler();
        bool harness_failed = false;
        const std::filesystem::path out = opts->out;
        std::vector<SuiteRequest> runs;  // both profiles are checked before either runs
        for (const auto& [label, path] : {std::pair{"current", *current}, std::pair{"proposed", *proposed}}) {
            runs.push_back(to_request(*opts, setup_of(*opts, {path, {}, label})));
            runs.back().out_dir = out / label;
        }
        std::vector<RunReport> reports;
        for (const SuiteRequest& req : runs) {
            fmt::print(stderr, "== {} profile: {}\n", req.setup.profile_label, req.setup.profile.path);
            reports.push_back(run_and_report(req, cancel, harness_failed, stderr));
            if (cancel.load()) return 128 + interrupt_signal();
        }
        const RunDiff diff = diff_runs(reports[0], reports[1]);
        std::string markdown = render_profile_comparison_markdown(diff);
        std::string html = render_profile_comparison_html(diff);
        if (runtime_of(reports[0].meta) != runtime_of(reports[1].meta)) {
            const RuntimeComparison runtimes = compare_runtimes(reports[0], reports[1]);
            RunReport combined{combined_meta(reports[0].meta, reports[1].meta, command_line()), {}};
            combined.meta.extra[kRuntimeComparisonKey] = to_json(runtimes);
            // Not junit.xml: the verdicts are in each run's own; this report holds the comparison only.
            write_atomically(out / "report.json", JsonExporter().render(combined));
            write_atomically(out / "summary.md", MarkdownExporter().render(combined));
            write_atomically(out / "report.html", HtmlExporter().render(combined));
            markdown += runtime_comparison_markdown(runtimes);
            html += runtime_comparison_html(runtimes);
        }
        write_atomically(out / "review.md", markdown);
        write_atomically(out / "review.html", standalone_html("Profile review", html));
        fmt::print("{}", markdown);
        // Failures are expected under a weakened profile: only a change for the worse is one here.
        if (harness_failed || exit_status(reports[0].records) == 2 || exit_status(reports[1].records) == 2) return 2;
        return has_regression(diff) ? 1 : 0;
    }};
}

}  // namespace sh
