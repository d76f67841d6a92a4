#pragma once
/// The figures of a suite run that its records (and the cost kept in its meta) give, computed in
/// one place at the moment a report is made: for one run, for a merge of shards (whose records are
/// every shard's, whose cost the shards' sums), for review and ablate alike. Nothing the CLI adds
/// afterwards, so a sharded night tells the same as one run. Pure logic.
///
/// Written into meta.extra, replacing what was there:
/// - "workload_wall_ms.<image>": the wall times of the workloads that passed, one series per image,
///   in the records' order (what `--baseline` tests for a significant slowdown);
/// - "run_efficiency" (core/capacity_model.h run_efficiency_section), when the meta has a run
///   cost: its cases and launches are the records' own count; for a merge, wall and CPU are the
///   shards' sums and cores the largest shard's, and the section says so.

#include <vector>

#include "core/run_report.h"

namespace sh {

/// The prefix of the workload wall-time series' keys in meta.extra.
inline constexpr const char* kWorkloadWallSeries = "workload_wall_ms.";

void derive_run_figures(RunReport&);

/// The report of a suite run: its meta and records, with the figures derived.
RunReport suite_report(RunMeta, std::vector<Record>);

/// The cost of shards run side by side: wall and every CPU figure summed (runner-seconds and
/// CPU-seconds), cores the largest shard's. Shards without a cost add nothing.
std::optional<RunCost> sum_costs(const std::vector<const RunMeta*>&);

}  // namespace sh
