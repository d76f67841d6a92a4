#include "core/perf_compare.h"

#include <cmath>

#include <gtest/gtest.h>

// p-values cited below come from scipy 1.10.1: scipy.stats.mannwhitneyu(new, old, alternative="greater").

namespace sh {
namespace {

std::vector<double> shifted(double base, int n) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) v.push_back(base + i % 7);
    return v;
}

TEST(ComparePerf, ClearSlowdownAboveThresholdIsARegression) {
    const auto d = compare_perf({{"net.tcp", shifted(100, 20)}}, {{"net.tcp", shifted(120, 20)}});
    ASSERT_EQ(1u, d.size());
    EXPECT_EQ("net.tcp", d[0].key);
    EXPECT_TRUE(d[0].tested);
    EXPECT_NEAR(3.165461698353267e-08, d[0].test.p_greater, 1e-12);  // scipy: U = 400
    EXPECT_DOUBLE_EQ(400, d[0].test.u);
    EXPECT_NEAR(123.0 / 103.0, d[0].ratio_p50, 1e-12);
    EXPECT_TRUE(d[0].significant);
    EXPECT_TRUE(d[0].regression);
    EXPECT_EQ(PerfStatus::Regression, d[0].status);
    EXPECT_TRUE(any_regression(d));
}

TEST(ComparePerf, SignificantButSmallShiftIsNotARegression) {
    std::vector<double> old_s, new_s;
    for (int i = 0; i < 200; ++i) {
        old_s.push_back(100 + (i * 37 % 101) / 10.0);
        new_s.push_back(old_s.back() * 1.03);
    }
    const auto d = compare_perf({{"k", old_s}}, {{"k", new_s}});
    EXPECT_NEAR(1.4594980178119768e-19, d[0].test.p_greater, 1e-22);  // scipy: U = 30373
    EXPECT_NEAR(1.03, d[0].ratio_p50, 1e-12);
    EXPECT_TRUE(d[0].significant);
    EXPECT_FALSE(d[0].regression);
    EXPECT_EQ(PerfStatus::Unchanged, d[0].status);
}

TEST(ComparePerf, LargeButNoisyShiftIsNotARegression) {
    // p50 moves 150 → 180 (+20%), but the samples overlap: scipy p = 0.5 (U = 13).
    const auto d = compare_perf({{"k", {100, 200, 150, 90, 300}}}, {{"k", {180, 110, 95, 260, 190}}});
    EXPECT_NEAR(1.2, d[0].ratio_p50, 1e-12);
    EXPECT_DOUBLE_EQ(13, d[0].test.u);
    EXPECT_NEAR(0.5, d[0].test.p_greater, 1e-12);
    EXPECT_FALSE(d[0].significant);
    EXPECT_FALSE(d[0].regression);
    EXPECT_FALSE(any_regression(d));
}

TEST(ComparePerf, TooFewSamplesAreNeverTestedNorRegressions) {
    const auto d = compare_perf({{"k", {100, 101, 102, 103}}}, {{"k", {500, 501, 502, 503, 504}}});
    EXPECT_FALSE(d[0].tested);
    EXPECT_FALSE(d[0].regression);
    EXPECT_EQ(PerfStatus::NotEnoughSamples, d[0].status);
    EXPECT_STREQ("not enough samples", to_string(d[0].status));
    EXPECT_NEAR(502.0 / 101.5, d[0].ratio_p50, 1e-12);
}

TEST(ComparePerf, MinSamplesIsConfigurable) {
    CompareOptions opts;
    opts.min_samples = 3;
    const auto d = compare_perf({{"k", {100, 101, 102}}}, {{"k", {500, 501, 502}}}, opts);
    EXPECT_TRUE(d[0].tested);
    EXPECT_TRUE(d[0].test.exact);
    EXPECT_NEAR(0.05, d[0].test.p_greater, 1e-12);  // 1 / C(6, 3): not below alpha = 0.05
    EXPECT_FALSE(d[0].regression);
}

TEST(ComparePerf, ImprovementIsReportedAsSuch) {
    const auto d = compare_perf({{"k", shifted(120, 20)}}, {{"k", shifted(100, 20)}});
    EXPECT_EQ(PerfStatus::Improvement, d[0].status);
    EXPECT_FALSE(d[0].significant);
    EXPECT_FALSE(d[0].regression);
}

TEST(ComparePerf, KeysOnOneSideOnlyAreListedInKeyOrder) {
    const auto d = compare_perf({{"b-gone", shifted(100, 10)}, {"c", shifted(1, 5)}},
                                {{"a-new", shifted(100, 10)}, {"c", shifted(1, 5)}});
    ASSERT_EQ(3u, d.size());
    EXPECT_EQ("a-new", d[0].key);
    EXPECT_EQ(PerfStatus::OnlyNew, d[0].status);
    EXPECT_EQ(0u, d[0].old_s.n);
    EXPECT_TRUE(std::isnan(d[0].ratio_p50));
    EXPECT_EQ("b-gone", d[1].key);
    EXPECT_EQ(PerfStatus::OnlyOld, d[1].status);
    EXPECT_EQ(PerfStatus::Unchanged, d[2].status);
}

TEST(ComparePerf, ZeroOldMedianNeverDividesIntoARegression) {
    const auto d = compare_perf({{"k", {0, 0, 0, 0, 0, 0}}}, {{"k", {5, 6, 7, 8, 9, 10}}});
    EXPECT_TRUE(std::isnan(d[0].ratio_p50));
    EXPECT_TRUE(d[0].significant);
    EXPECT_FALSE(d[0].regression);
}

TEST(ComparePerf, RejectsNonsenseOptions) {
    CompareOptions opts;
    opts.threshold_ratio = 0.9;
    try {
        compare_perf({}, {}, opts);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ("compare_perf: threshold ratio = 0.9 is below 1", e.what());
    }
}

TEST(PerfDeltaJson, RoundTrips) {
    const auto d = compare_perf({{"k", shifted(100, 20)}, {"only-old", {1}}}, {{"k", shifted(120, 20)}});
    const nlohmann::json j = d;
    const auto back = j.get<std::vector<PerfDelta>>();
    ASSERT_EQ(2u, back.size());
    EXPECT_EQ("k", back[0].key);
    EXPECT_TRUE(back[0].regression);
    EXPECT_DOUBLE_EQ(d[0].test.p_greater, back[0].test.p_greater);
    EXPECT_DOUBLE_EQ(d[0].new_s.p95, back[0].new_s.p95);
    EXPECT_EQ(PerfStatus::OnlyOld, back[1].status);
    EXPECT_TRUE(std::isnan(back[1].ratio_p50));
    EXPECT_FALSE(j[1].contains("test"));

    const CompareOptions o = nlohmann::json(CompareOptions{0.01, 1.2, 7}).get<CompareOptions>();
    EXPECT_DOUBLE_EQ(0.01, o.alpha);
    EXPECT_DOUBLE_EQ(1.2, o.threshold_ratio);
    EXPECT_EQ(7u, o.min_samples);
}

}  // namespace
}  // namespace sh
