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

/// What `sandbox-harness bench` writes: no records, its figures in meta.extra.
RunReport bench_report() {
    RunReport r;
    r.meta.run_id = "bench-0123abcd";
    r.meta.started_at = "2026-01-01T00:00:00Z";
    r.meta.wall_s = 42.5;
    r.meta.host = "ci-host";
    r.meta.kernel = "6.1.0-test";
    r.meta.cores = 2;
    r.meta.engine_version = "24.0.5";
    r.meta.profile_path = "/src/sandbox/profiles/default.env";
    r.meta.command_line = "sandbox-harness bench --out out/bench --runs 5";
    r.meta.extra = nlohmann::json::parse(R"json({
      "bench_cpu": {"title": "CPU per launch (hello, serial batch)", "launches": 5, "host_cpu_s_per_launch": 0.29},
      "bench_host": {"title": "Host load and noise during the bench", "cores": 2, "load1_start": 0.5},
      "bench_latency": {"title": "Launch latency through the launcher (wall ms, spawn to exit)",
                        "columns": ["case", "n", "p50 ms"], "rows": [["pass [base]", 5, 230], ["hello [base]", 5, 236]],
                        "samples_ms": {"pass [base]": [228, 229, 230, 231, 240], "hello [base]": [231, 236, 229, 240, 279]}},
      "bench_phases": {"title": "Phase breakdown, medians in ms", "columns": ["case", "total"], "rows": [["hello [base]", 236]]}
    })json");
    return r;
}

RunReport capacity_report() {
    RunReport r = bench_report();
    r.meta.run_id = "capacity-0123abcd";
    r.meta.command_line = "sandbox-harness capacity --out out/capacity";
    r.meta.extra = nlohmann::json::parse(R"json({
      "capacity_concurrency": {"title": "Throughput and latency against concurrency (hello)",
                               "columns": ["concurrency", "launches", "launches/s", "p50 ms"],
                               "rows": [[1, 40, 3.9, 250], [2, 40, 6.5, 300]]},
      "capacity_model": {"title": "Capacity model", "note": "launches/s = 2 / 0.29 = 6.9\nknee: none",
                         "cores": 2, "peak_concurrency": 2, "peak_launches_per_s": 6.5,
                         "predicted_launches_per_s": 6.9, "projected_launches_per_s": 55.2, "target_cores": 16}
    })json");
    return r;
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

TEST(Exporters, AFlakyWorkloadPassesWithItsFirstRunShownEverywhere) {
    RunReport report = fixture_report();
    Record flaky = fixture::make_record(
        "wl.spin", "benign", "base", 0, Verdict::Flaky,
        {"flaky: the first run timed out after its 4 s timeout (launcher exit 124) while the host was overloaded "
         "(runnable tasks mean 17.9, max 21 on 2 CPUs (9.0 per CPU)); run again, it passed (runnable tasks mean 1.2, "
         "max 3 on 2 CPUs (0.6 per CPU))",
         "exit 0 and the expected stdout"},
        1800);
    flaky.first_attempt = FirstAttempt{.verdict = Verdict::Fail, .reasons = {"timed out"}, .wall_ms = 4100};
    report.records = {flaky};
    const std::string junit = JUnitExporter().render(report);
    EXPECT_NE(std::string::npos, junit.find(R"(tests="1" failures="0" errors="0" skipped="0")")) << junit;
    EXPECT_NE(std::string::npos, junit.find(R"(<flakyFailure type="timeout" message="flaky: the first run timed out)"))
        << junit;
    const std::string md = MarkdownExporter().render(report);
    EXPECT_NE(std::string::npos, md.find("**PASS: 1 case (1 flaky)**")) << md;
    EXPECT_NE(std::string::npos, md.find("| flaky | wl.spin |")) << md;
    EXPECT_NE(std::string::npos, md.find("9.0 per CPU")) << md;
    const std::string html = HtmlExporter().render(report);
    EXPECT_NE(std::string::npos, html.find("v-flaky")) << "styled like every other verdict";
}

TEST(JUnitExporter, ReportWithoutRecordsIsAnEmptyTestsuites) {
    const std::string out = JUnitExporter().render(bench_report());
    EXPECT_EQ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<testsuites name=\"sandbox-harness bench-0123abcd\" tests=\"0\" failures=\"0\" errors=\"0\" "
              "skipped=\"0\" time=\"0.000\">\n"
              "</testsuites>\n",
              out);
}

