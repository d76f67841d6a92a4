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

TEST(DiffRuns, ReportsWallTimeMovementByMedianOfRepetitions) {
    const RunReport before = run("old", {rec("slow", Verdict::Pass, 0, 100), rec("slow", Verdict::Pass, 1, 110),
                                         rec("slow", Verdict::Pass, 2, 500), rec("same", Verdict::Pass, 0, 100),
                                         rec("tiny", Verdict::Pass, 0, 2)});
    const RunReport after = run("new", {rec("slow", Verdict::Pass, 0, 200), rec("slow", Verdict::Pass, 1, 220),
                                        rec("slow", Verdict::Pass, 2, 230), rec("same", Verdict::Pass, 0, 105),
                                        rec("tiny", Verdict::Pass, 0, 4)});
    const RunDiff d = diff_runs(before, after);
    ASSERT_EQ(3u, d.times.size());
    EXPECT_EQ("slow", d.times[0].case_id);
    EXPECT_DOUBLE_EQ(110, d.times[0].before_ms);
    EXPECT_DOUBLE_EQ(220, d.times[0].after_ms);
    EXPECT_DOUBLE_EQ(2.0, d.times[0].ratio);
    EXPECT_TRUE(d.times[0].moved);
    for (std::size_t i = 1; i < 3; ++i) EXPECT_FALSE(d.times[i].moved) << d.times[i].case_id;  // 5%, and 2 ms
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
