#pragma once
/// What the commands share: how a command is described, the suite options of run, review and
/// ablate (registered in one place, so --help says the same everywhere), the checkout root, the
/// command line.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/run_report.h"
#include "run/suite.h"

namespace sh {

/// Registers the subcommand `name`. `summary` is its one line in the top-level --help (as git
/// and docker list theirs: short, no final full stop); `details`, when given, is the paragraph
/// shown after the options in `sandbox-harness NAME --help` only, wrapped to the terminal's
/// usual width.
CLI::App* add_described_command(CLI::App& app, const std::string& name, const std::string& summary,
                                const std::string& details = "");

struct SuiteOptions {
    std::string root;
    std::string suite = "nightly";
    std::vector<std::string> filters;
    std::string image = "all";
    std::string profile;
    int jobs = 2;
    int repeat = 1;
    std::string shard;
    std::string out;
    double overloaded_at = 2.0;
};

/// `with_profile`: whether --profile is offered (review takes two profiles of its own).
void add_suite_options(CLI::App&, SuiteOptions&, bool with_profile = true);
SuiteRequest to_request(const SuiteOptions&, const std::string& profile_label);
/// The checkout that holds sandbox/, attacks/ and workloads/: --root, else $SH_ROOT, else the
/// source tree this binary was built from.
std::filesystem::path resolve_root(const std::string& root_option);

/// The command line as typed, for RunMeta; set once by main.
void set_command_line(int argc, char** argv);
const std::string& command_line();

/// Prints what failed in a run after its cases were judged (SuiteResult::harness_errors);
/// returns true when anything did (the command then exits 2, its reports written).
bool print_harness_errors(const SuiteResult&);

}  // namespace sh
