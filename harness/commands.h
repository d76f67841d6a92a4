#pragma once
/// The CLI's commands. Each `add_*` registers one subcommand on the app; when it runs, it stores
/// its exit status in `exit_code` (0 all pass, 1 a failure/escape/regression, 2 a harness error).

#include <CLI/CLI.hpp>

namespace sh {

void add_list_command(CLI::App&, int& exit_code);
void add_build_command(CLI::App&, int& exit_code);
void add_run_command(CLI::App&, int& exit_code);
void add_merge_command(CLI::App&, int& exit_code);
void add_compare_command(CLI::App&, int& exit_code);
void add_review_command(CLI::App&, int& exit_code);
void add_ablate_command(CLI::App&, int& exit_code);
void add_bench_command(CLI::App&, int& exit_code);
void add_capacity_command(CLI::App&, int& exit_code);

}  // namespace sh
