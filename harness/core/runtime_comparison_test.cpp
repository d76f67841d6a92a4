#include "core/runtime_comparison.h"

#include <gtest/gtest.h>

#include "testing/runtime_fixture.h"

namespace sh {
namespace {

using fixture::runtime_probe;
using fixture::runtime_run;

RuntimeComparison golden_comparison() { return fixture::runtime_comparison_fixture(); }

Record probe(const std::string& id, Verdict v, std::optional<int> weakness = std::nullopt) {
    return runtime_probe(id, v, weakness);
}

RunReport run(const std::string& runtime, std::vector<Record> records) { return runtime_run(runtime, std::move(records)); }

TEST(RuntimeOf, IsTheProfilesRuntimeAndEmptyWithoutOne) {
    RunMeta m;
    EXPECT_EQ("", runtime_of(m));
    m.profile = {{"SANDBOX_NETWORK", "none"}};
    EXPECT_EQ("", runtime_of(m)) << "a report from before SANDBOX_RUNTIME: the engine's default decided, unknown here";
    m.profile["SANDBOX_RUNTIME"] = "runsc";
    EXPECT_EQ("runsc", runtime_of(m));
}

TEST(CompareRuntimes, PutsEachCasesVerdictsUnderEachRuntimeChangedFirst) {
    const RuntimeComparison c = golden_comparison();
    EXPECT_EQ("runc", c.sides[0].runtime);
    EXPECT_EQ("runsc", c.sides[1].runtime);
    EXPECT_EQ("proposed", c.sides[1].label);
    ASSERT_EQ(5u, c.cases.size());
    EXPECT_EQ(3u, changed_cases(c));
    EXPECT_EQ("info.host-resources", c.cases[0].case_id);
    EXPECT_EQ(VerdictSet{Verdict::AcceptedRisk}, c.cases[0].verdicts[0]);
    EXPECT_EQ(VerdictSet{Verdict::Contained}, c.cases[0].verdicts[1]);
    EXPECT_EQ("because contained under info.host-resources", c.cases[0].evidence[1]);
    EXPECT_EQ("net.vsock", c.cases[2].case_id);
    EXPECT_FALSE(c.cases[3].changed());
    EXPECT_EQ("fs.dev-shm-writable", c.cases[3].case_id);
}

TEST(CompareRuntimes, AWeaknessIsClosedOnlyWhenEveryProbeCitingItRanAndWasContained) {
    const RuntimeComparison c = golden_comparison();
    ASSERT_EQ(4u, c.weaknesses.size());
    const auto& kw1 = c.weaknesses[0];
    EXPECT_EQ(1, kw1.number);
    EXPECT_EQ(std::vector<std::string>({"info.host-resources", "info.kernel-version"}), kw1.probes);
    EXPECT_EQ(WeaknessState::Open, kw1.state[0]);
    EXPECT_EQ(WeaknessState::Closed, kw1.state[1]);
    // Stopped by the AST check under both: neither runtime was reached.
    EXPECT_EQ(WeaknessState::NotShown, c.weaknesses[1].state[0]);
    EXPECT_EQ(WeaknessState::NotShown, c.weaknesses[1].state[1]);
    EXPECT_EQ(WeaknessState::Open, c.weaknesses[2].state[1]);
    // An error shows nothing: weakness 12 is not closed by runsc.
    EXPECT_EQ(WeaknessState::NotShown, c.weaknesses[3].state[1]);
    EXPECT_EQ(std::vector<int>({1}), closed_by(c, 1));
    EXPECT_EQ(std::vector<int>{}, closed_by(c, 0));
    EXPECT_EQ(1u, c.ast_only_both);
}

TEST(CompareRuntimes, OneOpenProbeKeepsAWeaknessOpen) {
    const RuntimeComparison c =
        compare_runtimes(run("runc", {probe("a", Verdict::AcceptedRisk, 1), probe("b", Verdict::AcceptedRisk, 1)}),
                         run("runsc", {probe("a", Verdict::Contained, 1), probe("b", Verdict::AcceptedRisk, 1)}));
    EXPECT_EQ(WeaknessState::Open, c.weaknesses[0].state[1]);
    EXPECT_TRUE(closed_by(c, 1).empty());
}

TEST(CompareRuntimes, CostIsStartupFromTheRecordsAndCpuFromRunEfficiency) {
    const RuntimeComparison c = golden_comparison();
    // Startup excludes the AST-rejected case: it started no container.
    EXPECT_EQ(4u, c.sides[0].startup_ms.n);
    EXPECT_NEAR(315, c.sides[0].startup_ms.p50, 1e-3);
    EXPECT_NEAR(715, c.sides[1].startup_ms.p50, 1e-3);
    EXPECT_DOUBLE_EQ(0.5, *c.sides[1].engine_cpu_s_per_launch);
    EXPECT_DOUBLE_EQ(1.0, *c.sides[1].host_cpu_s_per_launch);
    EXPECT_EQ(4u, c.sides[1].launches);
    RunReport bare = run("runc", {});
    bare.meta.extra = nlohmann::json::object();
    const RuntimeComparison none = compare_runtimes(bare, run("runsc", {}));
    EXPECT_FALSE(none.sides[0].engine_cpu_s_per_launch) << "no run_efficiency: no figure, not 0";
    EXPECT_EQ(0u, none.sides[0].startup_ms.n);
}

TEST(CompareRuntimes, HeadlineNamesTheChangeTheClosedWeaknessesAndTheCost) {
    EXPECT_EQ("runc → runsc: 3 of 5 cases differ; runsc closes Known Weakness 1; startup p50 315.0 → 715.0 ms; "
              "engine CPU 0.3 → 0.5 s per launch",
              runtime_headline(golden_comparison()));
}

TEST(CompareRuntimes, SurvivesTheRoundTripThroughReportJson) {
    const RuntimeComparison c = golden_comparison();
    const nlohmann::json j = to_json(c);
    EXPECT_EQ("[[],[1]]", j["closed_by"].dump());
    const RuntimeComparison back = runtime_comparison_from_json(nlohmann::json::parse(j.dump()));
    EXPECT_EQ(j, to_json(back));
}

TEST(CombinedMeta, NamesBothRunsAndSpansThem) {
    RunMeta a, b;
    a.run_id = "A";
    a.started_at = "2026-01-01T00:00:00Z";
    a.wall_s = 10;
    b.run_id = "B";
    b.started_at = "2026-01-01T00:00:10Z";
    b.finished_at = "2026-01-01T00:00:30Z";
    b.wall_s = 20;
    b.extra = {{"run_efficiency", {{"launches", 1}}}};
    b.profile = {{"SANDBOX_RUNTIME", "runsc"}};
    b.profile_path = "runsc.env";
    const RunMeta m = combined_meta(a, b, "sandbox-harness review");
    EXPECT_EQ("A + B", m.run_id);
    EXPECT_EQ("2026-01-01T00:00:00Z", m.started_at);
    EXPECT_EQ("2026-01-01T00:00:30Z", m.finished_at);
    EXPECT_DOUBLE_EQ(30, m.wall_s);
    EXPECT_TRUE(m.extra.empty());
    EXPECT_EQ("", runtime_of(m)) << "the report stands for two runtimes, not the proposed one";
    EXPECT_EQ("", m.profile_path);
}

}  // namespace
}  // namespace sh
