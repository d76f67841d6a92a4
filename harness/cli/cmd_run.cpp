// `sandbox-harness run`: the nightly suite, or any selection of it, under one profile.

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "reports/annotations.h"
#include "reports/diff_render.h"
#include "core/catalogue.h"
#include "cli/report_files.h"
#include "reports/exporter.h"
#include "util/files.h"
#include "io/interrupt.h"
#include "run/progress.h"
#include "io/records_file.h"
#include "io/report_file.h"
#include "core/run_figures.h"
#include "core/run_report.h"

namespace sh {

namespace fs = std::filesystem;

Command add_run_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "run", "Run workloads and probes, judge them, write the reports",
        "Run workloads and probes through the launcher, judge them with outside evidence, "
        "and write records.jsonl, report.json, junit.xml, summary.md and report.html.");
    auto opts = std::make_shared<SuiteOptions>();
    add_suite_options(*cmd, *opts);
    auto baseline = std::make_shared<std::string>();
    auto slowdown = std::make_shared<double>(1.10);
    auto annotations = std::make_shared<std::string>();
    cmd->add_option("--annotations", *annotations,
                    "github: also print one GitHub Actions ::error command per escaped, failed or error "
                    "case, on its script's file (the run's page then marks the probe)")
        ->check(CLI::IsMember({"github"}));
    cmd->add_option("--baseline", *baseline,
                    "A previous report.json to compare with: new escapes, fixed cases and "
                    "verdict changes are listed, and any regression makes the exit status 1; its cases' "
                    "wall times also order this run's, longest first")
        ->check(CLI::ExistingFile);
    cmd->add_option("--max-slowdown", *slowdown,
                    "With --baseline: a latency series whose p50 grew by more than this ratio, "
                    "significantly (Mann-Whitney U, alpha 0.05), is a regression")
        ->check(CLI::Range(1.0, 100.0))
        ->capture_default_str();
    auto history = std::make_shared<HistoryOptions>();
    add_history_options(*cmd, *history);
    return {cmd, [opts, baseline, slowdown, annotations, history] {
        // The baseline is read before anything runs: a bad one must not cost a night's run.
        std::optional<RunReport> before;
        if (!baseline->empty()) before = read_report(*baseline);
        SuiteRequest req = to_request(*opts, setup_of(*opts, {}));
        if (before) req.cost_history = CostHistory(before->records);
        const auto& cancel = install_interrupt_handler();
        // The comparison is part of the reports: it is made between the run and their writing.
        std::optional<RunDiff> diff;
        bool history_failed = false;
        const auto rendering = [&](RunReport& report) {
            history_failed = !add_to_history(report, *history);
            RenderOptions r;
            if (!before) return r;
            DiffOptions dopts;
            dopts.latency.threshold_ratio = *slowdown;
            diff = diff_runs(*before, report, dopts);
            r.diff = &*diff;
            return r;
        };
        bool harness_failed = false;
        const RunReport report = run_and_report(req, cancel, harness_failed, stdout, rendering);
        if (report.meta.run_cost) fmt::print("{}\n", run_efficiency_line(*report.meta.run_cost));
        if (diff)
            fmt::print("compared with {}: {} new escapes, {} regressions, {} fixed, {} latency regressions\n",
                       diff->before_label, new_escapes(*diff).size(),
                       std::count_if(diff->changes.begin(), diff->changes.end(), is_regression),
                       fixed_cases(*diff).size(),
                       std::count_if(diff->latency.begin(), diff->latency.end(),
                                     [](const PerfDelta& d) { return d.status == PerfStatus::Regression; }));
        fmt::print("reports: {}\n", fs::absolute(req.out_dir).string());
        if (*annotations == "github") fmt::print("{}", github_annotations(report));

        const int status = run_exit_status(report.records, harness_failed || history_failed,
                                           report.meta.interrupted ? interrupt_signal() : 0);
        if (status == 0 && diff && (has_regression(*diff) || has_latency_regression(*diff))) return 1;
        return status;
    }};
}

}  // namespace sh
