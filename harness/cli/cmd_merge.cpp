// `sandbox-harness merge`: one report from the shards of a run (`run --shard K/N` on N runners).

#include <algorithm>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/report_files.h"
#include "core/shard_merge.h"
#include "io/report_file.h"
#include "reports/exporter.h"
#include "util/files.h"

namespace sh {

Command add_merge_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "merge", "Merge the reports of sharded runs into one report",
        "Merge the reports of sharded runs (each DIR holds a report.json) into one report. Refuses "
        "(exit 2, naming what differs) shards of different commits, catalogues, profiles or image "
        "recipes, a missing or repeated shard, a case in two shards, an interrupted shard, and a "
        "shard whose records are not exactly the cases planned for it (meta.planned).");
    auto out = std::make_shared<std::string>();
    auto inputs = std::make_shared<std::vector<std::string>>();
    cmd->add_option("--out", *out, "Output directory for the merged reports")->required();
    cmd->add_option("dirs", *inputs, "Output directories of the shards")->required()->check(CLI::ExistingDirectory);
    auto history = std::make_shared<HistoryOptions>();
    add_history_options(*cmd, *history);
    return {cmd, [out, inputs, history] {
        std::vector<std::pair<std::string, RunReport>> shards;
        for (const auto& dir : *inputs) shards.emplace_back(dir, read_report(std::filesystem::path(dir) / "report.json"));
        RunReport merged = merge_shards(std::move(shards));  // MergeError names every mismatch: exit 2
        const bool history_failed = !add_to_history(merged, *history);
        write_reports(merged, *out);
        fmt::print("{}\nreports: {}\n", headline(summarize(merged.records), merged.meta.interrupted), *out);
        return run_exit_status(merged.records, history_failed);
    }};
}

}  // namespace sh
