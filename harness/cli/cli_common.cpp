#include "cli/cli_common.h"

#include <cstdio>

#include <fmt/format.h>
#include "util/escape.h"
#include "util/error.h"
#include "util/text.h"
#include "cli/report_files.h"
#include "core/run_figures.h"
#include "run/progress.h"
#include "io/history_db.h"
#include "core/history.h"

#include <cstdlib>

namespace sh {

namespace {

/// `text`'s words in lines of at most `width` characters (a longer word stands on its own line).
std::string wrap(const std::string& text, std::size_t width) {
    std::string out, line;
    for (const auto w : words(text)) {
        if (!line.empty() && line.size() + 1 + w.size() > width) {
            out += line + "\n";
            line.clear();
        }
        if (!line.empty()) line += ' ';
        line += w;
    }
    return out + line;
}

}  // namespace

CLI::App* add_described_command(CLI::App& app, const std::string& name, const std::string& summary,
                                const std::string& details) {
    auto* cmd = app.add_subcommand(name, summary);
    if (!details.empty()) cmd->footer(wrap(details, 100));
    return cmd;
}

void add_root_option(CLI::App& cmd, std::string& root) {
    cmd.add_option("--root", root,
                   "The checkout holding sandbox/, attacks/, workloads/ (default: $SH_ROOT, else the source tree)");
}

void add_profile_option(CLI::App& cmd, std::string& profile) {
    cmd.add_option("--profile", profile,
                   "Launcher profile (default sandbox/profiles/default.env); SANDBOX_* "
                   "variables in the environment override it, as they do for the launcher")
        ->check(CLI::ExistingFile);
}

void add_image_option(CLI::App& cmd, std::string& image) {
    cmd.add_option("--image", image, "base, science or all")
        ->check(CLI::IsMember({"base", "science", "all"}))
        ->capture_default_str();
}

void add_selection_options(CLI::App& cmd, CaseSelection& s) {
    cmd.add_option("--suite", s.suite, "nightly (= all), probes, workloads or smoke")
        ->capture_default_str();
    cmd.add_option("--filter", s.filters, "Only case ids matching this glob (* and ?); repeatable");
    add_image_option(cmd, s.images);
}

void add_suite_options(CLI::App& cmd, SuiteOptions& o, bool with_profile) {
    add_selection_options(cmd, o.selection);
    if (with_profile) add_profile_option(cmd, o.profile);
    cmd.add_option("--jobs,-j", o.jobs, "Cores to keep busy: two probes run per core, one workload, and beside them a few cases that "
                   "only wait (timeout probes, AST rejections); longest first. 1: one case at a time")->check(CLI::Range(1, 64))->capture_default_str();
    cmd.add_option("--repeat", o.repeat, "Runs of each case")->check(CLI::Range(1, 1000))->capture_default_str();
    cmd.add_option("--overloaded-at", o.overloaded_at,
                   "Runnable tasks per CPU (mean, while a case runs, the case's own not counted) from "
                   "which the host counts as overloaded by others: a workload that times out then is run "
                   "once more, and reported flaky if it passes; 0: never run again")
        ->check(CLI::Range(0.0, 1000.0))
        ->capture_default_str();
    cmd.add_option("--shard", o.shard, "Run only shard K of N (K/N, 1-based); merge the records with `merge`");
    cmd.add_option("--out", o.out, "Output directory for records and reports")->required();
    add_root_option(cmd, o.root);
}

Checkout resolve_checkout(const std::string& root_option) {
    if (!root_option.empty()) return {root_option};
    if (const char* env = std::getenv("SH_ROOT"); env && *env) return {env};
    return {SH_SOURCE_DIR};
}

RunSetup setup_of(const SuiteOptions& o, ProfileChoice choice) {
    if (choice.path.empty()) choice.path = o.profile;
    return prepare_run(resolve_checkout(o.root), choice, o.selection);
}

SuiteRequest to_request(const SuiteOptions& o, RunSetup setup) {
    SuiteRequest r;
    r.setup = std::move(setup);
    r.jobs = o.jobs;
    r.repeat = o.repeat;
    r.shard = o.shard;
    r.overloaded_at = o.overloaded_at;
    r.out_dir = o.out;
    r.command_line = command_line();
    return r;
}

RunReport run_and_report(const SuiteRequest& req, const std::atomic<bool>& cancel, bool& harness_failed,
                         std::FILE* headline_to, const std::function<RenderOptions(RunReport&)>& rendering) {
    auto progress = make_progress(stderr);
    SuiteResult result = execute_suite(req, cancel, *progress);
    RunReport report = suite_report(result.meta, result.records);
    write_reports(report, req.out_dir, rendering ? rendering(report) : RenderOptions{});
    for (const auto& e : result.harness_errors) fmt::print(stderr, "sandbox-harness: error: {}\n", sanitize_utf8(e));
    harness_failed = harness_failed || !result.harness_errors.empty();
    fmt::print(headline_to, "{}\n", headline(summarize(report.records), result.meta.interrupted));
    return report;
}

void add_history_options(CLI::App& cmd, HistoryOptions& o) {
    cmd.add_option("--history", o.db,
                   "An SQLite history database (created if missing) to add this run to, night by night; the "
                   "reports then show the last nights' trends and the cases whose verdict changed");
    cmd.add_option("--history-nights", o.nights, "Nights the reports' history sections cover")
        ->check(CLI::Range(2, 1000))
        ->capture_default_str();
}

bool add_to_history(RunReport& report, const HistoryOptions& o) {
    if (o.db.empty()) return true;
    try {
        HistoryDb db(o.db);
        db.add(night_of(report));
        const nlohmann::json sections = history_sections(db.latest(static_cast<std::size_t>(o.nights)));
        for (const auto& [key, section] : sections.items()) report.meta.extra[key] = section;
        return true;
    } catch (const std::exception& e) {
        fmt::print(stderr, "sandbox-harness: error: {} (the reports are written without the history)\n",
                   sanitize_utf8(e.what()));
        return false;
    }
}

namespace {
std::string g_command_line;
}

void set_command_line(int argc, char** argv) {
    g_command_line.clear();
    for (int i = 0; i < argc; ++i) {
        if (i) g_command_line += ' ';
        g_command_line += argv[i];
    }
}

const std::string& command_line() { return g_command_line; }


}  // namespace sh
