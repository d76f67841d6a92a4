#include "core/launch_cost.h"

#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

namespace sh {
namespace {

TEST(EngineCpuPerLaunch, DividesByEveryStartTheEngineSawAndSaysWhoseTheyWere) {
    const PerLaunch alone = engine_cpu_per_launch(6.0, 20, 20);
    EXPECT_DOUBLE_EQ(0.3, *alone.value);
    EXPECT_EQ("", alone.note);
    const PerLaunch shared = engine_cpu_per_launch(9.0, 20, 30);
    EXPECT_DOUBLE_EQ(0.3, *shared.value);
    EXPECT_EQ("10 of the 30 container starts during the batch were other runs' on the same engine: the stack's CPU "
              "is spread over all of them",
              shared.note);
}

TEST(EngineCpuPerLaunch, ANegativeDeltaOrNoStartIsNotMeasurableNeverZero) {
    const PerLaunch negative = engine_cpu_per_launch(-6.4, 20, 20);
    EXPECT_FALSE(negative.value);
    EXPECT_EQ("not measurable: the engine stack's CPU went down by 6.40 s over the batch (a process's CPU left the "
              "sampled set)",
              negative.note);
    EXPECT_FALSE(engine_cpu_per_launch(std::nan(""), 20, 20).value);
    const PerLaunch none = engine_cpu_per_launch(1.0, 0, 0);
    EXPECT_FALSE(none.value);
    EXPECT_EQ("not measurable: the engine reported no container start during the batch", none.note);
}

TEST(PairedDifference, IsTheMedianOfTheDifferencesWithAnOrderStatisticInterval) {
    std::vector<double> a, b;
    for (int i = 1; i <= 20; ++i) {
        a.push_back(100 + i);  // differences 1..20
        b.push_back(100);
    }
    const PairedDifference d = paired_difference(a, b);
    EXPECT_EQ(20u, d.n);
    EXPECT_DOUBLE_EQ(10.5, d.median);
    // n = 20 at 95%: the 6th and 15th smallest differences (P(Binomial(20, 1/2) <= 5) = 0.0207).
    EXPECT_DOUBLE_EQ(6, *d.low);
    EXPECT_DOUBLE_EQ(15, *d.high);
    EXPECT_TRUE(d.resolved());
}

TEST(PairedDifference, AnIntervalHoldingZeroIsNotResolved) {
    const PairedDifference d = paired_difference({10, 20, 30, 40, 50, 60, 70}, {30, 30, 30, 30, 50, 50, 50});
    EXPECT_DOUBLE_EQ(0, d.median);
    EXPECT_DOUBLE_EQ(-20, *d.low);  // n = 7: the extremes (P(X = 0) = 0.0078)
    EXPECT_DOUBLE_EQ(20, *d.high);
    EXPECT_FALSE(d.resolved());
}

TEST(PairedDifference, FewerThanSixPairsHaveNoNinetyFivePercentInterval) {
    const PairedDifference d = paired_difference({5, 6, 7, 8, 9}, {1, 1, 1, 1, 1});
    EXPECT_DOUBLE_EQ(6, d.median);
    EXPECT_FALSE(d.low);
    EXPECT_FALSE(d.resolved()) << "every difference positive, but five pairs cannot tell it at 95%";
    EXPECT_TRUE(paired_difference({5, 6, 7, 8, 9, 10}, {1, 1, 1, 1, 1, 1}).resolved());
}

TEST(PairedDifference, RejectsUnpairedSamples) {
    EXPECT_THROW(paired_difference({1, 2}, {1}), std::invalid_argument);
    EXPECT_THROW(paired_difference({1}, {1}, 1.0), std::invalid_argument);
}

}  // namespace
}  // namespace sh
