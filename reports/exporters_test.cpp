#include <filesystem>
#include <regex>

#include <gtest/gtest.h>

#include "reports/coverage_render.h"
#include "reports/diff_render.h"
#include "util/escape.h"
#include "reports/exporter.h"
#include "testing/report_fixture.h"

namespace sh {
namespace {

using fixture::expect_golden;
using fixture::fixture_report;

/// Valid UTF-8 with no control characters but \n and \t: what every text report must be.
void expect_clean_text(const std::string& s) {
    EXPECT_EQ(sanitize_utf8(s), s) << "invalid UTF-8 or a raw control character";
}

TEST(JsonExporter, MatchesGolden) {
    const std::string out = JsonExporter().render(fixture_report());
    expect_golden("report.json", out);
    const auto j = nlohmann::json::parse(out);
    EXPECT_EQ(1, j["schema_version"]);
    EXPECT_EQ(10, j["summary"]["total"]);
    EXPECT_EQ("fs.write-etc", j["records"][0]["case_id"]);
}

TEST(JsonExporter, IsTheIndentedDumpOfTheWholeReport) {
    // The exporter assembles the file from one dump per record; it must equal one dump of it all.
    for (const RunReport& report : {fixture_report(), RunReport{}}) {
        const std::string out = JsonExporter().render(report);
        EXPECT_EQ(nlohmann::ordered_json::parse(out).dump(2) + "\n", out);
    }
    EXPECT_NE(std::string::npos, JsonExporter().render(RunReport{}).find("\"records\": []"));
}

TEST(JsonExporter, ReadsBackIntoTheSameReport) {
    const std::string out = JsonExporter().render(fixture_report());
    const auto j = nlohmann::json::parse(out);
    RunReport back;
    back.meta = run_meta_from_json(j.at("meta"));
    for (const auto& r : j.at("records")) back.records.push_back(record_from_json(r));
    // Identical except the bytes that were not UTF-8 (replaced by U+FFFD on writing).
    const std::string again = JsonExporter().render(back);
    EXPECT_EQ(out, again);
}

TEST(JUnitExporter, MatchesGolden) {
    const std::string out = JUnitExporter().render(fixture_report());
    expect_golden("junit.xml", out);
    expect_clean_text(out);
    EXPECT_EQ(std::string::npos, out.find("<script>"));
    EXPECT_EQ(std::string::npos, out.find("]]>"));
}

TEST(JUnitExporter, MapsVerdictsToJUnitElements) {
    const std::string out = JUnitExporter().render(fixture_report());
    EXPECT_NE(std::string::npos, out.find(R"(<testsuite name="base" tests="8" failures="1" errors="1" skipped="1")"));
    EXPECT_NE(std::string::npos, out.find(R"(<testsuite name="science" tests="2" failures="1" errors="0" skipped="0")"));
    EXPECT_NE(std::string::npos, out.find(R"(<testcase classname="filesystem" name="fs.write-etc[base]#0" time="0.412">)"));
    EXPECT_NE(std::string::npos, out.find(R"(<failure type="escaped" message="report: escaped true (wrote /etc/x) &lt;script&gt;)"));
    EXPECT_NE(std::string::npos, out.find(R"(<error type="error" message="no SANDBOX-PROBE line in stdout">)"));
    EXPECT_NE(std::string::npos, out.find(R"(<skipped message="targets external: the profile&apos;s network is not none"/>)"));
    EXPECT_NE(std::string::npos, out.find(R"(<property name="accepted-risk" value="Known Weakness 2 in sandbox/README.md"/>)"));
    EXPECT_NE(std::string::npos, out.find("\\x1b[31mred\\x1b[0m bad:\xEF\xBF\xBD\xEF\xBF\xBD nul:\\x00 end"));
}

TEST(MarkdownExporter, MatchesGolden) {
    const std::string out = MarkdownExporter().render(fixture_report());
    expect_golden("summary.md", out);
    expect_clean_text(out);
}

TEST(MarkdownExporter, ListsEveryRecordThatDidNotPassAndNoOther) {
    const std::string out = MarkdownExporter().render(fixture_report());
    for (const char* id : {"fs.write-etc", "res.fork-bomb", "net.external-dns", "wl.numpy-sum", "kern.proc-kcore"})
        EXPECT_NE(std::string::npos, out.find(id)) << id;
    for (const char* id : {"wl.hello", "net.tcp-canary", "res.memory-balloon"})
        EXPECT_EQ(std::string::npos, out.find(id)) << id;
}

TEST(HtmlExporter, IsOneSelfContainedFileWithChartsAndNoInjectedMarkup) {
    const std::string html = HtmlExporter().render(fixture_report());
    expect_clean_text(html);
    EXPECT_EQ(0u, html.find("<!DOCTYPE html>"));
    // The only script is the report's own filter; the probe's <script> is text.
    const std::regex script("<script", std::regex::icase);
    EXPECT_EQ(1, std::distance(std::sregex_iterator(html.begin(), html.end(), script), std::sregex_iterator()));
    EXPECT_EQ(std::string::npos, html.find("<script>alert(1)"));
    EXPECT_NE(std::string::npos, html.find("&lt;script&gt;alert(1)&lt;/script&gt;"));
    EXPECT_NE(std::string::npos, html.find("<svg"));
    EXPECT_NE(std::string::npos, html.find("Launch latency (python3 -c pass): CDF"));
    // Nothing is fetched: no external URLs other than the SVG namespace.
    const std::string without_ns = std::regex_replace(html, std::regex("http://www\\.w3\\.org/2000/svg"), "");
    EXPECT_EQ(std::string::npos, without_ns.find("http://"));
    EXPECT_EQ(std::string::npos, without_ns.find("https://"));
    EXPECT_EQ(std::string::npos, html.find(" src="));
    EXPECT_EQ(std::string::npos, html.find("<link"));
}

TEST(HtmlExporter, IncludesDiffAndCoverageWhenGiven) {
    const RunReport r = fixture_report();
    const RunDiff d = diff_runs(r, r);
    CoverageMatrix m;
    m.controls = {"network"};
    m.probes = {"net.tcp-canary"};
    m.cells[{"network", "net.tcp-canary"}] = Verdict::Escaped;
    const std::string html = HtmlExporter({&d, &m}).render(r);
    EXPECT_NE(std::string::npos, html.find("id=\"diff\""));
    EXPECT_NE(std::string::npos, html.find("id=\"coverage\""));
    const std::string md = MarkdownExporter({&d, &m}).render(r);
    EXPECT_NE(std::string::npos, md.find("## Compared with run"));
    EXPECT_NE(std::string::npos, md.find("## Coverage"));
}

TEST(StandaloneHtml, WrapsSectionsWithTheReportStylesheet) {
    const std::string page = standalone_html("Review <current> vs proposed", "<section>x</section>");
    EXPECT_EQ(0u, page.find("<!DOCTYPE html>"));
    EXPECT_NE(std::string::npos, page.find("<title>Review &lt;current&gt; vs proposed</title>"));
    EXPECT_NE(std::string::npos, page.find(".v-escaped{"));
    EXPECT_NE(std::string::npos, page.find("<main>\n<section>x</section></main>"));
}

}  // namespace
}  // namespace sh
