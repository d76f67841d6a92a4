#include "reports/chaos_render.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

TEST(ChaosRender, ABrokenFaultLeadsTheHeadlineAndItsReasonIsShown) {
    std::vector<FaultResult> faults = {
        {.fault = "docker-kill", .injected = "docker kill of the case's container.",
         .expected = "error, interfered.", .observed = "error (interfered: kill)", .status = FaultStatus::Held,
         .recovery_s = 0.42},
        {.fault = "docker-stop", .injected = "docker stop.", .expected = "error, interfered.",
         .observed = "contained", .status = FaultStatus::Broken, .reason = "judged contained | not interfered"},
    };
    const std::string md = render_chaos_markdown(faults, 12.3);
    EXPECT_EQ(0u, md.find("# CHAOS BROKEN: 2 faults, 1 held, 1 broken, 0 skipped (12 s)\n")) << md;
    EXPECT_NE(std::string::npos, md.find("| docker-kill | held | 0.4 s | — | error (interfered: kill) |")) << md;
    EXPECT_NE(std::string::npos, md.find("**broken:** judged contained \\| not interfered")) << md;
}

TEST(ChaosRender, TheFaultsListShowsItsCommandsAsCode) {
    const std::vector<FaultResult> faults = {
        {.fault = "docker-kill", .injected = "`docker kill` of the case's container by someone else.",
         .expected = "exit 2, `records.jsonl` whole", .observed = "error", .status = FaultStatus::Broken,
         .reason = "`rm -rf` | <b>"},
    };
    const std::string md = render_chaos_markdown(faults, 1);
    EXPECT_NE(std::string::npos,
              md.find("- **docker-kill**: `docker kill` of the case's container by someone else. Expected: exit 2, "
                      "`records.jsonl` whole **broken:** \\`rm -rf\\` \\| \\<b\\>\n"))
        << md;
    const std::string html = render_chaos_html(faults, 1);
    EXPECT_NE(std::string::npos, html.find("<code>docker kill</code> of the case&#39;s container")) << html;
    EXPECT_NE(std::string::npos, html.find("`rm -rf` | &lt;b&gt;")) << html;
}

TEST(ChaosRender, AllHeldSaysSo) {
    const std::string md = render_chaos_markdown({{.fault = "none", .status = FaultStatus::Held}}, 1);
    EXPECT_EQ(0u, md.find("# CHAOS HELD: 1 faults, 1 held, 0 broken, 0 skipped (1 s)")) << md;
}

}  // namespace
}  // namespace sh
