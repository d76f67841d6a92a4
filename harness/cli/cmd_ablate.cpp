// `sandbox-harness ablate`: removes or weakens one control at a time (sandbox/profiles/weakened/)
// and renders which probes notice: the control × probe coverage matrix.
//
// Rows. "default" is the profile as shipped. "validator-off" is the same with the AST check off:
// the runtime alone must contain every probe. Each weakening then runs with the AST check off as
// well, so that a runtime control is tested alone rather than behind the AST check. A probe
// catches a runtime weakening when it escapes; it catches the AST weakening when it was stopped
// by the AST check in "default" and had to be stopped by something else without it. The last row,
// "self-test", runs the probes that have a `self-test` against their own stand-in: the positive
// control of an escape no weakening can produce on a patched host.

#include <algorithm>

#include <fmt/format.h>

#include "core/catalogue.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "reports/coverage_render.h"
#include "cli/report_files.h"
#include "reports/exporter.h"
#include "util/files.h"
#include "io/interrupt.h"
#include "run/progress.h"

namespace sh {

namespace {

/// Rejected by the AST check before any container existed (the launcher's exit 126 with no
/// container seen), as opposed to a verdict merely attributed to the `ast` control.
bool stopped_by_ast(const Record& r) {
    return r.judgement.verdict == Verdict::Contained && r.launch.exit_code == kLauncherAstRejected &&
           !r.observation.container_id;
}

struct Row {
    std::string key;          ///< output sub-directory and matrix row
    std::string control;      ///< the control it weakens ("" for the reference rows)
    std::string description;
    std::map<std::string, std::string> overrides;
    bool self_test = false;   ///< the probes' own stand-in positive controls (their `self-test`)
};

}  // namespace

Command add_ablate_command(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "ablate",
        "Run the probes once per weakened control (sandbox/profiles/weakened/*.env, AST check off) "
        "and render the control x probe coverage matrix. Exits 1 when a control is caught by no "
        "probe, a probe never reports an escape (no positive control), or the runtime alone lets a probe "
        "escape.");
    auto opts = std::make_shared<SuiteOptions>();
    opts->suite = "probes";
    opts->image = "base";
    add_suite_options(*cmd, *opts);
    auto weakenings_dir = std::make_shared<std::string>();
    auto targeted = std::make_shared<bool>(false);
    cmd->add_flag("--targeted", *targeted,
                  "In each weakened row run only the probes that name the weakened control (much "
                  "faster; cells of other probes stay empty, so an escape through an unrelated "
                  "control is not seen)");
    cmd->add_option("--weakenings", *weakenings_dir, "Directory of weakening overlays (default sandbox/profiles/weakened)")
        ->check(CLI::ExistingDirectory);
    return {cmd, [opts, weakenings_dir, targeted] {
        const auto& cancel = install_interrupt_handler();
        bool harness_failed = false;
        const auto root = resolve_root(opts->root);
        const auto dir = weakenings_dir->empty() ? root / "sandbox/profiles/weakened" : std::filesystem::path(*weakenings_dir);
        const std::vector<Weakening> weakenings = load_weakenings(dir);

        std::vector<Row> rows = {{"default", "", "the profile as shipped", {}},
                                 {"validator-off", "", "AST check off: the runtime alone", {{"SANDBOX_AST_CHECK", "0"}}}};
        for (const auto& w : weakenings) {
            Row row{std::filesystem::path(w.path).stem().string(), w.control, w.description, w.overrides};
            row.overrides.emplace("SANDBOX_AST_CHECK", "0");
            rows.push_back(std::move(row));
        }
        // Escapes no weakening can produce on a patched host (a runc CVE, a kernel without SysRq):
        // the probes that have a self-test point the same check at a stand-in, so that each one is
        // still seen to fail once. Default profile, AST check off.
        rows.push_back({"self-test", "self-test",
                        "each probe's `self-test` stand-in, for escapes no weakening can produce on a patched host",
                        {{"SANDBOX_AST_CHECK", "0"}}, true});

        const Catalogue catalogue = load_catalogue({root / "workloads", root / "attacks"});
        const auto selected = filter_by_glob(catalogue.all(), opts->filters);

        std::map<std::string, RunReport> runs;
        for (const auto& row : rows) {
            SuiteRequest req = to_request(*opts, row.key);
            req.overrides = row.overrides;
            req.self_test = row.self_test;
            if (row.self_test &&
                std::none_of(selected.begin(), selected.end(), [](const CaseSpec* c) { return !c->self_test_args.empty(); }))
                continue;
            if (*targeted && !row.control.empty() && !row.self_test) {
                req.filters.clear();
                for (const CaseSpec* c : selected)
                    if (c->kind == CaseKind::Probe && c->has_control(row.control)) req.filters.push_back(c->id);
                if (req.filters.empty()) continue;
            }
            req.out_dir = std::filesystem::path(opts->out) / row.key;
            fmt::print(stderr, "== {}: {}\n", row.key, row.description);
            auto progress = make_progress(stderr);
            SuiteResult result = execute_suite(req, cancel, *progress);
            RunReport report{result.meta, result.records};
            write_reports(report, req.out_dir);
            harness_failed = print_harness_errors(result) || harness_failed;
            fmt::print(stderr, "{}\n", headline(summarize(report.records), result.meta.interrupted));
            runs[row.key] = std::move(report);
            if (cancel.load()) return 128 + interrupt_signal();
        }

        std::vector<std::pair<std::string, RunReport>> weakened;
        for (const auto& row : rows)
            if (!row.control.empty() && runs.count(row.key)) weakened.emplace_back(row.key, runs[row.key]);
        CoverageMatrix matrix = build_coverage(weakened);
        for (const CaseSpec* c : selected)
            if (!c->checked_by.empty() &&
                std::find(matrix.probes.begin(), matrix.probes.end(), c->id) != matrix.probes.end())
                matrix.checked_by[c->id] = c->checked_by;
        std::set<std::string> ast_stopped;
        for (const auto& r : runs["default"].records)
            if (stopped_by_ast(r)) ast_stopped.insert(r.case_id);
        for (const auto& row : rows) {
            if (row.control.empty() || !runs.count(row.key)) continue;
            matrix.weakening_description[row.key] = row.control + ": " + row.description;
            if (row.control != "ast") continue;
            for (const auto& r : runs[row.key].records)
                if (ast_stopped.count(r.case_id) && !stopped_by_ast(r))
                    matrix.caught.insert({row.key, r.case_id});
        }

        const auto out = std::filesystem::path(opts->out);
        write_atomically(out / "coverage.md", coverage_markdown(matrix));
        write_atomically(out / "coverage.html",
                         standalone_html("Ablation coverage", coverage_html(matrix)));
        nlohmann::json j = coverage_json(matrix);
        write_atomically(out / "coverage.json", j.dump(2) + "\n");

        const auto uncovered = uncovered_controls(matrix);
        const auto never = probes_never_failing(matrix);
        std::vector<std::string> runtime_escapes;
        for (const auto& r : runs["validator-off"].records)
            if (is_failure(r.judgement.verdict)) runtime_escapes.push_back(r.case_id + "[" + r.image + "]");
        fmt::print("{} weakenings x {} probes\n", weakened.size(), matrix.probes.size());
        fmt::print("controls caught by no probe: {}\n", uncovered.empty() ? "none" : fmt::format("{}", fmt::join(uncovered, ", ")));
        fmt::print("probes never seen to fail (neither escaped nor accepted-risk): {}\n", never.empty() ? "none" : fmt::format("{}", fmt::join(never, ", ")));
        if (!matrix.checked_by.empty()) {
            std::vector<std::string> ids;
            for (const auto& [p, test] : matrix.checked_by) ids.push_back(p);
            fmt::print("probes of the harness itself, checked by its tests instead (see coverage.md): {}\n",
                       fmt::join(ids, ", "));
        }
        fmt::print("escapes with the AST check off (runtime alone): {}\n",
                   runtime_escapes.empty() ? "none" : fmt::format("{}", fmt::join(runtime_escapes, ", ")));
        fmt::print("coverage: {}\n", (out / "coverage.md").string());
        if (harness_failed) return 2;
        return (uncovered.empty() && never.empty() && runtime_escapes.empty()) ? 0 : 1;
    }};
}

}  // namespace sh
