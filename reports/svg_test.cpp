#include "reports/svg.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

TEST(NiceTicks, UsesRoundStepsFromZeroToAtLeastTheMaximum) {
    EXPECT_EQ((std::vector<double>{0, 5000, 10000, 15000}), nice_ticks(10020));
    EXPECT_EQ((std::vector<double>{0, 2, 4, 6, 8, 10}), nice_ticks(9));
    EXPECT_EQ((std::vector<double>{0, 1}), nice_ticks(0));
}

TEST(NiceTicks, StartsAtARoundValueBelowTheMinimum) {
    EXPECT_EQ((std::vector<double>{200, 250, 300, 350}), nice_range_ticks(205, 311));
    EXPECT_EQ((std::vector<double>{5, 6}), nice_range_ticks(5.5, 5.5));
}

TEST(SvgCharts, EscapeLabelsAndStayWellFormedWithoutData) {
    const std::string bars = svg_bar_chart({{"<script>x</script>", 3, "#000", "a & b"}}, "ms");
    EXPECT_EQ(std::string::npos, bars.find("<script>"));
    EXPECT_NE(std::string::npos, bars.find("&lt;script&gt;"));
    EXPECT_NE(std::string::npos, bars.find("<title>a &amp; b</title>"));
    EXPECT_NE(std::string::npos, svg_histogram({}, "none").find("no samples</text></svg>"));
    EXPECT_NE(std::string::npos, svg_cdf({}, "none").find("</svg>"));
    RunSummary empty;
    EXPECT_NE(std::string::npos, svg_verdict_donut(empty).find("</svg>"));
}

}  // namespace
}  // namespace sh
