// `sandbox-harness capacity`: throughput and latency against concurrency, which workloads still
// pass at which value of each limit, and a capacity model checked against the measured curve
// (run/capacity.h measures them).

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/report_files.h"
#include "io/docker_client.h"
#include "io/interrupt.h"
#include "reports/exporter.h"
#include "run/capacity.h"

namespace sh {

namespace {

struct CapacityOptions {
    std::string root, profile, out;
    CapacitySettings settings;
    bool skip_limits = false;
};

}  // namespace

Command add_capacity_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "capacity", "Throughput and latency against concurrency and limits",
        "Throughput and latency against concurrency, workloads against each limit's value, and "
        "the capacity model (launches/s ≈ cores ÷ CPU-s per launch) checked against the sweep.");
    auto o = std::make_shared<CapacityOptions>();
    CapacitySettings& s = o->settings;
    cmd->add_option("--out", o->out, "Output directory")->required();
    cmd->add_option("--concurrency", s.concurrency, "Concurrency levels")->delimiter(',')->capture_default_str();
    cmd->add_option("--launches", s.launches, "Launches per concurrency level")->check(CLI::Range(4, 100000))->capture_default_str();
    cmd->add_option("--target-cores", s.target_cores, "Project the model onto a host with this many cores")
        ->check(CLI::Range(1, 4096))->capture_default_str();
    add_profile_option(*cmd, o->profile);
    add_root_option(*cmd, o->root);
    cmd->add_flag("--quick", s.quick, "A short sweep (two values of memory and pids)");
    cmd->add_flag("--no-limits", o->skip_limits, "Skip the limit sweeps");
    return {cmd, [o] {
        const auto& cancel = install_interrupt_handler();
        const RunSetup base = prepare_run(resolve_checkout(o->root), {o->profile}, {});
        CapacitySettings settings = o->settings;
        settings.limits = !o->skip_limits;
        settings.out = o->out;
        settings.command_line = command_line();
        DockerClient docker;
        const RunReport report = run_capacity(docker, base, settings, cancel);
        write_reports(report, o->out);
        fmt::print("{}", MarkdownExporter().render(report));
        return cancel.load() ? 128 + interrupt_signal() : 0;
    }};
}

}  // namespace sh
