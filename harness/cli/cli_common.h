#pragma once
/// What the commands share: how a command is described, the suite options of run, review and
/// ablate (registered in one place, so --help says the same everywhere), the checkout root, the
/// command line.

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/run_report.h"
#include "reports/exporter.h"
#include "run/run_setup.h"
#include "run/suite.h"

namespace sh {

/// Registers the subcommand `name`. `summary` is its one line in the top-level --help (as git
/// and docker list theirs: short, no final full stop); `details`, when given, is the paragraph
/// shown after the options in `sandbox-harness NAME --help` only, wrapped to the terminal's
/// usual width.
CLI::App* add_described_command(CLI::App& app, const std::string& name, const std::string& summary,
                                const std::string& details = "");

/// The options every command that runs or lists cases shares, each registered by one function
/// below, so that --help says the same everywhere.
struct SuiteOptions {
    std::string root;
    CaseSelection selection;
    std::string profile;
    int jobs = 2;
    int repeat = 1;
    std::string shard;
    std::string out;
    double overloaded_at = 2.0;
};

/// --root: the checkout that holds sandbox/, attacks/ and workloads/.
void add_root_option(CLI::App&, std::string& root);
/// --profile: a launcher profile file.
void add_profile_option(CLI::App&, std::string& profile);
/// --image: base, science or all.
void add_image_option(CLI::App&, std::string& image);
/// --suite, --filter and --image.
void add_selection_options(CLI::App&, CaseSelection&);
/// The selection, --root, --jobs, --repeat, --overloaded-at, --shard and --out of run, review and
/// ablate; `with_profile`: whether --profile is offered (review takes two profiles of its own).
void add_suite_options(CLI::App&, SuiteOptions&, bool with_profile = true);

/// The checkout that holds sandbox/, attacks/ and workloads/: --root, else $SH_ROOT, else the
/// source tree this binary was built from.
Checkout resolve_checkout(const std::string& root_option);
/// The run's setup from the options (prepare_run): `choice.path` empty takes --profile.
RunSetup setup_of(const SuiteOptions&, ProfileChoice choice);
/// One run of `setup` with the options' jobs, repeat, shard and output directory.
SuiteRequest to_request(const SuiteOptions&, RunSetup setup);

/// Runs the suite, writes its reports to req.out_dir (rendered with what `rendering` gives for the
/// run's report, which it may complete first: run compares it with --baseline and adds it to its
/// --history there), prints any harness error to stderr and the headline to `headline_to`.
/// `harness_failed` becomes true when anything failed after the cases were judged (the command
/// then exits 2, its reports written).
RunReport run_and_report(const SuiteRequest&, const std::atomic<bool>& cancel, bool& harness_failed,
                         std::FILE* headline_to, const std::function<RenderOptions(RunReport&)>& rendering = {});

/// --history DB and --history-nights N.
struct HistoryOptions {
    std::string db;
    int nights = 14;
};
void add_history_options(CLI::App&, HistoryOptions&);
/// With a database: adds `report` to it as a night, then puts the last nights into its meta.extra
/// (history_nights; history_unstable when a case's verdict changed). A database that fails (locked
/// past the timeout, corrupt, newer, a full disk) is printed and gives false: the reports are
/// still written, and the command exits 2.
bool add_to_history(RunReport&, const HistoryOptions&);

/// The command line as typed, for RunMeta; set once by main.
void set_command_line(int argc, char** argv);
const std::string& command_line();


}  // namespace sh
