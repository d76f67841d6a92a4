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
