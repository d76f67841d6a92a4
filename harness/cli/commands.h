#pragma once
/// The CLI's commands: option parsing and wiring only. Each `add_*` registers one subcommand on
/// the app and returns it with its body; main runs the body of the subcommand that was parsed.
/// A body returns the exit status (0 all pass, 1 a failure/escape/regression, 2 a harness error,
/// 128 + N when signal N stopped it) and throws Error for what the user must fix.

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace sh {

struct Command {
    CLI::App* app;
    std::function<int()> run;
};

Command add_list_command(CLI::App&);
Command add_build_command(CLI::App&);
Command add_run_command(CLI::App&);
Command add_merge_command(CLI::App&);
Command add_compare_command(CLI::App&);
Command add_review_command(CLI::App&);
Command add_ablate_command(CLI::App&);
Command add_bench_command(CLI::App&);
Command add_capacity_command(CLI::App&);
Command add_chaos_command(CLI::App&);
Command add_history_command(CLI::App&);

/// The top-level app (its description, --version) with every command registered, in the order
/// --help lists them.
std::vector<Command> add_commands(CLI::App&);

}  // namespace sh
