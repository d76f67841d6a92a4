#include "reports/coverage_render.h"

#include <gtest/gtest.h>

#include "testing/report_fixture.h"

namespace sh {
namespace {

using fixture::coverage_matrix;

TEST(CoverageRender, MarkdownMatchesGolden) { fixture::expect_golden("coverage.md", coverage_markdown(coverage_matrix())); }

TEST(CoverageRender, HtmlMarksUncoveredRowsAndSilentProbes) {
    const std::string html = coverage_html(coverage_matrix());
    EXPECT_NE(std::string::npos, html.find("<tr class=\"uncovered\"><th title=\"SANDBOX_READ_ONLY=0\">read-only</th>"));
    EXPECT_NE(std::string::npos, html.find("<th class=\"probe silent\"><span>fs.write-etc</span></th>"));
}

TEST(CoverageRender, AProbeCheckedByAHarnessTestIsNamedWithItsTest) {
    CoverageMatrix m = coverage_matrix();
    m.checked_by["fs.write-etc"] = "tests/integration/check.sh";
    EXPECT_NE(std::string::npos, coverage_markdown(m).find("fs.write-etc attacks the harness itself; its own report "
                                                           "cannot show an escape. Checked by: tests/integration/check.sh"));
    EXPECT_NE(std::string::npos, coverage_html(m).find("Checked by: tests/integration/check.sh</li>"));
}

}  // namespace
}  // namespace sh
