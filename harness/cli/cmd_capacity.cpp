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
#include "io/report_file.h"
#include "util/error.h"
#include "run/capacity.h"

namespace sh {

namespace {

struct CapacityOptions {
    std::string root, profile, out, from;
    CapacitySettings settings;
    bool skip_limits = false;
    double target_rate = 0, target_p95_ms = 0;
};

}  // namespace

Command add_capacity_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "capacity", "Throughput and latency against concurrency and limits",
        "Throughput and latency against concurrency, workloads against each limit's value, the "
        "capacity model (launches/s ≈ cores ÷ CPU-s per launch) checked against the sweep, and the "
        "Universal Scalability Law fitted to it and checked on the two highest levels it did not see. "
        "With --target-rate and --target-p95: how many hosts like this one serve that rate within "
        "that p95, at which concurrency each, and which resource runs out first (from a new sweep, or "
        "with --from from an existing report). Exit 1 when the target cannot be met on any number of "
        "hosts, 2 on a harness error.");
    auto o = std::make_shared<CapacityOptions>();
    CapacitySettings& s = o->settings;
    cmd->add_option("--out", o->out, "Output directory (required unless --from)");
    cmd->add_option("--concurrency", s.concurrency, "Concurrency levels")->delimiter(',')->capture_default_str();
    cmd->add_option("--launches", s.launches, "Launches per concurrency level")->check(CLI::Range(4, 100000))->capture_default_str();
    cmd->add_option("--target-cores", s.target_cores, "Project the model onto a host with this many cores")
        ->check(CLI::Range(1, 4096))->capture_default_str();
    add_profile_option(*cmd, o->profile);
    add_root_option(*cmd, o->root);
    cmd->add_flag("--quick", s.quick, "A short sweep (two values of memory and pids)");
    cmd->add_flag("--no-limits", o->skip_limits, "Skip the limit sweeps");
    auto* rate = cmd->add_option("--target-rate", o->target_rate, "Scripts per second to serve: with --target-p95, "
                                 "how many hosts like this one, at which concurrency each (an M/G/c queue per host "
                                 "whose service time is the latency measured at that concurrency)")
                     ->check(CLI::PositiveNumber);
    auto* p95 = cmd->add_option("--target-p95", o->target_p95_ms, "The p95 latency target of --target-rate, in ms")
                    ->check(CLI::PositiveNumber);
    rate->needs(p95);
    p95->needs(rate);
    cmd->add_option("--from", o->from, "Answer --target-rate/--target-p95 from this capacity report.json, "
                                       "measuring nothing")
        ->check(CLI::ExistingFile)
        ->needs(rate);
    return {cmd, [o] {
        std::optional<SizingTarget> target;
        if (o->target_rate > 0) target = SizingTarget{o->target_rate, o->target_p95_ms};
        if (!o->from.empty()) {  // the answer from a report already made
            RunReport report = read_report(o->from);
            try {
                add_sizing(report, *target);
            } catch (const std::invalid_argument& e) {
                throw Error(o->from + ": " + e.what());
            }
            if (!o->out.empty()) write_reports(report, o->out);
            fmt::print("{}\n", report.meta.extra["capacity_sizing"]["note"].get<std::string>());
            return report.meta.extra["capacity_sizing"]["possible"].get<bool>() ? 0 : 1;
        }
        if (o->out.empty()) throw Error("capacity: --out is required (unless --from answers from an existing report)");
        const auto& cancel = install_interrupt_handler();
        const RunSetup base = prepare_run(resolve_checkout(o->root), {o->profile}, {});
        CapacitySettings settings = o->settings;
        settings.limits = !o->skip_limits;
        settings.out = o->out;
        settings.command_line = command_line();
        settings.target = target;
        DockerClient docker;
        const RunReport report = run_capacity(docker, base, settings, cancel);
        write_reports(report, o->out);
        fmt::print("{}", MarkdownExporter().render(report));
        if (cancel.load()) return 128 + interrupt_signal();
        return !target || report.meta.extra["capacity_sizing"]["possible"].get<bool>() ? 0 : 1;
    }};
}

}  // namespace sh
