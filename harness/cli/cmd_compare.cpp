// `sandbox-harness compare OLD NEW`: what changed between two runs, and is it a regression?

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "io/report_file.h"
#include "reports/diff_render.h"

namespace sh {

Command add_compare_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "compare", "Compare two report.json files: verdicts and latency",
        "Compare two report.json files: verdict changes (new escapes, regressions, fixes) and "
        "latency series (Mann-Whitney U). Exits 1 only on a regression: a verdict that got worse, "
        "or a latency series significantly slower by more than --threshold.");
    auto old_path = std::make_shared<std::string>();
    auto new_path = std::make_shared<std::string>();
    auto opts = std::make_shared<DiffOptions>();
    cmd->add_option("old", *old_path, "The earlier report.json")->required()->check(CLI::ExistingFile);
    cmd->add_option("new", *new_path, "The later report.json")->required()->check(CLI::ExistingFile);
    cmd->add_option("--threshold", opts->latency.threshold_ratio,
                    "p50 ratio new/old beyond which a significant slowdown is a regression")
        ->check(CLI::Range(1.0, 100.0))
        ->capture_default_str();
    cmd->add_option("--alpha", opts->latency.alpha,
                    "Significance level of the U tests: one-sided for latency series, two-sided for the wall "
                    "time of each case over its repetitions")
        ->check(CLI::Range(0.0001, 0.5))
        ->capture_default_str();
    cmd->add_option("--min-samples", opts->latency.min_samples, "Samples per side below which a series is not tested")
        ->capture_default_str();
    return {cmd, [old_path, new_path, opts] {
        opts->time_alpha = opts->latency.alpha;
        const RunDiff diff = diff_runs(read_report(*old_path), read_report(*new_path), *opts);
        fmt::print("{}", render_diff_markdown(diff));
        const bool regressed = has_regression(diff) || has_latency_regression(diff);
        fmt::print("\n{}\n", regressed ? "REGRESSION" : "no regression");
        return regressed ? 1 : 0;
    }};
}

}  // namespace sh
