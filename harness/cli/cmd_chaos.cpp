// `sandbox-harness chaos`: faults injected into real runs from outside, and what each run showed.

#include <chrono>
#include <fstream>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "core/chaos.h"
#include "io/docker_client.h"
#include "io/interrupt.h"
#include "io/process_runner.h"
#include "reports/chaos_render.h"
#include "reports/exporter.h"
#include "run/chaos.h"
#include "run/run_setup.h"
#include "util/error.h"
#include "util/files.h"

namespace sh {

namespace fs = std::filesystem;

Command add_chaos_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "chaos", "Inject faults into real runs and check that each run shows them",
        "Inject faults into real runs of this harness, from outside, and check that each run shows them: "
        "someone's docker kill, pause or stop of a case's container (an error that names the interference), "
        "the launcher or the harness killed with SIGKILL (no container outlives its deadline or its harness, "
        "also when the script stops PID 1, its deadline keeper inside), "
        "the harness stopped by SIGINT or SIGTERM (reports of what it judged, no container left), CPU and "
        "memory pressure (a benign workload that times out is re-run and reported flaky, never pass), "
        "a full disk (exit 2 naming it, every record on disk whole), and, with --allow-engine-restart, dockerd "
        "restarted mid-run. One fault with no fault injected is the negative control. Writes chaos.md, "
        "chaos.html and chaos.json, plus each fault's run reports, under --out. Exit 0 when every fault was flagged as it "
        "must be, 1 when one was not, 2 on a harness error.");
    struct Options {
        std::string root, profile, out;
        std::vector<std::string> faults;
        bool allow_engine_restart = false;
    };
    auto o = std::make_shared<Options>();
    add_root_option(*cmd, o->root);
    add_profile_option(*cmd, o->profile);
    cmd->add_option("--out", o->out, "Output directory: chaos.md, chaos.json and one directory per fault")->required();
    cmd->add_option("--fault", o->faults, "Only these faults, in the order given (repeat the option; default: all "
                                          "but engine-restart unless allowed). " + fmt::format("Known: {}", fmt::join(chaos_faults(), ", ")));
    cmd->add_flag("--allow-engine-restart", o->allow_engine_restart,
                  "Also stop dockerd with SIGTERM mid-run and start it again with its own command line (every "
                  "container on the host stops: not for a host shared with other jobs)");
    return {cmd, [o] {
        ChaosRequest req;
        req.checkout = resolve_checkout(o->root);
        req.harness = fs::read_symlink("/proc/self/exe");
        req.profile = o->profile.empty() ? fs::path() : fs::absolute(o->profile);
        // The profile is checked here, before any fault's run (each run would refuse it with exit 2).
        effective_profile(req.checkout, {req.profile});
        req.out_dir = fs::absolute(o->out);
        req.faults = o->faults;
        req.allow_engine_restart = o->allow_engine_restart;
        DockerClient docker;
        SubprocessRunner processes;
        const auto& cancel = install_interrupt_handler();
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<FaultResult> results = run_chaos(req, docker, processes, cancel);
        const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const std::string md = render_chaos_markdown(results, wall_s);
        write_atomically(req.out_dir / "chaos.md", md);
        write_atomically(req.out_dir / "chaos.html", standalone_html("Chaos", render_chaos_html(results, wall_s)));
        write_atomically(req.out_dir / "chaos.json",
                         nlohmann::json{{"wall_s", wall_s}, {"faults", to_json(results)}}.dump(2) + "\n");
        fmt::print("{}\nreports: {}\n", md, req.out_dir.string());
        if (cancel.load()) return 128 + interrupt_signal();
        return chaos_exit_status(results);
    }};
}

}  // namespace sh
