// sandbox-harness: benchmark and chaos-test harness for the hardened Python sandbox.
// main reads as the pipeline's entry: parse the command, run it, map every failure to exit 2.

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli_common.h"
#include "commands.h"

int main(int argc, char** argv) {
    CLI::App app{
        "sandbox-harness: builds the hardened Python sandbox, attacks it with hostile probes, runs\n"
        "benign workloads, measures it, and reports. Exit status: 0 all pass, 1 a failure, an\n"
        "escape or a regression, 2 a harness error (bad input, no engine, broken image)."};
    app.require_subcommand(1);
    app.set_version_flag("--version", SH_VERSION);

    sh::set_command_line(argc, argv);
    int exit_code = 0;
    sh::add_list_command(app, exit_code);
    sh::add_build_command(app, exit_code);
    sh::add_run_command(app, exit_code);
    sh::add_merge_command(app, exit_code);
    sh::add_compare_command(app, exit_code);
    sh::add_review_command(app, exit_code);
    sh::add_ablate_command(app, exit_code);
    sh::add_bench_command(app, exit_code);
    sh::add_capacity_command(app, exit_code);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);  // prints help, or the error with a hint
        return rc == 0 ? 0 : 2;
    } catch (const std::exception& e) {
        fmt::print(stderr, "sandbox-harness: error: {}\n", e.what());
        return 2;
    }
    return exit_code;
}
