#include "reports/runtime_render.h"

#include <gtest/gtest.h>

#include "reports/exporter.h"
#include "testing/runtime_fixture.h"

namespace sh {
namespace {

using fixture::expect_golden;

/// What `review` writes as OUT/report.json when the runtimes differ: no records, the comparison in meta.extra.
RunReport review_report() {
    RunReport r;
    r.meta.run_id = "runc-run + runsc-run";
    r.meta.host = "ci-host";
    r.meta.cores = 2;
    r.meta.extra[kRuntimeComparisonKey] = to_json(fixture::runtime_comparison_fixture());
    return r;
}

TEST(RuntimeComparisonMarkdown, MatchesGolden) {
    expect_golden("runtime_comparison.md", runtime_comparison_markdown(fixture::runtime_comparison_fixture()));
}

TEST(RuntimeComparisonMarkdown, HasOneColumnPerRuntimeForContainmentAndCost) {
    const std::string out = runtime_comparison_markdown(fixture::runtime_comparison_fixture());
    EXPECT_NE(std::string::npos, out.find("|  | runc (current) | runsc (proposed) | change |"));
    EXPECT_NE(std::string::npos, out.find("| Known Weaknesses closed that the other leaves open | — | 1 |  |"));
    EXPECT_NE(std::string::npos, out.find("| startup p50 ms | 315.0 | 715.0 | ×2.3 |"));
    EXPECT_NE(std::string::npos, out.find("| engine CPU-s per launch | 0.3 | 0.5 | +67% |"));
    EXPECT_NE(std::string::npos, out.find("runsc closes Known Weakness 1, which runc leaves open."));
    EXPECT_NE(std::string::npos, out.find("| 1 | info.host-resources, info.kernel-version | open | closed |"));
    EXPECT_NE(std::string::npos, out.find("| **≠** | net.vsock | base | 12 | accepted-risk | error |"));
    EXPECT_NE(std::string::npos, out.find("| kernel.io-uring | base | 2 | contained (AST) | contained (AST) |"));
    EXPECT_EQ(std::string::npos, out.find("<b>")) << "evidence is escaped";
}

TEST(RuntimeComparisonHtml, EscapesEvidenceAndMarksTheWeaknessStates) {
    const std::string out = runtime_comparison_html(fixture::runtime_comparison_fixture());
    EXPECT_NE(std::string::npos, out.find("<section id=\"runtime-comparison\"><h2>Runtime comparison: runc (current) and runsc (proposed)</h2>"));
    EXPECT_NE(std::string::npos, out.find("<span class=\"kw kw-closed\">closed</span>"));
    EXPECT_NE(std::string::npos, out.find("&lt;b&gt;exit 2&lt;/b&gt;"));
    EXPECT_EQ(std::string::npos, out.find("<b>exit 2"));
}

TEST(RuntimeComparisonReport, ReviewsReportLeadsWithTheComparisonInEveryHumanFormat) {
    const RunReport r = review_report();
    const std::string md = MarkdownExporter().render(r);
    EXPECT_EQ(0u, md.find("# sandbox-harness review\n\n**review: runc → runsc: 3 of 5 cases differ; runsc closes Known "
                          "Weakness 1; startup p50 315.0 → 715.0 ms; engine CPU 0.3 → 0.5 s per launch**\n"));
    EXPECT_NE(std::string::npos, md.find("\n## Runtime comparison: runc (current) and runsc (proposed)\n\n|"))
        << "the report's headline is the section's: not repeated";
    EXPECT_NE(std::string::npos, md.find("· profiles runc.env (runc) → runsc.env (runsc) ·"));
    EXPECT_EQ(std::string::npos, md.find("Other figures")) << "not shown a second time as raw JSON";
    const std::string html = HtmlExporter().render(r);
    EXPECT_NE(std::string::npos, html.find("<h1>sandbox-harness review</h1>"));
    EXPECT_NE(std::string::npos, html.find("id=\"runtime-comparison\""));
    EXPECT_EQ(std::string::npos, html.find("\"cases\":[")) << "not shown a second time as raw JSON";
}

TEST(RuntimeComparisonReport, AnUnreadableSectionIsNamedNotFatal) {
    RunReport r = review_report();
    r.meta.extra[kRuntimeComparisonKey] = {{"runtimes", 3}};
    const std::string md = MarkdownExporter().render(r);
    EXPECT_NE(std::string::npos, md.find("meta.extra.runtime_comparison cannot be read: "));
}

TEST(RuntimeComparisonReport, BenchAndCapacityNameTheRuntimeTheyMeasured) {
    RunReport r;
    r.meta.run_id = "bench-0123abcd";
    r.meta.profile = {{"SANDBOX_RUNTIME", "runsc"}};
    r.meta.extra["bench_host"] = {{"title", "Host load"}, {"cores", 2}};
    EXPECT_EQ(0u, MarkdownExporter().render(r).find("# sandbox-harness bench (runtime runsc)\n"));
    EXPECT_NE(std::string::npos, MarkdownExporter().render(r).find(" · runtime runsc · "));
    EXPECT_NE(std::string::npos, HtmlExporter().render(r).find("<h1>sandbox-harness bench (runtime runsc)</h1>"));
}

}  // namespace
}  // namespace sh
