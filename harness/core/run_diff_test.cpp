#include "core/run_diff.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "testing/report_fixture.h"

namespace sh {
namespace {

using fixture::make_record;
using fixture::diff_run;

Record rec(const std::string& id, Verdict v, int rep = 0, double wall_ms = 100, const std::string& image = "base") {
    return fixture::diff_record(id, v, rep, wall_ms, image);
}

RunReport run(const std::string& id, std::vector<Record> records, const std::string& profile = "default") {
    return diff_run(id, std::move(records), profile);
}


const VerdictChange* find_change(const RunDiff& d, const std::string& id) {
    for (const auto& c : d.changes)
        if (c.case_id == id) return &c;
    return nullptr;
}

TEST(DiffRuns, ClassifiesEveryKindOfVerdictChange) {
    const RunReport before = run("old", {rec("a.new-escape", Verdict::Contained), rec("b.worse", Verdict::Pass),
                                         rec("c.fixed", Verdict::Escaped), rec("d.other", Verdict::Contained),
                                         rec("e.same", Verdict::Contained), rec("f.removed", Verdict::Pass)});
    const RunReport after = run("new", {rec("a.new-escape", Verdict::Escaped), rec("b.worse", Verdict::Error),
                                        rec("c.fixed", Verdict::Contained), rec("d.other", Verdict::AcceptedRisk),
                                        rec("e.same", Verdict::Contained), rec("g.added", Verdict::Escaped)});
    const RunDiff d = diff_runs(before, after);
    ASSERT_EQ(4u, d.changes.size());
    EXPECT_EQ(1u, d.unchanged);

    const VerdictChange* esc = find_change(d, "a.new-escape");
    ASSERT_NE(nullptr, esc);
    EXPECT_TRUE(is_new_escape(*esc));
    EXPECT_TRUE(is_regression(*esc));
    EXPECT_STREQ("new escape", change_class(*esc));
    EXPECT_EQ("because escaped", esc->evidence);
    EXPECT_EQ(std::optional<int>(0), esc->repetition);

    const VerdictChange* worse = find_change(d, "b.worse");
    ASSERT_NE(nullptr, worse);
    EXPECT_TRUE(is_regression(*worse));
    EXPECT_FALSE(is_new_escape(*worse));
    EXPECT_STREQ("worse", change_class(*worse));

    const VerdictChange* fixed = find_change(d, "c.fixed");
    ASSERT_NE(nullptr, fixed);
    EXPECT_TRUE(is_fixed(*fixed));
    EXPECT_FALSE(is_regression(*fixed));
    EXPECT_STREQ("fixed", change_class(*fixed));

    const VerdictChange* other = find_change(d, "d.other");
    ASSERT_NE(nullptr, other);
    EXPECT_STREQ("changed", change_class(*other));
    EXPECT_EQ((VerdictSet{Verdict::Contained}), other->before);
    EXPECT_EQ((VerdictSet{Verdict::AcceptedRisk}), other->after);

    ASSERT_EQ(1u, d.added.size());
    EXPECT_EQ("g.added", d.added[0].case_id);
    ASSERT_EQ(1u, d.removed.size());
    EXPECT_EQ("f.removed", d.removed[0].case_id);

    EXPECT_EQ(1u, new_escapes(d).size());
    EXPECT_EQ(1u, fixed_cases(d).size());
    EXPECT_TRUE(has_regression(d));
    // Regressions come first, fixed last.
    EXPECT_TRUE(is_regression(d.changes[0]));
    EXPECT_TRUE(is_fixed(d.changes.back()));
}

TEST(DiffRuns, ComparesRepetitionsOneByOneWhenBothRunsHaveTheSame) {
    const RunReport before = run("old", {rec("a", Verdict::Contained, 0), rec("a", Verdict::Contained, 1)});
    const RunReport after = run("new", {rec("a", Verdict::Contained, 0), rec("a", Verdict::Escaped, 1)});
    const RunDiff d = diff_runs(before, after);
    ASSERT_EQ(1u, d.changes.size());
    EXPECT_EQ(std::optional<int>(1), d.changes[0].repetition);
    EXPECT_EQ(1u, d.unchanged);
    EXPECT_TRUE(has_regression(d));
}

TEST(DiffRuns, ComparesVerdictSetsWhenRepetitionsDiffer) {
    const RunReport before = run("old", {rec("a", Verdict::Contained, 0), rec("b", Verdict::Contained, 0)});
    const RunReport after = run("new", {rec("a", Verdict::Contained, 0), rec("a", Verdict::Contained, 1),
                                        rec("a", Verdict::Contained, 2), rec("b", Verdict::Contained, 0),
                                        rec("b", Verdict::Escaped, 1)});
    const RunDiff d = diff_runs(before, after);
    ASSERT_EQ(1u, d.changes.size());
    EXPECT_EQ("b", d.changes[0].case_id);
    EXPECT_FALSE(d.changes[0].repetition.has_value());
    EXPECT_EQ((VerdictSet{Verdict::Contained, Verdict::Escaped}), d.changes[0].after);
    EXPECT_EQ(1u, d.unchanged);
    EXPECT_TRUE(d.added.empty());
}

TEST(DiffRuns, KeysByImageToo) {
    const RunReport before = run("old", {rec("a", Verdict::Contained, 0, 100, "base")});
    const RunReport after = run("new", {rec("a", Verdict::Contained, 0, 100, "science")});
    const RunDiff d = diff_runs(before, after);
    EXPECT_TRUE(d.changes.empty());
    ASSERT_EQ(1u, d.added.size());
    EXPECT_EQ("science", d.added[0].image);
    ASSERT_EQ(1u, d.removed.size());
    EXPECT_EQ("base", d.removed[0].image);
}

TEST(HasRegression, IsFalseWhenNothingGotWorse) {
    const RunReport before = run("old", {rec("a", Verdict::Escaped), rec("b", Verdict::Error), rec("c", Verdict::Pass)});
    const RunReport after = run("new", {rec("a", Verdict::Contained), rec("b", Verdict::Escaped),
                                        rec("c", Verdict::Skipped), rec("d", Verdict::Escaped)});
    const RunDiff d = diff_runs(before, after);
    // error → escaped is a new escape but not a regression (it was already bad); pass → skipped is
    // not bad; a new case is not a change.
    EXPECT_EQ(1u, new_escapes(d).size());
    EXPECT_FALSE(has_regression(d));
}

TEST(HasRegression, CountsEveryGoodToBadTransition) {
    for (Verdict good : {Verdict::Pass, Verdict::Contained, Verdict::AcceptedRisk})
        for (Verdict bad : {Verdict::Fail, Verdict::Escaped, Verdict::Error}) {
            const RunDiff d = diff_runs(run("old", {rec("a", good)}), run("new", {rec("a", bad)}));
            EXPECT_TRUE(has_regression(d)) << to_string(good) << " -> " << to_string(bad);
        }
}

/// One run of case `id` with a record per wall time (repetitions 0, 1, ...).
std::vector<Record> reps(const std::string& id, const std::vector<double>& wall_ms) {
    std::vector<Record> out;
    for (std::size_t i = 0; i < wall_ms.size(); ++i) out.push_back(rec(id, Verdict::Pass, static_cast<int>(i), wall_ms[i]));
    return out;
}

RunDiff diff_times(const std::vector<double>& before, const std::vector<double>& after) {
    return diff_runs(run("old", reps("a", before)), run("new", reps("a", after)));
}

TEST(MinPTwoSided, IsTwoOverTheNumberOfOrderings) {
    EXPECT_DOUBLE_EQ(1.0, min_p_two_sided(1, 1));
    EXPECT_DOUBLE_EQ(1.0, min_p_two_sided(0, 5));
    EXPECT_DOUBLE_EQ(2.0 / 6, min_p_two_sided(1, 5));
    EXPECT_DOUBLE_EQ(2.0 / 20, min_p_two_sided(3, 3));
    EXPECT_DOUBLE_EQ(2.0 / 70, min_p_two_sided(4, 4));
    EXPECT_DOUBLE_EQ(2.0 / 252, min_p_two_sided(5, 5));
    EXPECT_DOUBLE_EQ(min_p_two_sided(3, 7), min_p_two_sided(7, 3));
}

TEST(RepetitionsNeeded, IsTheFewestEqualSamplesThatCanReachAlpha) {
    EXPECT_EQ(4u, repetitions_needed(0.05));  // 3 per side: at best p = 0.1
    EXPECT_EQ(5u, repetitions_needed(0.01));
    EXPECT_EQ(4u, repetitions_needed(0.1));   // p must be below alpha, and 0.1 is not
    EXPECT_THROW(repetitions_needed(0), std::invalid_argument);
}

TEST(DiffRuns, IdenticalWallTimeDistributionsAreNoChange) {
    const RunDiff d = diff_times({100, 130, 90, 120, 110}, {110, 90, 120, 100, 130});
    ASSERT_EQ(1u, d.times.size());
    EXPECT_TRUE(d.times[0].testable);
    EXPECT_FALSE(d.times[0].changed);
    const TimeTally t = tally_times(d);
    EXPECT_EQ(0u, t.changed);
    EXPECT_EQ(1u, t.tested_unchanged);
    EXPECT_EQ(0u, t.untestable_differs);
}

TEST(DiffRuns, ClearTwofoldShiftWithFiveSamplesEachIsAChange) {
    const RunDiff d = diff_times({100, 104, 98, 101, 103}, {200, 208, 196, 205, 199});
    ASSERT_EQ(1u, d.times.size());
    const TimeChange& t = d.times[0];
    EXPECT_EQ(5u, t.n_before);
    EXPECT_EQ(5u, t.n_after);
    EXPECT_DOUBLE_EQ(101, t.before_ms);
    EXPECT_DOUBLE_EQ(200, t.after_ms);
    EXPECT_NEAR(2.0 / 252, t.p, 1e-12);  // exact: every new sample above every old one
    EXPECT_TRUE(t.changed);
    EXPECT_EQ(1u, tally_times(d).changed);
    // Faster is a change too.
    EXPECT_TRUE(diff_times({200, 208, 196, 205, 199}, {100, 104, 98, 101, 103}).times[0].changed);
}

TEST(DiffRuns, OneSampleEachIsNeverAChangeAndTellsHowManyAreNeeded) {
    const RunDiff d = diff_runs(run("old", {rec("a", Verdict::Pass, 0, 100), rec("b", Verdict::Pass, 0, 100),
                                            rec("c", Verdict::Pass, 0, 100)}),
                                run("new", {rec("a", Verdict::Pass, 0, 300), rec("b", Verdict::Pass, 0, 40),
                                            rec("c", Verdict::Pass, 0, 103)}));
    ASSERT_EQ(3u, d.times.size());
    for (const TimeChange& t : d.times) {
        EXPECT_FALSE(t.testable) << t.case_id;
        EXPECT_FALSE(t.changed) << t.case_id;
        EXPECT_DOUBLE_EQ(1, t.p) << t.case_id;
    }
    const TimeTally t = tally_times(d);
    EXPECT_EQ(0u, t.changed);
    EXPECT_EQ(2u, t.untestable_differs);  // a (x3) and b (-60%); c moved 3%
    EXPECT_EQ(1u, t.untestable_same);
    EXPECT_EQ(std::optional<std::size_t>(1), t.untestable_samples);
    EXPECT_EQ(4u, t.repetitions_needed);
}

TEST(DiffRuns, ThreeSamplesEachCannotReachAlphaEvenWhenFarApart) {
    const RunDiff d = diff_times({100, 101, 102}, {300, 301, 302});
    EXPECT_FALSE(d.times[0].testable);  // at best p = 0.1
    EXPECT_FALSE(d.times[0].changed);
    EXPECT_TRUE(d.times[0].differs);
    EXPECT_TRUE(diff_times({100, 101, 102, 103}, {300, 301, 302, 303}).times[0].changed);
}

TEST(DiffRuns, UnequalUntestableSamplesAreNotSummedUpAsOneCount) {
    const RunDiff d = diff_runs(run("old", {rec("a", Verdict::Pass, 0, 100), rec("b", Verdict::Pass, 0, 100),
                                            rec("b", Verdict::Pass, 1, 100)}),
                                run("new", {rec("a", Verdict::Pass, 0, 300), rec("b", Verdict::Pass, 0, 300),
                                            rec("b", Verdict::Pass, 1, 300)}));
    const TimeTally t = tally_times(d);
    EXPECT_EQ(2u, t.untestable_differs);
    EXPECT_FALSE(t.untestable_samples.has_value());
}

TEST(DiffRuns, SignificantButSmallWallTimeShiftIsNoChange) {
    // Every new sample is slower (p = 0.008), but by 5%: below the minimum effect size.
    const RunDiff d = diff_times({100, 101, 102, 103, 104}, {105, 106, 107, 108, 109});
    EXPECT_LT(d.times[0].p, 0.05);
    EXPECT_FALSE(d.times[0].differs);
    EXPECT_FALSE(d.times[0].changed);
    // And a tiny case: doubled, but by 2 ms.
    EXPECT_FALSE(diff_times({2, 2.1, 2.2, 2.3, 2.4}, {4, 4.1, 4.2, 4.3, 4.4}).times[0].changed);
}

TEST(DiffRuns, ListsChangedWallTimesFirst) {
    std::vector<Record> before = reps("slow", {100, 102, 104, 106, 108}), after = reps("slow", {150, 152, 154, 156, 158});
    before.push_back(rec("noisy", Verdict::Pass, 0, 100));
    after.push_back(rec("noisy", Verdict::Pass, 0, 400));
    const RunDiff d = diff_runs(run("old", before), run("new", after));
    ASSERT_EQ(2u, d.times.size());
    EXPECT_EQ("slow", d.times[0].case_id);
    EXPECT_TRUE(d.times[0].changed);
    EXPECT_EQ("noisy", d.times[1].case_id);
    EXPECT_FALSE(d.times[1].changed);
}

TEST(DiffRuns, ComparesPerfFiguresAndLatencySamples) {
    RunReport before = run("old", {}), after = run("new", {});
    before.meta.extra = {{"launch", {{"cpu_s_per_launch", 0.30}, {"launches_per_s", 6.9}}}};
    after.meta.extra = {{"launch", {{"cpu_s_per_launch", 0.45}, {"launches_per_s", 6.8}}}};
    std::vector<double> fast, slow;
    for (int i = 0; i < 20; ++i) {
        fast.push_back(200 + i);
        slow.push_back(300 + i);
    }
    before.meta.extra["latency"] = {{"samples_ms", fast}};
    after.meta.extra["latency"] = {{"samples_ms", slow}};
    const RunDiff d = diff_runs(before, after);
    ASSERT_EQ(2u, d.figures.size());
    EXPECT_EQ("launch/cpu_s_per_launch", d.figures[0].figure);
    EXPECT_TRUE(d.figures[0].moved);
    EXPECT_FALSE(d.figures[1].moved);
    ASSERT_EQ(1u, d.latency.size());
    EXPECT_EQ("latency", d.latency[0].key);
    EXPECT_TRUE(d.latency[0].regression);
    EXPECT_TRUE(has_latency_regression(d));
    EXPECT_FALSE(has_regression(d));
}

}  // namespace
}  // namespace sh
