#pragma once
/// Merging the reports of a sharded run (`run --shard K/N` on N runners) into one, refusing
/// nonsense: every shard must come from the same commit, catalogue, profile and image recipes,
/// and together they must cover the plan exactly once (each K of 1..N, no case twice). Each shard
/// must have finished (not interrupted) and hold exactly one record of each case its report says
/// was planned for it (RunMeta::planned), none other. A missing shard or a missing record is an
/// error, never a smaller green report.

#include <string>
#include <utility>
#include <vector>

#include "core/run_report.h"
#include "util/error.h"

namespace sh {

/// Every problem found, one per line in what().
class MergeError : public Error {
public:
    explicit MergeError(std::vector<std::string> problems);
    const std::vector<std::string>& problems() const { return problems_; }

private:
    std::vector<std::string> problems_;
};

/// `shards`: (where it came from, its report). Throws MergeError listing every problem.
RunReport merge_shards(std::vector<std::pair<std::string, RunReport>> shards);

}  // namespace sh
