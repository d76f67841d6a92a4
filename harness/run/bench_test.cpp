#include "run/bench.h"

#include <cmath>

#include <gtest/gtest.h>

namespace sh {
namespace {

using nlohmann::json;

LaunchSample sample(int exit_code, double wall_ms, bool started = true) {
    LaunchSample s;
    s.launch.started = started;
    s.launch.exit_code = exit_code;
    s.launch.wall_ms = wall_ms;
    return s;
}

TEST(BenchFigures, ASummaryRowFollowsItsColumns) {
    EXPECT_EQ(json({"case", "n", "min ms", "p50 ms", "p95 ms", "p99 ms", "max ms"}), summary_columns());
    EXPECT_EQ(json({"hello", 4, 1.0, 2.5, 3.85, 3.97, 4.0}), summary_row("hello", {4, 1, 3, 2}));
    // No samples: every figure is NaN, which JSON stores as null.
    EXPECT_EQ("[\"none\",0,null,null,null,null,null]", summary_row("none", {}).dump());
}

TEST(BenchFigures, OnlyLaunchesThatStartedAndExitedZeroCountAsLatency) {
    EXPECT_EQ(std::vector<double>({100, 300}),
              successful_walls({sample(0, 100), sample(1, 200), sample(0, 300), sample(0, 400, false), sample(125, 5)}));
}

TEST(BenchFigures, APhaseRowIsTheMedianOfEachPhaseWhereItWasSeen) {
    LaunchSample a = sample(0, 300), b = sample(0, 500), c = sample(0, 700);
    a.client_to_create = 10;
    b.client_to_create = 30;
    a.create_to_start = 5;
    a.start_to_die = 100;
    b.start_to_die = 200;
    c.start_to_die = 300;
    const json row = phase_row("hello [base]", {a, b, c}, {300, 500, 700});
    EXPECT_EQ("[\"hello [base]\",20.0,5.0,200.0,null,null,500.0]", row.dump());
}

TEST(BenchFigures, EachControlsCostIsItsMedianAgainstTheDefaultProfiles) {
    const json rows = control_cost_rows({"default", "01-no-memory", "02-none-seen"},
                                        {{"default", {200, 100, 300}}, {"01-no-memory", {150, 150}}});
    EXPECT_EQ(json({"default", 3, 200.0, 0.0, 1.0}), rows[0]);
    EXPECT_EQ(json({"01-no-memory", 2, 150.0, -50.0, 0.75}), rows[1]);
    EXPECT_EQ("[\"02-none-seen\",0,null,null,null]", rows[2].dump());
    // Without a default figure there is nothing to compare with: the ratio is 0.
    EXPECT_EQ(0.0, control_cost_rows({"x"}, {{"x", {1}}})[0][4].get<double>());
}

TEST(BenchFigures, TimeoutOvershootCountsOnlyTheLaunchersTimeoutWithADestroyEvent) {
    LaunchSample s = sample(124, 1500);
    s.launch.start_unix_s = 1000;
    EXPECT_FALSE(timeout_overshoot_ms(s, 1.0));
    s.timeline.t_destroy = 1001.25;
    EXPECT_DOUBLE_EQ(250, *timeout_overshoot_ms(s, 1.0));
    s.launch.exit_code = 0;
    EXPECT_FALSE(timeout_overshoot_ms(s, 1.0));
}

TEST(BenchFigures, TimeToOomKillNeedsTheOomEventAndBothTimes) {
    LaunchSample s = sample(137, 900);
    s.timeline.t_start = 10;
    s.timeline.t_die = 10.5;
    EXPECT_FALSE(time_to_oom_kill_ms(s));
    s.timeline.oom = true;
    EXPECT_DOUBLE_EQ(500, *time_to_oom_kill_ms(s));
    s.timeline.t_start.reset();
    EXPECT_FALSE(time_to_oom_kill_ms(s));
}

TEST(BenchFigures, AForkBombIsContainedWhenItExitsZeroOnItsOwn) {
    LaunchSample s = sample(0, 900);
    s.timeline.t_start = 10;
    s.timeline.t_die = 10.125;
    EXPECT_DOUBLE_EQ(125, *fork_bomb_contained_ms(s));
    s.launch.exit_code = 124;
    EXPECT_FALSE(fork_bomb_contained_ms(s));
}

TEST(BenchFigures, ARatioOfAFigureThatWasNotMeasuredIsZero) {
    EXPECT_EQ(1.5, ratio_or_zero(3, 2));
    EXPECT_EQ(0.0, ratio_or_zero(3, 0));
    EXPECT_EQ(0.0, ratio_or_zero(3, std::nan("")));
}

TEST(BenchFigures, TheLaunchersOverheadIsTheMedianPairedDifferenceWhenItsSignIsClear) {
    const json clear = overhead_section({120, 130, 125, 140, 135, 128, 131}, {100, 105, 101, 110, 108, 104, 102});
    EXPECT_EQ(7, clear["pairs"].get<int>());
    EXPECT_DOUBLE_EQ(25, clear["launcher_overhead_ms_p50"].get<double>());
    EXPECT_DOUBLE_EQ(20, clear["launcher_overhead_ms_ci95_low"].get<double>());
    EXPECT_DOUBLE_EQ(30, clear["launcher_overhead_ms_ci95_high"].get<double>());
}

TEST(BenchFigures, AnOverheadSmallerThanTheNoiseIsNotMeasurableNeverNegativeOrZero) {
    // Medians 200 and 201.5 would give a "negative overhead" of -1.5 ms; the pairs say it is noise.
    const json noisy = overhead_section({200, 260, 150, 240, 170, 230, 190}, {230, 180, 240, 160, 250, 170, 201.5});
    EXPECT_TRUE(noisy["launcher_overhead_ms_p50"].is_null());
    EXPECT_NE(std::string::npos, noisy["note"].get<std::string>().find(". Not measurable at this noise: the interval ["));
    const json few = overhead_section({120, 130}, {100, 100});
    EXPECT_TRUE(few["launcher_overhead_ms_p50"].is_null());
    EXPECT_NE(std::string::npos, few["note"].get<std::string>().find("2 pairs are too few for a 95% interval"));
}

}  // namespace
}  // namespace sh
