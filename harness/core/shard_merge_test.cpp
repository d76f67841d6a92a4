#include "core/shard_merge.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

RunReport shard(const std::string& k_of_n, std::vector<std::string> cases) {
    RunReport r;
    r.meta.shard = k_of_n;
    r.meta.commit = "c0ffee";
    r.meta.catalogue_hash = "0123456789abcdef";
    r.meta.profile = {{"SANDBOX_MEMORY", "256m"}};
    r.meta.images = {{"base", "secure-python:latest", "sha256:1", 1, {{"sandbox-harness.recipe-hash", "r1"}}}};
    for (auto& id : cases) {
        Record rec;
        rec.case_id = std::move(id);
        rec.image = "base";
        rec.judgement.verdict = Verdict::Contained;
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

}  // namespace
}  // namespace sh
