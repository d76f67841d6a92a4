#include "core/chaos.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

TEST(Chaos, OneBrokenFaultFailsTheRunAndSkipsDoNot) {
    FaultResult held{.fault = "docker-kill", .status = FaultStatus::Held};
    FaultResult skipped{.fault = "disk-full", .status = FaultStatus::Skipped, .reason = "not root"};
    EXPECT_EQ(0, chaos_exit_status({held, skipped}));
    FaultResult broken{.fault = "docker-stop", .status = FaultStatus::Broken, .reason = "judged contained"};
    EXPECT_EQ(1, chaos_exit_status({held, broken, skipped}));
    EXPECT_EQ(0, chaos_exit_status({}));
}

TEST(Chaos, JsonCarriesMeasurementsOnlyWhenMeasured) {
    FaultResult f{.fault = "launcher-sigkill", .status = FaultStatus::Held};
    EXPECT_FALSE(to_json(f).contains("recovery_s"));
    f.recovery_s = 1.5;
    f.deadline_overrun_s = 3.25;
    const auto j = to_json(f);
    EXPECT_EQ("held", j["status"]);
    EXPECT_DOUBLE_EQ(1.5, j["recovery_s"].get<double>());
    EXPECT_DOUBLE_EQ(3.25, j["deadline_overrun_s"].get<double>());
    EXPECT_FALSE(j.contains("reason"));
}

TEST(Chaos, EngineTimesAreReadToTheNanosecondAndNeverIsNothing) {
    EXPECT_DOUBLE_EQ(1764571200.25, *parse_engine_time("2025-12-01T06:40:00.25Z"));
    EXPECT_NEAR(1764571200.123456789, *parse_engine_time("2025-12-01T06:40:00.123456789Z"), 1e-6);
    EXPECT_DOUBLE_EQ(1764571200, *parse_engine_time("2025-12-01T06:40:00Z"));
    EXPECT_FALSE(parse_engine_time("0001-01-01T00:00:00Z"));
    EXPECT_FALSE(parse_engine_time("2025-12-01T06:40:00+01:00"));
    EXPECT_FALSE(parse_engine_time("2025-12-01 06:40:00Z"));
    EXPECT_FALSE(parse_engine_time(""));
}

}  // namespace
}  // namespace sh
