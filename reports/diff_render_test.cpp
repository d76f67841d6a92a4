#include "reports/diff_render.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "testing/report_fixture.h"

namespace sh {
namespace {

using fixture::diff_record;
using fixture::diff_run;
using fixture::golden_diff;

TEST(RenderDiff, ListsManyNewCasesCompactlyButEveryBadOne) {
    std::vector<Record> after;
    for (int i = 0; i < 11; ++i) after.push_back(diff_record(fmt::format("c{:02}", i), Verdict::Contained));
    after.push_back(diff_record("z.bad", Verdict::Escaped));
    const RunDiff d = diff_runs(diff_run("old", {}), diff_run("new", after));
    const std::string md = render_diff_markdown(d);
    EXPECT_NE(std::string::npos, md.find("| z.bad | base | escaped |"));
    EXPECT_EQ(std::string::npos, md.find("| c00 |"));
    EXPECT_NE(std::string::npos, md.find("And 11 cases with no bad verdict (verdicts: 11 contained)."));
    const std::string html = render_diff_html(d);
    EXPECT_NE(std::string::npos, html.find("<details><summary>And 11 cases with no bad verdict"));
    EXPECT_NE(std::string::npos, html.find("<td>c00</td>"));
}

/// `n` repetitions of case `id`, the i-th taking base + i * step ms.
void add_reps(std::vector<Record>& out, const std::string& id, int n, double base, double step) {
    for (int i = 0; i < n; ++i) out.push_back(diff_record(id, Verdict::Pass, i, base + i * step));
}

TEST(RenderDiff, ListsOnlyWallTimesThatChangedSignificantly) {
    std::vector<Record> before, after;
    add_reps(before, "slow", 5, 100, 1);
    add_reps(after, "slow", 5, 200, 2);
    add_reps(before, "same", 5, 100, 10);
    add_reps(after, "same", 5, 105, 10);  // +5%, overlapping: noise
    const RunDiff d = diff_runs(diff_run("old", before), diff_run("new", after));
    const std::string md = render_diff_markdown(d);
    EXPECT_NE(std::string::npos, md.find("1 wall time changed"));
    EXPECT_NE(std::string::npos, md.find("| slow | base | 5 / 5 | 102 | 204 | ×2.0 | 0.0079 |"));
    EXPECT_EQ(std::string::npos, md.find("| same |"));
    EXPECT_NE(std::string::npos, md.find("With 2 cases tested, about 0.1 could pass p \\< 0.05 by chance alone."));
    EXPECT_NE(std::string::npos, md.find("Not shown: 1 wall time with no significant change."));
    // With no table of changes, the line itself states the rule.
    const RunDiff same = diff_runs(diff_run("old", before), diff_run("new", before));
    EXPECT_NE(std::string::npos, render_diff_markdown(same).find(
                                     "Not shown: 2 wall times with no significant change (a change needs two-sided "
                                     "Mann-Whitney p \\< 0.05 over a case's repetitions and a median change of at "
                                     "least 10% and 5 ms)."));
    EXPECT_EQ(std::string::npos, md.find("rerun with --repeat"));
}

TEST(RenderDiff, SingleSamplesGiveOneLineWithTheRepetitionsNeeded) {
    // A review at --repeat 1: forty cases moving by 10-66% both ways, all noise.
    std::vector<Record> before, after;
    for (int i = 0; i < 40; ++i) {
        const std::string id = fmt::format("c{:02}", i);
        before.push_back(diff_record(id, Verdict::Contained, 0, 300));
        after.push_back(diff_record(id, Verdict::Contained, 0, 300 * (i % 2 ? 1.1 + i * 0.014 : 0.88 - i * 0.01)));
    }
    const RunDiff d = diff_runs(diff_run("old", before), diff_run("new", after));
    for (const std::string& md : {render_diff_markdown(d), render_profile_comparison_markdown(d)}) {
        EXPECT_NE(std::string::npos, md.find("40 cases' wall time differs; with 1 sample per side none can be called a "
                                             "change \xE2\x80\x94 rerun with --repeat 4 to test."));
        EXPECT_EQ(std::string::npos, md.find("| c00 |"));
        EXPECT_EQ(std::string::npos, md.find("wall time changed"));
    }
    EXPECT_NE(std::string::npos, render_diff_html(d).find("<p>40 cases"));
}

TEST(RenderDiff, MarkdownMatchesGolden) { fixture::expect_golden("diff.md", render_diff_markdown(golden_diff())); }

TEST(RenderDiff, ProfileComparisonTitlesColumnsWithTheProfiles) {
    const std::string md = render_profile_comparison_markdown(golden_diff());
    EXPECT_NE(std::string::npos, md.find("| case | image | default | proposed | change |"));
    fixture::expect_golden("profile_comparison.md", md);
}

TEST(RenderDiff, HtmlEscapesEvidence) {
    const std::string html = render_diff_html(golden_diff());
    EXPECT_EQ(std::string::npos, html.find("<b>"));
    EXPECT_NE(std::string::npos, html.find("&lt;b&gt;"));
    EXPECT_NE(std::string::npos, render_profile_comparison_html(golden_diff()).find("<th>proposed</th>"));
}

}  // namespace
}  // namespace sh
