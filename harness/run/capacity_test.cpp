#include "run/capacity.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace sh {
namespace {

using nlohmann::json;

Record workload_record(const std::string& id, const std::string& image, Verdict v, double wall_ms) {
    Record r;
    r.case_id = id;
    r.kind = CaseKind::Workload;
    r.image = image;
    r.judgement.verdict = v;
    r.launch.wall_ms = wall_ms;
    return r;
}

TEST(LimitSweeps, TheQuickSweepTriesTwoValuesOfMemoryAndPids) {
    const auto sweeps = limit_sweeps(true);
    ASSERT_EQ(2u, sweeps.size());
    EXPECT_EQ("memory", sweeps[0].limit);
    EXPECT_EQ((std::map<std::string, std::string>{{"SANDBOX_MEMORY", "64m"}, {"SANDBOX_MEMORY_SWAP", "64m"}}),
              sweeps[0].values[0]);
    EXPECT_EQ("pids", sweeps[1].limit);
    EXPECT_EQ(2u, sweeps[1].values.size());
}

TEST(LimitSweeps, TheFullSweepCoversEveryLimitWithTheDefaultProfilesValue) {
    std::vector<std::string> limits;
    for (const auto& s : limit_sweeps(false)) limits.push_back(s.limit);
    EXPECT_EQ((std::vector<std::string>{"memory", "pids", "cpus", "tmpfs", "timeout"}), limits);
    const auto memory = limit_sweeps(false)[0].values;
    EXPECT_TRUE(std::any_of(memory.begin(), memory.end(), [](const auto& v) { return v.at("SANDBOX_MEMORY") == "256m"; }));
}

TEST(LimitSweeps, AValueIsDescribedWithoutItsPrefixAndWithoutTheSwapThatFollowsMemory) {
    EXPECT_EQ("MEMORY=64m", describe_overrides({{"SANDBOX_MEMORY", "64m"}, {"SANDBOX_MEMORY_SWAP", "64m"}}));
    EXPECT_EQ("TMPFS=/tmp:rw,noexec,nosuid,nodev,size=1m",
              describe_overrides(limit_sweeps(false)[3].values[0]));
    EXPECT_EQ("CPUS=1 PIDS_LIMIT=8", describe_overrides({{"SANDBOX_PIDS_LIMIT", "8"}, {"SANDBOX_CPUS", "1"}}));
}

TEST(LimitRow, CountsThePassingWorkloadsAndNamesTheOthers) {
    const json row = limit_row("MEMORY=32m", {workload_record("numpy", "science", Verdict::Fail, 900),
                                             workload_record("hello", "base", Verdict::Pass, 300),
                                             workload_record("hello", "science", Verdict::Pass, 500),
                                             workload_record("sort", "base", Verdict::Error, 100)});
    EXPECT_EQ(json({"MEMORY=32m", 2, 4, 400.0, "numpy[science], sort[base]"}), row);
}

TEST(LimitRow, AllPassingShowsADash) {
    EXPECT_EQ(json({"PIDS_LIMIT=64", 1, 1, 300.0, "-"}),
              limit_row("PIDS_LIMIT=64", {workload_record("hello", "base", Verdict::Pass, 300)}));
    EXPECT_EQ("[\"none\",0,0,null,\"-\"]", limit_row("none", {}).dump());
}

}  // namespace
}  // namespace sh
