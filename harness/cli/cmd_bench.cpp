// `sandbox-harness bench`: launch latency (percentiles and phases), the launcher's own overhead
// against the Engine API, CPU per launch, the latency cost of each control, enforcement timings,
// and a cross-check against hyperfine (run/bench.h measures them). Figures go to report.json's
// meta.extra and to the terminal; the other reports render them.

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/report_files.h"
#include "io/docker_client.h"
#include "reports/exporter.h"
#include "run/bench.h"

namespace sh {

namespace {

struct BenchOptions {
    std::string root, profile, out;
    BenchSettings settings;
    bool skip_controls = false, skip_enforcement = false, skip_hyperfine = false;
};

}  // namespace

Command add_bench_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "bench", "Measure launch latency and each control's cost",
        "Measure launch latency (percentiles, phases), the launcher's overhead against the Engine "
        "API, CPU per launch, each control's latency cost and enforcement timings; writes the "
        "figures into report.json (meta.extra), summary.md and report.html.");
    auto o = std::make_shared<BenchOptions>();
    BenchSettings& s = o->settings;
    cmd->add_option("--out", o->out, "Output directory")->required();
    cmd->add_option("--runs", s.runs, "Measured launches per figure")->check(CLI::Range(3, 10000))->capture_default_str();
    cmd->add_option("--warmup", s.warmup, "Launches before each measured batch")->check(CLI::Range(0, 100))->capture_default_str();
    add_image_option(*cmd, s.image);
    add_profile_option(*cmd, o->profile);
    add_root_option(*cmd, o->root);
    cmd->add_flag("--no-controls", o->skip_controls, "Skip the per-control latency cost");
    cmd->add_flag("--no-enforcement", o->skip_enforcement, "Skip the enforcement timings");
    cmd->add_flag("--no-hyperfine", o->skip_hyperfine, "Skip the hyperfine cross-check");
    return {cmd, [o] {
        const RunSetup setup = prepare_run(resolve_checkout(o->root), {o->profile}, {});
        BenchSettings settings = o->settings;
        settings.controls = !o->skip_controls;
        settings.enforcement = !o->skip_enforcement;
        settings.hyperfine = !o->skip_hyperfine;
        settings.command_line = command_line();
        DockerClient docker;
        const RunReport report = run_bench(docker, setup, settings);
        write_reports(report, o->out);
        fmt::print("{}", MarkdownExporter().render(report));
        return 0;
    }};
}

}  // namespace sh
