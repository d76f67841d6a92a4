// `sandbox-harness merge`: one report from the shards of a run (`run --shard K/N` on N runners).

#include <algorithm>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/report_files.h"
#include "reports/exporter.h"
#include "util/files.h"

namespace sh {

Command add_merge_command(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "merge", "Merge the reports of sharded runs (each DIR holds a report.json) into one report.");
    auto out = std::make_shared<std::string>();
    auto inputs = std::make_shared<std::vector<std::string>>();
    cmd->add_option("--out", *out, "Output directory for the merged reports")->required();
    cmd->add_option("dirs", *inputs, "Output directories of the shards")->required()->check(CLI::ExistingDirectory);
    return {cmd, [out, inputs] {
        RunReport merged;
        std::vector<std::string> shards;
        for (const auto& dir : *inputs) {
            RunReport part = read_report(std::filesystem::path(dir) / "report.json");
            if (merged.records.empty() && shards.empty()) merged.meta = part.meta;
            merged.meta.wall_s = std::max(merged.meta.wall_s, part.meta.wall_s);
            merged.meta.interrupted = merged.meta.interrupted || part.meta.interrupted;
            merged.meta.finished_at = std::max(merged.meta.finished_at, part.meta.finished_at);
            shards.push_back(part.meta.shard.empty() ? dir : part.meta.shard);
            for (auto& r : part.records) merged.records.push_back(std::move(r));
        }
        merged.meta.shard = fmt::format("merged {}", fmt::join(shards, ", "));
        write_reports(merged, *out);
        fmt::print("{}\nreports: {}\n", headline(summarize(merged.records), merged.meta.interrupted), *out);
        return exit_status(merged.records);
    }};
}

}  // namespace sh