TEST(MarkdownExporter, BenchReportLeadsWithItsFiguresAndNoVerdicts) {
    const std::string out = MarkdownExporter().render(bench_report());
    expect_golden("bench_summary.md", out);
    expect_clean_text(out);
    EXPECT_EQ(0u, out.find("# sandbox-harness bench\n\n**bench: launch p50 236 ms, p95 271.2 ms (hello \\[base\\], 5 "
                           "launches) \xC2\xB7 0.29 host CPU-s per launch**\n"));
    EXPECT_EQ(std::string::npos, out.find("PASS"));
    EXPECT_EQ(std::string::npos, out.find("## Performance"));
    // The latency first, then the phases, CPU and host (not the keys' alphabetical order).
    EXPECT_LT(out.find("## Launch latency"), out.find("## Phase breakdown"));
    EXPECT_LT(out.find("## Phase breakdown"), out.find("## CPU per launch"));
    EXPECT_LT(out.find("## CPU per launch"), out.find("## Host load"));
}

TEST(MarkdownExporter, CapacityReportNamesItsPeakAndShowsTheNoteLineByLine) {
    const std::string out = MarkdownExporter().render(capacity_report());
    EXPECT_EQ(0u, out.find("# sandbox-harness capacity\n\n**capacity: peak 6.50 launches/s at concurrency 2 \xC2\xB7 "
                           "model 6.90 launches/s on 2 cores \xC2\xB7 55.20 projected on 16 cores**\n"));
    EXPECT_NE(std::string::npos, out.find("\nlaunches/s = 2 / 0.29 = 6.9  \nknee: none\n"));
    EXPECT_LT(out.find("## Throughput and latency"), out.find("## Capacity model"));
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

TEST(HtmlExporter, BenchReportHasNoVerdictRingCountsOrRecords) {
    const std::string html = HtmlExporter().render(bench_report());
    expect_clean_text(html);
    EXPECT_NE(std::string::npos, html.find("<header class=\"neutral\"><h1>sandbox-harness bench</h1><p>bench: launch p50 236 ms"));
    for (const char* absent : {"PASS", "<h2>Verdicts</h2>", "<h2>Counts</h2>", "<h2>Records</h2>", "<script",
                               "<h2>Performance</h2>"})
        EXPECT_EQ(std::string::npos, html.find(absent)) << absent;
    // Its own figures and charts first, then the run's facts.
    const auto latency = html.find("<h2>Launch latency through the launcher");
    EXPECT_LT(latency, html.find("<svg"));
    EXPECT_LT(html.find("<svg"), html.find("<h2>Run</h2>"));
    EXPECT_EQ(std::string::npos, html.find("started / finished"));
}

TEST(HtmlExporter, CapacityReportChartsThroughputAgainstConcurrency) {
    const std::string html = HtmlExporter().render(capacity_report());
    EXPECT_NE(std::string::npos, html.find("<p>capacity: peak 6.50 launches/s at concurrency 2"));
    EXPECT_NE(std::string::npos, html.find("<h3>Launches/s</h3><svg"));
    EXPECT_NE(std::string::npos, html.find("concurrency 2: 6.50 launches/s"));
    EXPECT_NE(std::string::npos, html.find("launches/s = 2 / 0.29 = 6.9<br>knee: none"));
    EXPECT_EQ(std::string::npos, html.find("<h2>Verdicts</h2>"));
}

TEST(HtmlExporter, RunWithoutRecordsKeepsItsHeadlineButDropsEmptySections) {
    RunReport r = fixture_report();
    r.records.clear();
    r.meta.extra = {{"run_efficiency", {{"wall_s", 1.5}}}};
    const std::string html = HtmlExporter().render(r);
    EXPECT_NE(std::string::npos, html.find("<h1>sandbox-harness report</h1><p>PASS: no cases</p>"));
    EXPECT_NE(std::string::npos, html.find("<h2>Performance</h2>"));
    for (const char* absent : {"<h2>Verdicts</h2>", "<h2>Counts</h2>", "<h2>Records</h2>", "<script"})
        EXPECT_EQ(std::string::npos, html.find(absent)) << absent;
    EXPECT_NE(std::string::npos, MarkdownExporter().render(r).find("**PASS: no cases**"));
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
