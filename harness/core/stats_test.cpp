#include "core/stats.h"

#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

// Reference values: computed with Debian 12's numpy 1.24 / scipy 1.10.1 (/usr/bin/python3):
//   numpy.percentile(x, q)  (default method "linear"), numpy.std(x, ddof=1),
//   scipy.stats.median_abs_deviation(x), and
//   scipy.stats.mannwhitneyu(new, old, alternative=..., method=...) — note the argument order:
//   scipy's statistic is U of its first sample, ours is U of the new sample.

namespace sh {
namespace {

const std::vector<double> kEleven = {12.0, 3.5, 7.25, 9.0, 1.0, 15.5, 4.0, 8.0, 10.0, 2.5, 6.0};

TEST(Percentile, InterpolatesLinearlyBetweenClosestRanksLikeNumpy) {
    std::vector<double> four = {1, 2, 3, 4};
    EXPECT_DOUBLE_EQ(2.5, percentile(four, 50));
    EXPECT_DOUBLE_EQ(3.85, percentile(four, 95));   // numpy: 3.85
    EXPECT_DOUBLE_EQ(3.97, percentile(four, 99));   // numpy: 3.97
    std::vector<double> hundred;
    for (int i = 1; i <= 100; ++i) hundred.push_back(i);
    EXPECT_DOUBLE_EQ(50.5, percentile(hundred, 50));
    EXPECT_DOUBLE_EQ(95.05, percentile(hundred, 95));
    EXPECT_DOUBLE_EQ(99.01, percentile(hundred, 99));
}

TEST(Percentile, EndpointsAreMinAndMax) {
    std::vector<double> v = {2, 5, 9};
    EXPECT_EQ(2, percentile(v, 0));
    EXPECT_EQ(9, percentile(v, 100));
    EXPECT_EQ(7, percentile({7}, 95));
}

TEST(Percentile, EmptyIsNaN) { EXPECT_TRUE(std::isnan(percentile({}, 50))); }

TEST(Percentile, RejectsUnsortedInputAndOutOfRangeQ) {
    EXPECT_THROW(percentile({3, 1, 2}, 50), std::invalid_argument);
    EXPECT_THROW(percentile({1, 2}, 101), std::invalid_argument);
    EXPECT_THROW(percentile({1, 2}, -1), std::invalid_argument);
    try {
        percentile({1, 2}, 950);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ("percentile: q = 950 is outside [0, 100]", e.what());
    }
}

TEST(Summarize, MatchesNumpyAndScipyOnElevenValues) {
    const Summary s = summarize(kEleven);
    EXPECT_EQ(11u, s.n);
    EXPECT_DOUBLE_EQ(1.0, s.min);
    EXPECT_DOUBLE_EQ(15.5, s.max);
    EXPECT_DOUBLE_EQ(7.25, s.p50);
    EXPECT_NEAR(13.75, s.p95, 1e-12);
    EXPECT_NEAR(15.15, s.p99, 1e-12);
    EXPECT_NEAR(7.159090909090909, s.mean, 1e-12);
    EXPECT_NEAR(4.353551319429815, s.stddev, 1e-12);
    EXPECT_DOUBLE_EQ(3.25, s.mad);
}

TEST(Summarize, OneSampleHasZeroSpread) {
    const Summary s = summarize({42});
    EXPECT_EQ(1u, s.n);
    EXPECT_EQ(42, s.p99);
    EXPECT_EQ(0, s.stddev);
    EXPECT_EQ(0, s.mad);
}

TEST(Summarize, NoSamplesGivesNaNFields) {
    const Summary s = summarize({});
    EXPECT_EQ(0u, s.n);
    EXPECT_TRUE(std::isnan(s.p50));
    EXPECT_TRUE(std::isnan(s.mean));
    EXPECT_TRUE(std::isnan(s.stddev));
}

TEST(Summarize, RejectsNaNSamples) {
    EXPECT_THROW(summarize({1.0, std::nan("")}), std::invalid_argument);
}

TEST(Summarize, JsonRoundTripKeepsNaNAsNull) {
    const nlohmann::json j = summarize({});
    EXPECT_TRUE(j.at("p50").is_null());
    const Summary back = j.get<Summary>();
    EXPECT_TRUE(std::isnan(back.p50));
    const Summary s = summarize(kEleven);
    const Summary s2 = nlohmann::json(s).get<Summary>();
    EXPECT_EQ(s.n, s2.n);
    EXPECT_DOUBLE_EQ(s.p95, s2.p95);
    EXPECT_DOUBLE_EQ(s.mad, s2.mad);
}

TEST(MannWhitneyExact, CountsTheNullDistribution) {
    // m = n = 1: U is 0 or 1 with probability 1/2 each.
    EXPECT_DOUBLE_EQ(1.0, mann_whitney_exact_sf(0, 1, 1));
    EXPECT_DOUBLE_EQ(0.5, mann_whitney_exact_sf(1, 1, 1));
    // m = n = 2: counts of U = 0..4 are 1 1 2 1 1 (of C(4,2) = 6).
    EXPECT_DOUBLE_EQ(2.0 / 6, mann_whitney_exact_sf(3, 2, 2));
    EXPECT_DOUBLE_EQ(1.0 / 6, mann_whitney_exact_sf(4, 2, 2));
    // The largest size we count: P(U >= 400) = 1 / C(40, 20).
    EXPECT_NEAR(1.0 / 137846528820.0, mann_whitney_exact_sf(400, 20, 20), 1e-22);
}

TEST(MannWhitney, SmallSamplesWithoutTiesUseTheExactDistribution) {
    const std::vector<double> old_s = {10.1, 11.3, 9.8, 10.7, 12.0};
    const std::vector<double> new_s = {12.5, 13.1, 11.9, 12.8, 14.0, 13.3};
    const MannWhitney t = mann_whitney(old_s, new_s);
    EXPECT_TRUE(t.exact);
    EXPECT_DOUBLE_EQ(29.0, t.u);                           // scipy: 29.0
    EXPECT_NEAR(0.008658008658008658, t.p_two_sided, 1e-12);  // scipy exact two-sided
    EXPECT_NEAR(0.004329004329004329, t.p_greater, 1e-12);    // scipy exact greater
    EXPECT_NEAR(0.9978354978354979, t.p_less, 1e-12);         // scipy exact less
    EXPECT_NEAR(29.0 / 30, t.effect_size, 1e-12);
    EXPECT_GT(t.z, 0);
}

TEST(MannWhitney, UpToTwentyPerSampleStaysExact) {
    // 12 old vs 14 new, no ties; scipy method="exact".
    const std::vector<double> old_s = {50.0, 60.501, 51.502, 62.003, 53.004, 63.505,
                                       54.506, 65.007, 56.008, 66.509, 57.51, 68.011};
    const std::vector<double> new_s = {56.0, 64.5013, 73.0026, 62.8039, 71.3052, 61.1065, 69.6078,
                                       59.4091, 67.9104, 57.7117, 66.213, 56.0143, 64.5156, 73.0169};
    const MannWhitney t = mann_whitney(old_s, new_s);
    EXPECT_TRUE(t.exact);
    EXPECT_DOUBLE_EQ(123.0, t.u);
    EXPECT_NEAR(0.04635389378423434, t.p_two_sided, 1e-12);
    EXPECT_NEAR(0.02317694689211717, t.p_greater, 1e-12);
    EXPECT_NEAR(0.9796553009515725, t.p_less, 1e-12);
}

TEST(MannWhitney, FifteenVersusEighteenMatchesScipyExact) {
    std::vector<double> old_s, new_s;
    for (int i = 0; i < 15; ++i) old_s.push_back(100 + (i * 37) % 41 + i * 0.01);
    for (int i = 0; i < 18; ++i) new_s.push_back(103 + (i * 29) % 43 + i * 0.013);
    const MannWhitney t = mann_whitney(old_s, new_s);
    EXPECT_TRUE(t.exact);
    EXPECT_DOUBLE_EQ(129.0, t.u);
    EXPECT_NEAR(0.8445232334442441, t.p_two_sided, 1e-12);
    EXPECT_NEAR(0.5916469811474877, t.p_greater, 1e-12);
    EXPECT_NEAR(0.42226161672212204, t.p_less, 1e-12);
}

TEST(MannWhitney, TiesUseTheNormalApproximationWithTieAndContinuityCorrection) {
    const std::vector<double> old_s = {1, 2, 2, 3, 3, 3, 4, 5};
    const std::vector<double> new_s = {3, 3, 4, 4, 5, 5, 6, 7};
    const MannWhitney t = mann_whitney(old_s, new_s);
    EXPECT_FALSE(t.exact);
    EXPECT_DOUBLE_EQ(53.0, t.u);
    EXPECT_NEAR(0.027781271091120593, t.p_two_sided, 1e-12);  // scipy asymptotic
    EXPECT_NEAR(0.013890635545560297, t.p_greater, 1e-12);
    EXPECT_NEAR(0.9894919746471937, t.p_less, 1e-12);
    EXPECT_NEAR(2.200361302548096, t.z, 1e-12);  // (53 - 32 - 0.5) / 9.316651759081692
}

TEST(MannWhitney, LargeSamplesMatchScipyAsymptoticInBothDirections) {
    std::vector<double> old_s, new_s;
    for (int i = 0; i < 30; ++i) old_s.push_back(100 + (i * 37) % 23);
    for (int i = 0; i < 40; ++i) new_s.push_back(104 + (i * 29) % 31);
    const MannWhitney slower = mann_whitney(old_s, new_s);
    EXPECT_DOUBLE_EQ(945.0, slower.u);
    EXPECT_NEAR(4.306380798632998e-05, slower.p_two_sided, 1e-15);
    EXPECT_NEAR(2.153190399316499e-05, slower.p_greater, 1e-15);
    EXPECT_NEAR(0.9999795440882112, slower.p_less, 1e-12);

    const MannWhitney faster = mann_whitney(new_s, old_s);
    EXPECT_DOUBLE_EQ(255.0, faster.u);
    EXPECT_NEAR(0.9999795440882112, faster.p_greater, 1e-12);
    EXPECT_NEAR(2.153190399316499e-05, faster.p_less, 1e-15);
    EXPECT_LT(faster.z, 0);
}

TEST(MannWhitney, AllValuesEqualMeansNoEvidenceEitherWay) {
    // scipy returns NaN here; we report p = 1 so that "no difference" is never a regression.
    const MannWhitney t = mann_whitney({5, 5, 5}, {5, 5, 5, 5});
    EXPECT_EQ(0, t.z);
    EXPECT_EQ(1, t.p_two_sided);
    EXPECT_EQ(1, t.p_greater);
    EXPECT_EQ(1, t.p_less);
    EXPECT_DOUBLE_EQ(0.5, t.effect_size);
}

TEST(MannWhitney, RejectsEmptySamplesWithAMessageNamingThem) {
    try {
        mann_whitney({}, {1, 2});
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ("mann_whitney: a sample is empty (old 0, new 2)", e.what());
    }
}

TEST(MannWhitney, JsonRoundTrip) {
    const MannWhitney t = mann_whitney({1, 2, 3}, {4, 5, 6});
    const MannWhitney back = nlohmann::json(t).get<MannWhitney>();
    EXPECT_DOUBLE_EQ(t.u, back.u);
    EXPECT_DOUBLE_EQ(t.p_greater, back.p_greater);
    EXPECT_EQ(t.exact, back.exact);
}

}  // namespace
}  // namespace sh
