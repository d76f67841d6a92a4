#include "core/capacity_model.h"

#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

namespace sh {
namespace {

ConcurrencyPoint point(int concurrency, double rate, double p50, double p95) {
    ConcurrencyPoint p;
    p.concurrency = concurrency;
    p.launches_per_s = rate;
    p.latency_ms.n = 40;
    p.latency_ms.p50 = p50;
    p.latency_ms.p95 = p95;
    return p;
}

/// Shaped like the 2-core figures of DESIGN.md section 6 (0.29 CPU-s per hardened launch).
std::vector<ConcurrencyPoint> two_core_sweep() {
    return {point(8, 6.4, 1150, 1400), point(1, 3.9, 240, 280), point(4, 6.5, 590, 700), point(2, 5.6, 330, 400)};
}

TEST(CapacityModel, PredictsCoresOverCpuSecondsPerLaunch) {
    EXPECT_DOUBLE_EQ(2 / 0.29, predicted_launches_per_s(0.29, 2));
    EXPECT_DOUBLE_EQ(40.0, predicted_launches_per_s(0.4, 16));
}

TEST(CapacityModel, RejectsNonPositiveInputs) {
    try {
        predicted_launches_per_s(0, 2);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ("capacity model: CPU-s per launch (0) and cores (2) must both be > 0", e.what());
    }
    EXPECT_THROW(predicted_launches_per_s(0.3, 0), std::invalid_argument);
}

TEST(FindKnee, IsWhereThroughputStopsGrowingWhileP95Grows) {
    EXPECT_EQ(4, find_knee(two_core_sweep()));
}

TEST(FindKnee, NeedsBothFlatThroughputAndGrowingP95) {
    // Flat throughput but p95 not growing: not a knee (yet).
    EXPECT_EQ(std::nullopt, find_knee({point(1, 5, 200, 300), point(2, 5.2, 200, 290)}));
    // Still gaining 10% or more: not a knee.
    EXPECT_EQ(std::nullopt, find_knee({point(1, 5, 200, 300), point(2, 5.5, 200, 400)}));
    EXPECT_EQ(1, find_knee({point(1, 5, 200, 300), point(2, 5.49, 200, 400)}));
    EXPECT_EQ(std::nullopt, find_knee({point(1, 5, 200, 300)}));
    EXPECT_EQ(std::nullopt, find_knee({}));
}

TEST(AnalyzeCapacity, ComparesThePeakWithTheModel) {
    const CapacityReport r = analyze_capacity(two_core_sweep(), 0.29, 2);
    ASSERT_TRUE(r.peak.has_value());
    EXPECT_EQ(4, r.peak->concurrency);
    EXPECT_NEAR(6.5 / (2 / 0.29), r.measured_over_predicted, 1e-12);
    EXPECT_EQ(1, r.sweep.front().concurrency);  // sorted
    EXPECT_EQ(4, r.knee);
    EXPECT_EQ(0, r.target_cores);
    EXPECT_TRUE(std::isnan(r.projected_launches_per_s));
}

TEST(AnalyzeCapacity, ExplainsTheModelInOneLineAReaderCanApply) {
    const CapacityReport r = analyze_capacity(two_core_sweep(), 0.29, 2);
    EXPECT_EQ(
        "launches/s ≈ cores ÷ CPU-s per launch = 2 ÷ 0.29 = 6.9; measured peak 6.5 at concurrency 4 (94% of model)\n"
        "knee: concurrency 4 (beyond it throughput grows < 10% while p95 latency grows)\n",
        explain(r));
}

TEST(AnalyzeCapacity, WithoutASweepSaysTheModelIsUnchecked) {
    const CapacityReport r = project(analyze_capacity({}, 0.3, 2), 8);
    EXPECT_FALSE(r.peak.has_value());
    EXPECT_TRUE(std::isnan(r.measured_over_predicted));
    EXPECT_TRUE(std::isnan(r.projected_at_measured_efficiency));
    EXPECT_EQ(
        "launches/s ≈ cores ÷ CPU-s per launch = 2 ÷ 0.30 = 6.7 (not checked: no concurrency sweep)\n"
        "on 8 cores: ≈ 8 ÷ 0.30 = 26.7 launches/s by the model\n"
        "The model predicts throughput, not latency, and no sweep was measured to check it; dockerd and "
        "containerd serialise parts of each launch, so confirm with a sweep on the target host.\n",
        explain(r));
}

TEST(Project, ScalesTheModelAndTheMeasuredEfficiencyAndCaveatsLatency) {
    const CapacityReport r = project(analyze_capacity(two_core_sweep(), 0.29, 2), 16);
    EXPECT_EQ(16, r.target_cores);
    EXPECT_NEAR(16 / 0.29, r.projected_launches_per_s, 1e-12);
    EXPECT_NEAR(16 / 0.29 * 6.5 / (2 / 0.29), r.projected_at_measured_efficiency, 1e-12);
    EXPECT_NEAR(16 / 0.29 * 0.240, r.saturation_concurrency, 1e-12);
    EXPECT_EQ(
        "launches/s ≈ cores ÷ CPU-s per launch = 2 ÷ 0.29 = 6.9; measured peak 6.5 at concurrency 4 (94% of model)\n"
        "knee: concurrency 4 (beyond it throughput grows < 10% while p95 latency grows)\n"
        "on 16 cores: ≈ 16 ÷ 0.29 = 55.2 launches/s by the model, ≈ 52.0 at the efficiency measured here (94%)\n"
        "The model predicts throughput, not latency: more cores do not make one launch faster (p50 240 ms at "
        "concurrency 1). Past the knee, extra concurrency only queues (p95 700 ms at 4 → 1400 ms at 8). By "
        "Little's law 16 cores saturate near concurrency 55.2 × 0.240 s ≈ 13, if the engine scales with cores; "
        "dockerd and containerd serialise parts of each launch, so confirm with a sweep on the target host.\n",
        explain(r));
}

TEST(EfficiencyRatio, IsWallTimeOverTheCpuBoundMinimum) {
    // 100 launches × 0.3 CPU-s on 2 cores need at least 15 s.
    EXPECT_DOUBLE_EQ(1.0, efficiency_ratio(15, 100, 0.3, 2));
    EXPECT_DOUBLE_EQ(2.0, efficiency_ratio(30, 100, 0.3, 2));
    EXPECT_TRUE(std::isnan(efficiency_ratio(30, 0, 0.3, 2)));
    EXPECT_TRUE(std::isnan(efficiency_ratio(30, 10, 0, 2)));
}

TEST(RunEfficiency, DividesTheRunsCostByItsLaunchesAndCases) {
    RunCost c;
    c.wall_s = 30;
    c.cases = 120;
    c.launches = 100;  // 20 cases were rejected before any container
    c.cores = 2;
    c.engine_cpu_s = 30;
    c.host_busy_cpu_s = 40;
    c.harness_cpu_s = 0.12;
    c.sampler_cpu_s = 0.06;
    c.launchers_cpu_s = 5;
    c.kernel_threads_cpu_s = 3;
    const nlohmann::json j = run_efficiency_section(c);
    EXPECT_DOUBLE_EQ(0.3, j.at("engine_cpu_s_per_launch").get<double>());
    EXPECT_DOUBLE_EQ(2.0, j.at("efficiency_ratio").get<double>());  // 30 s ÷ (100 × 0.3 ÷ 2)
    EXPECT_DOUBLE_EQ(40.0 / 60, j.at("cores_busy_fraction").get<double>());  // 40 CPU-s ÷ (30 s × 2)
    EXPECT_DOUBLE_EQ(1.0, j.at("harness_cpu_ms_per_case").get<double>());
    EXPECT_DOUBLE_EQ(0.5, j.at("sampler_cpu_ms_per_case").get<double>());
    EXPECT_EQ(100u, j.at("launches").get<std::size_t>());
    EXPECT_EQ("efficiency: wall 30.0 s ÷ (100 launches × 0.30 CPU-s ÷ 2 cores) = 2.0; cores busy 67%; 2.00 = 1.50 "
              "idle cores × 1.33 CPU outside the engine (launchers 5.0, kernel threads 3.0, harness 0.2, other 1.8 "
              "CPU-s); harness CPU 1.00 ms per case (+ 0.50 ms measuring the engine's)",
              run_efficiency_line(c));
    const nlohmann::json& f = j.at("factors");
    EXPECT_DOUBLE_EQ(1.5, f.at("idle_cores").get<double>());       // 30 s × 2 ÷ 40 busy CPU-s
    EXPECT_DOUBLE_EQ(4.0 / 3, f.at("outside_engine").get<double>());  // 40 busy ÷ 30 engine
    EXPECT_DOUBLE_EQ(j.at("efficiency_ratio").get<double>(),
                     f.at("idle_cores").get<double>() * f.at("outside_engine").get<double>());
    EXPECT_NEAR(40.0 - 30 - 5 - 3 - 0.18, f.at("other_cpu_s").get<double>(), 1e-9);
}

TEST(RunEfficiency, NeverShowsANegativeRemainder) {
    RunCost c;
    c.wall_s = 10;
    c.launches = 10;
    c.cores = 2;
    c.engine_cpu_s = 15;
    c.host_busy_cpu_s = 16;
    c.launchers_cpu_s = 1.02;  // the per-process clocks came to a tick more than the host's
    EXPECT_EQ(0.0, efficiency_factors(c).other_s);
}

TEST(RunEfficiency, HasNoRatioWithoutLaunches) {
    RunCost c;
    c.wall_s = 1;
    c.cases = 3;
    c.cores = 2;
    const nlohmann::json j = run_efficiency_section(c);
    EXPECT_TRUE(j.at("efficiency_ratio").is_null());
    EXPECT_TRUE(j.at("engine_cpu_s_per_launch").is_null());
    EXPECT_EQ("efficiency: wall 1.0 s, 0 launches (no ratio: nothing launched); harness CPU 0.00 ms per case (+ 0.00 ms measuring the engine's)",
              run_efficiency_line(c));
}

TEST(CapacityReportJson, RoundTripsAndCarriesTheExplanation) {
    const CapacityReport r = project(analyze_capacity(two_core_sweep(), 0.29, 2), 16);
    const nlohmann::json j = r;
    EXPECT_EQ(explain(r), j.at("explanation").get<std::string>());
    const CapacityReport back = j.get<CapacityReport>();
    EXPECT_EQ(4u, back.sweep.size());
    EXPECT_EQ(4, back.knee);
    EXPECT_EQ(4, back.peak->concurrency);
    EXPECT_DOUBLE_EQ(r.projected_at_measured_efficiency, back.projected_at_measured_efficiency);
    EXPECT_EQ(explain(r), explain(back));

    const CapacityReport bare = nlohmann::json(analyze_capacity({}, 0.3, 2)).get<CapacityReport>();
    EXPECT_FALSE(bare.peak.has_value());
    EXPECT_FALSE(bare.knee.has_value());
    EXPECT_TRUE(std::isnan(bare.measured_over_predicted));
}

TEST(ConcurrencyPoint, CountsOnlySuccessfulLaunchesOverTheElapsedTime) {
    const ConcurrencyPoint p = concurrency_point(4, {200, 400, 300, 100}, 2.0);
    EXPECT_EQ(4, p.concurrency);
    EXPECT_DOUBLE_EQ(2.0, p.launches_per_s);
    EXPECT_EQ(4u, p.latency_ms.n);
    EXPECT_DOUBLE_EQ(250, p.latency_ms.p50);
}

TEST(CapacitySections, TheConcurrencyTableHasOneRowPerPointInSweepOrder) {
    const nlohmann::json s = concurrency_section({point(2, 5.6, 330, 400), point(1, 3.9, 240, 280)});
    EXPECT_EQ("Throughput and latency against concurrency (hello)", s.at("title"));
    EXPECT_EQ(nlohmann::json({"concurrency", "launches", "launches/s", "p50 ms", "p95 ms", "p99 ms"}), s.at("columns"));
    ASSERT_EQ(2u, s.at("rows").size());
    EXPECT_EQ(nlohmann::json({2, 40, 5.6, 330.0, 400.0, 0.0}), s.at("rows")[0]);
    EXPECT_EQ(1, s.at("rows")[1][0]);
}

TEST(CapacitySections, TheModelShowsItsFiguresAsScalarsAndTheExplanationOnceAsTheNote) {
    const CapacityReport r = project(analyze_capacity(two_core_sweep(), 0.29, 2), 16);
    const nlohmann::json s = capacity_model_section(r);
    for (const char* gone : {"explanation", "latency_caveat", "sweep", "peak"}) EXPECT_FALSE(s.contains(gone)) << gone;
    EXPECT_EQ(4, s.at("peak_concurrency"));
    EXPECT_EQ(6.5, s.at("peak_launches_per_s"));
    EXPECT_EQ("Capacity model", s.at("title"));
    EXPECT_EQ(explain(r), s.at("note"));
    EXPECT_EQ(16, s.at("target_cores"));
    for (const auto& [key, value] : s.items())
        EXPECT_FALSE(value.is_object() || value.is_array()) << key;

    const nlohmann::json bare = capacity_model_section(analyze_capacity({}, 0.3, 2));
    EXPECT_FALSE(bare.contains("peak_concurrency"));
    EXPECT_TRUE(bare.at("knee").is_null());
}

}  // namespace
}  // namespace sh
