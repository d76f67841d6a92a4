#include "cli/commands.h"

namespace sh {

std::vector<Command> add_commands(CLI::App& app) {
    app.description(
        "sandbox-harness: builds the hardened Python sandbox, attacks it with hostile probes, runs\n"
        "benign workloads, measures it, and reports. Exit status: 0 all pass, 1 a failure, an\n"
        "escape or a regression, 2 a harness error (bad input, no engine, broken image).");
    app.require_subcommand(1);
    app.set_version_flag("--version", SH_VERSION);
    return {add_list_command(app),    add_build_command(app),  add_run_command(app),
            add_merge_command(app),   add_compare_command(app), add_review_command(app),
            add_ablate_command(app),  add_bench_command(app),  add_capacity_command(app),
            add_chaos_command(app),   add_history_command(app)};
}

}  // namespace sh
