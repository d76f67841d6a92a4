#include "core/sizing.h"

#include <cmath>

#include <gtest/gtest.h>

namespace sh {
namespace {

ServiceLevel level(int c, double ms, int n = 50) { return {c, std::vector<double>(static_cast<std::size_t>(n), ms)}; }

TEST(Sizing, TheResponseTimeIsTheMeasuredLaunchPlusErlangCsWait) {
    // 2 servers, 1 s each, 1 arrival/s: a = 1, Erlang C = 1/3; no spread, so the wait's rate is
    // 2 × (2 − 1) = 2/s: P(W > x) = e^(−2x) / 3, whose 95th percentile is ln(20/3) / 2 s.
    const auto p95 = response_quantile_ms(level(2, 1000), 1.0, 0.95);
    ASSERT_TRUE(p95);
    EXPECT_NEAR(1000 + 1000 * std::log(20.0 / 3) / 2, *p95, 1.0);
    EXPECT_NEAR(1000, *response_quantile_ms(level(2, 1000), 0.0, 0.95), 1.0);  // nobody waits
    EXPECT_FALSE(response_quantile_ms(level(2, 1000), 2.0, 0.95));             // at capacity: no answer
}

TEST(Sizing, MoreHostsForMoreScriptsAndTheFewestWin) {
    const std::vector<ServiceLevel> levels = {level(1, 100), level(2, 150), level(4, 300)};
    const HostLimits limits{2, 0.25, 4e9, 256e6, 32768, 64};
    const SizingAnswer small = size_hosts(levels, {5, 400}, limits);
    ASSERT_TRUE(small.possible) << small.why_not;
    const SizingAnswer big = size_hosts(levels, {50, 400}, limits);
    ASSERT_TRUE(big.possible);
    EXPECT_GT(big.hosts, small.hosts);
    EXPECT_LE(big.p95_ms, 400);
    EXPECT_LE(big.rate_per_host, big.max_rate_per_host);
    EXPECT_NEAR(50.0 / big.hosts, big.rate_per_host, 1e-9);
    // 4 in flight at 300 ms serve 13.3/s at most, 2 at 150 ms the same, 1 at 100 ms 10/s: the
    // answer takes the level that needs fewest hosts.
    for (const auto& l : levels) {
        const SizingAnswer only = size_hosts({l}, {50, 400}, limits);
        if (only.possible) EXPECT_GE(only.hosts, big.hosts) << l.concurrency;
    }
    EXPECT_EQ("engine CPU", big.first_to_run_out);  // rate × 0.25 CPU-s ÷ 2 cores beats 4 × 256 MB of 4 GB
}

TEST(Sizing, AHostNeverTakesMoreThanItsCpuServes) {
    // The queue alone would let one host take ~13/s at 4 in flight; 0.5 CPU-s per launch on 2
    // cores caps it at 4/s.
    const SizingAnswer a = size_hosts({level(4, 300)}, {40, 2000}, {2, 0.5, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
    ASSERT_TRUE(a.possible);
    EXPECT_NEAR(4.0, a.max_rate_per_host, 1e-9);
    EXPECT_EQ(10, a.hosts);
    EXPECT_LE(a.resources.at(0).second, 1.0);
}

TEST(Sizing, ATargetBelowOneLaunchAloneCannotBeMetOnAnyNumberOfHosts) {
    const SizingAnswer a = size_hosts({level(1, 250), level(2, 300)}, {1, 200}, {});
    EXPECT_FALSE(a.possible);
    EXPECT_NE(std::string::npos, a.why_not.find("below what a launch takes alone here (250 ms")) << a.why_not;
    EXPECT_NE(std::string::npos, sizing_sentence(a, {1, 200}).find("cannot serve 1 scripts/s")) << sizing_sentence(a, {1, 200});
    EXPECT_THROW(size_hosts({level(1, 250)}, {0, 200}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace sh
