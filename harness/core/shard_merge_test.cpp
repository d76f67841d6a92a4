#include "core/shard_merge.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/plan.h"
#include "core/run_figures.h"

namespace sh {
namespace {

RunReport shard(const std::string& k_of_n, std::vector<std::string> cases) {
    RunReport r;
    r.meta.shard = k_of_n;
    r.meta.commit = "c0ffee";
    r.meta.catalogue_hash = "0123456789abcdef";
    r.meta.profile = {{"SANDBOX_MEMORY", "256m"}};
    r.meta.images = {{"base", "secure-python:latest", "sha256:1", 1, {{"sandbox-harness.recipe-hash", "r1"}}}};
    r.meta.planned.emplace();
    for (auto& id : cases) {
        Record rec;
        rec.case_id = std::move(id);
        rec.image = "base";
        rec.judgement.verdict = Verdict::Contained;
        r.meta.planned->push_back(case_key(rec.case_id, rec.image, rec.repetition));
        r.records.push_back(std::move(rec));
    }
    return r;
}

std::vector<std::string> problems(std::vector<std::pair<std::string, RunReport>> shards) {
    try {
        merge_shards(std::move(shards));
    } catch (const MergeError& e) {
        return e.problems();
    }
    return {};
}

TEST(MergeShards, ShardsOfOneRunMergeIntoOne) {
    const RunReport m = merge_shards({{"a", shard("1/2", {"p1", "p2"})}, {"b", shard("2/2", {"p3"})}});
    EXPECT_EQ(3u, m.records.size());
    EXPECT_EQ("merged 1/2, 2/2", m.meta.shard);
    EXPECT_FALSE(m.meta.interrupted);
    EXPECT_EQ((std::vector<std::string>{"p1 [base] #0", "p2 [base] #0", "p3 [base] #0"}), m.meta.planned);
}

// The positive control of the next tests: the same shards, whole, merge (the test above).
TEST(MergeShards, AShardMissingARecordOfItsPlanIsRefusedNamingTheCase) {
    RunReport lost = shard("1/2", {"p1", "p2"});
    lost.records.pop_back();  // p2's record removed, p2 still planned
    EXPECT_EQ((std::vector<std::string>{"a: 1 planned case has no record: p2 [base] #0"}),
              problems({{"a", lost}, {"b", shard("2/2", {"p3"})}}));
}

TEST(MergeShards, AnInterruptedShardIsRefusedEvenWhenItsRecordsAreComplete) {
    RunReport stopped = shard("2/2", {});  // stopped before any case was judged
    stopped.meta.interrupted = true;
    stopped.meta.planned = {"p3 [base] #0", "p4 [base] #0"};
    const auto p = problems({{"a", shard("1/2", {"p1"})}, {"b", stopped}});
    ASSERT_EQ(2u, p.size());
    EXPECT_EQ("b: the run was interrupted (meta.interrupted), so its records are only the cases judged before it "
              "stopped; run the shard again",
              p[0]);
    EXPECT_EQ("b: 2 planned cases have no record: p3 [base] #0, p4 [base] #0", p[1]);

    RunReport whole_but_interrupted = shard("2/2", {"p3"});
    whole_but_interrupted.meta.interrupted = true;
    EXPECT_EQ(1u, problems({{"a", shard("1/2", {"p1"})}, {"b", whole_but_interrupted}}).size());
}

TEST(MergeShards, ARecordNotPlannedForTheShardOrTwiceInItIsRefused) {
    RunReport extra = shard("1/2", {"p1"});
    extra.records.push_back(extra.records[0]);
    extra.records.back().case_id = "planted";
    extra.records.push_back(extra.records[0]);  // p1 twice
    EXPECT_EQ((std::vector<std::string>{"a: 1 record is of a case not planned for it: planted [base] #0",
                                        "a: 1 case has more than one record: p1 [base] #0"}),
              problems({{"a", extra}, {"b", shard("2/2", {"p3"})}}));
}

TEST(MergeShards, TheRunsOwnCanaryRecordNeedsNoPlan) {
    RunReport hit = shard("1/2", {"p1"});
    Record canary;
    canary.case_id = kRunCanaryCaseId;
    canary.image = "host";
    canary.judgement.verdict = Verdict::Error;
    hit.records.push_back(canary);
    EXPECT_EQ(3u, merge_shards({{"a", hit}, {"b", shard("2/2", {"p3"})}}).records.size());
}

TEST(MergeShards, AReportWithoutItsPlanIsRefusedSayingHowToFixIt) {
    RunReport old = shard("2/2", {"p3"});
    old.meta.planned.reset();  // written before reports listed their plan
    const auto p = problems({{"a", shard("1/2", {"p1"})}, {"b", old}});
    ASSERT_EQ(1u, p.size());
    EXPECT_EQ("b: its report.json does not list the cases planned for it (meta.planned: written by an older "
              "sandbox-harness), so its records cannot be checked against its plan; run the shard again with "
              "this version",
              p[0]);
}

TEST(MergeShards, ALongListOfMissingCasesIsCut) {
    std::vector<std::string> ids;
    for (int i = 10; i < 25; ++i) ids.push_back("p" + std::to_string(i));
    RunReport empty = shard("1/1", ids);
    empty.records.clear();
    const auto p = problems({{"a", empty}});
    ASSERT_EQ(1u, p.size());
    EXPECT_EQ("a: 15 planned cases have no record: p10 [base] #0, p11 [base] #0, p12 [base] #0, p13 [base] #0, "
              "p14 [base] #0, p15 [base] #0, p16 [base] #0, p17 [base] #0, p18 [base] #0, p19 [base] #0 and 5 more",
              p[0]);
}

TEST(MergeShards, AMissingOrRepeatedShardIsAnErrorNotASmallerReport) {
    EXPECT_EQ((std::vector<std::string>{"shard 3/3 is missing"}),
              problems({{"a", shard("1/3", {"p1"})}, {"b", shard("2/3", {"p2"})}}));
    EXPECT_EQ((std::vector<std::string>{"shard 1/2 given twice: a and b", "shard 2/2 is missing",
                                        "p1 [base] #0 is in a and in b"}),
              problems({{"a", shard("1/2", {"p1"})}, {"b", shard("1/2", {"p1"})}}));
    EXPECT_EQ((std::vector<std::string>{"b is shard 2/3, but others split the run into 2"}),
              problems({{"a", shard("1/2", {"p1"})}, {"b", shard("2/3", {"p2"})}, {"c", shard("2/2", {"p3"})}}));
}

TEST(MergeShards, ShardsOfDifferentInputsAreRefusedNamingWhatDiffers) {
    RunReport other = shard("2/2", {"p2"});
    other.meta.commit = "deadbeef";
    other.meta.catalogue_hash = "fedcba9876543210";
    other.meta.profile["SANDBOX_MEMORY"] = "128m";
    other.meta.images[0].labels["sandbox-harness.recipe-hash"] = "r2";
    const auto p = problems({{"a", shard("1/2", {"p1"})}, {"b", other}});
    ASSERT_EQ(4u, p.size());
    EXPECT_EQ("commit differs: b has 'deadbeef', a has 'c0ffee'", p[0]);
    EXPECT_NE(std::string::npos, p[1].find("catalogue"));
    EXPECT_EQ("profile differs: b has 'SANDBOX_MEMORY=128m', a has 'SANDBOX_MEMORY=256m'", p[2]);
    EXPECT_EQ("base image recipe hash differs: b has 'r2', a has 'r1'", p[3]);
}

TEST(MergeShards, AMergedReportIsNotAShard) {
    const auto p = problems({{"a", shard("merged 1/2, 2/2", {"p1"})}});
    ASSERT_EQ(1u, p.size());
    EXPECT_NE(std::string::npos, p[0].find("is not K/N")) << p[0];
}

/// A night's cases, each with a wall time: workloads on both images (some passed), probes whose
/// containers were created; split into the shards `of` (index of each case's shard, 1-based).
struct Night {
    std::vector<Record> records;
    Night() {
        for (int i = 0; i < 12; ++i) {
            Record r;
            r.case_id = fmt::format("c{:02}", i);
            r.image = i % 3 == 0 ? "science" : "base";
            r.kind = i % 2 ? CaseKind::Workload : CaseKind::Probe;
            r.launch.started = true;
            r.launch.wall_ms = 100 + 17 * i;
            r.judgement.verdict = r.kind == CaseKind::Workload ? (i == 7 ? Verdict::Fail : Verdict::Pass) : Verdict::Contained;
            if (i != 4) r.observation.container_id = fmt::format("id{}", i);  // c04: AST-rejected, no container
            records.push_back(std::move(r));
        }
    }
    RunReport part(const std::string& shard, int k, int n, RunCost cost) const {
        RunReport r = shard_of(shard, {});
        for (std::size_t i = 0; i < records.size(); ++i)
            if (n == 1 || static_cast<int>(i) % n == k - 1) {
                r.meta.planned->push_back(case_key(records[i].case_id, records[i].image, records[i].repetition));
                r.records.push_back(records[i]);
            }
        r.meta.run_cost = cost;
        return r;
    }
    static RunReport shard_of(const std::string& k_of_n, std::vector<std::string> cases) { return shard(k_of_n, std::move(cases)); }
};

RunCost cost(double wall, double engine_cpu, double busy) {
    RunCost c;
    c.wall_s = wall;
    c.cores = 2;
    c.engine_cpu_s = engine_cpu;
    c.host_busy_cpu_s = busy;
    c.harness_cpu_s = 0.5;
    return c;
}

std::vector<double> sorted_samples(const RunReport& r, const std::string& image) {
    auto v = r.meta.extra.at(kWorkloadWallSeries + image).at("samples_ms").get<std::vector<double>>();
    std::sort(v.begin(), v.end());
    return v;
}

TEST(MergeShards, TheMergedFiguresAreTheRecordsOwnAsInOneRun) {
    const Night night;
    const RunReport one = suite_report(night.part("", 1, 1, cost(30, 12, 50)).meta, night.records);
    const RunReport merged = merge_shards({{"a", night.part("1/3", 1, 3, cost(10, 4, 17))},
                                           {"b", night.part("2/3", 2, 3, cost(11, 4, 16))},
                                           {"c", night.part("3/3", 3, 3, cost(9, 4, 17))}});
    for (const char* image : {"base", "science"}) {
        EXPECT_EQ(sorted_samples(one, image), sorted_samples(merged, image)) << image << ": every shard's workloads";
        EXPECT_FALSE(sorted_samples(one, image).empty());
    }
    const auto& eff_one = one.meta.extra.at("run_efficiency");
    const auto& eff = merged.meta.extra.at("run_efficiency");
    EXPECT_EQ(12, eff.at("cases")) << "every shard's cases, not the first shard's";
    EXPECT_EQ(eff_one.at("cases"), eff.at("cases"));
    EXPECT_EQ(eff_one.at("launches"), eff.at("launches"));
    EXPECT_EQ(11, eff.at("launches"));
    EXPECT_DOUBLE_EQ(30, eff.at("wall_s").get<double>()) << "the shards' sum";
    EXPECT_DOUBLE_EQ(12, eff.at("engine_cpu_s").get<double>());
    EXPECT_DOUBLE_EQ(50, eff.at("host_busy_cpu_s").get<double>());
    EXPECT_EQ(eff_one.at("efficiency_ratio"), eff.at("efficiency_ratio"));
    EXPECT_NE(std::string::npos, eff.at("merged").get<std::string>().find("sums")) << eff.dump();

    // A change planted in one shard shows in the merged figures.
    RunReport slow = night.part("2/3", 2, 3, cost(11, 4, 16));
    for (auto& r : slow.records)
        if (r.kind == CaseKind::Workload && r.judgement.verdict == Verdict::Pass) r.launch.wall_ms = 99999;
    const RunReport planted = merge_shards({{"a", night.part("1/3", 1, 3, cost(10, 4, 17))},
                                            {"b", slow},
                                            {"c", night.part("3/3", 3, 3, cost(9, 4, 17))}});
    EXPECT_NE(sorted_samples(one, "base"), sorted_samples(planted, "base"));
    EXPECT_EQ(99999, sorted_samples(planted, "base").back());
}

TEST(RunFigures, StaleSeriesAreReplacedAndNoCostMeansNoEfficiencySection) {
    RunReport r = Night().part("", 1, 1, cost(1, 1, 1));
    r.meta.run_cost.reset();
    r.meta.extra["workload_wall_ms.gone"] = {{"samples_ms", {1.0}}};
    derive_run_figures(r);
    EXPECT_FALSE(r.meta.extra.contains("workload_wall_ms.gone"));
    EXPECT_TRUE(r.meta.extra.contains("workload_wall_ms.base"));
    EXPECT_FALSE(r.meta.extra.contains("run_efficiency"));
}

}  // namespace
}  // namespace sh
