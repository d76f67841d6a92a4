// `sandbox-harness ablate`: removes or weakens one control at a time (sandbox/profiles/weakened/)
// and renders which probes notice: the control × probe coverage matrix. core/ablation.h says
// which rows run and how the matrix is read from them.

#include <filesystem>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/report_files.h"
#include "core/ablation.h"
#include "core/catalogue.h"
#include "io/interrupt.h"
#include "reports/coverage_render.h"
#include "reports/exporter.h"
#include "run/progress.h"
#include "util/files.h"

#include "core/run_figures.h"

namespace sh {

Command add_ablate_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "ablate", "Run the probes once per weakened control: the coverage matrix",
        "Run the probes once per weakened control (sandbox/profiles/weakened/*.env, AST check off) "
        "and render the control x probe coverage matrix. Exits 1 when a control is caught by no "
        "probe, a probe never reports an escape (no positive control), or the runtime alone lets a probe "
        "escape.");
    auto opts = std::make_shared<SuiteOptions>();
    opts->selection.suite = "probes";
    opts->selection.images = "base";
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
        const Checkout checkout = resolve_checkout(opts->root);
        const auto dir = weakenings_dir->empty() ? checkout.weakenings() : std::filesystem::path(*weakenings_dir);
        const std::vector<AblationRow> rows = ablation_rows(load_weakenings(dir));
        // The probes the rows choose from: the selection without the rows' own filters.
        const RunSetup all = setup_of(*opts, {});
        const auto selected = filter_by_glob(all.catalogue->all(), opts->selection.filters);

        std::vector<std::pair<const AblationRow*, SuiteRequest>> planned;  // every row is set up before any runs
        for (const auto& row : rows) {
            const auto filters = ablation_row_filters(row, selected, *targeted, opts->selection.filters);
            if (!filters) continue;
            SuiteOptions row_opts = *opts;
            row_opts.selection.filters = *filters;
            SuiteRequest req = to_request(row_opts, setup_of(row_opts, {{}, row.overrides, row.key}));
            req.self_test = row.self_test;
            req.out_dir = std::filesystem::path(opts->out) / row.key;
            planned.emplace_back(&row, std::move(req));
        }
        std::map<std::string, RunReport> runs;
        for (const auto& [row, req] : planned) {
            fmt::print(stderr, "== {}: {}\n", row->key, row->description);
            runs[row->key] = run_and_report(req, cancel, harness_failed, stderr);
            if (cancel.load()) return 128 + interrupt_signal();
        }

        const CoverageMatrix matrix = ablation_coverage(rows, runs, selected);
        const auto out = std::filesystem::path(opts->out);
        write_atomically(out / "coverage.md", coverage_markdown(matrix));
        write_atomically(out / "coverage.html",
                         standalone_html("Ablation coverage", coverage_html(matrix)));
        nlohmann::json j = coverage_json(matrix);
        write_atomically(out / "coverage.json", j.dump(2) + "\n");

        const auto uncovered = uncovered_controls(matrix);
        const auto never = probes_never_failing(matrix);
        const auto escapes = runtime_escapes(runs);
        fmt::print("{} weakenings x {} probes\n", matrix.controls.size(), matrix.probes.size());
        fmt::print("controls caught by no probe: {}\n", uncovered.empty() ? "none" : fmt::format("{}", fmt::join(uncovered, ", ")));
        fmt::print("probes never seen to fail (neither escaped nor accepted-risk): {}\n", never.empty() ? "none" : fmt::format("{}", fmt::join(never, ", ")));
        if (!matrix.checked_by.empty()) {
            std::vector<std::string> ids;
            for (const auto& [p, test] : matrix.checked_by) ids.push_back(p);
            fmt::print("probes of the harness itself, checked by its tests instead (see coverage.md): {}\n",
                       fmt::join(ids, ", "));
        }
        fmt::print("escapes with the AST check off (runtime alone): {}\n",
                   escapes.empty() ? "none" : fmt::format("{}", fmt::join(escapes, ", ")));
        fmt::print("coverage: {}\n", (out / "coverage.md").string());
        if (harness_failed) return 2;
        return (uncovered.empty() && never.empty() && escapes.empty()) ? 0 : 1;
    }};
}

}  // namespace sh
