#include "coverage.h"

#include <gtest/gtest.h>

#include "test_fixture.h"

namespace sh {
namespace {

CoverageMatrix matrix() {
    CoverageMatrix m;
    m.controls = {"network", "memory", "read-only"};
    m.probes = {"fs.write-etc", "net.tcp-canary", "res.balloon"};
    m.cells[{"network", "net.tcp-canary"}] = Verdict::Escaped;
    m.cells[{"network", "fs.write-etc"}] = Verdict::Contained;
    m.cells[{"network", "res.balloon"}] = Verdict::Contained;
    m.cells[{"memory", "res.balloon"}] = Verdict::Escaped;
    m.cells[{"memory", "net.tcp-canary"}] = Verdict::Contained;
    m.cells[{"read-only", "fs.write-etc"}] = Verdict::Error;  // an error is not a catch
    m.cells[{"read-only", "net.tcp-canary"}] = Verdict::Contained;
    m.weakening_description = {{"network", "SANDBOX_NETWORK=bridge"},
                               {"memory", "SANDBOX_MEMORY=8g | no swap limit"},
                               {"read-only", "SANDBOX_READ_ONLY=0"}};
    return m;
}

TEST(Coverage, AControlIsUncoveredWhenNoProbeEscapesWithItWeakened) {
    EXPECT_EQ(std::vector<std::string>{"read-only"}, uncovered_controls(matrix()));
}

TEST(Coverage, AProbeThatNeverEscapesHasNoPositiveControl) {
    EXPECT_EQ(std::vector<std::string>{"fs.write-etc"}, probes_never_failing(matrix()));
}

TEST(Coverage, AnAcceptedRiskIsAnEscapeTheProbeReported) {
    CoverageMatrix m = matrix();
    m.cells[{"read-only", "fs.write-etc"}] = Verdict::AcceptedRisk;
    EXPECT_TRUE(probes_never_failing(m).empty());
    EXPECT_EQ(std::vector<std::string>{"read-only"}, uncovered_controls(m));  // but it catches no control
}

TEST(Coverage, CatchingTheAstRowIsNotAPositiveControl) {
    CoverageMatrix m = matrix();
    m.controls.push_back("ast");
    m.cells[{"ast", "fs.write-etc"}] = Verdict::Contained;
    m.caught.insert({"ast", "fs.write-etc"});  // stopped by the AST check by default, by the runtime without it
    EXPECT_EQ(std::vector<std::string>{"read-only"}, uncovered_controls(m));
    EXPECT_EQ(std::vector<std::string>{"fs.write-etc"}, probes_never_failing(m));
}

TEST(Coverage, AProbeCheckedByAHarnessTestIsListedApartNotAsNeverFailing) {
    CoverageMatrix m = matrix();
    m.checked_by["fs.write-etc"] = "tests/integration/check.sh";
    EXPECT_TRUE(probes_never_failing(m).empty());
    EXPECT_EQ("tests/integration/check.sh", coverage_json(m)["checked_by"]["fs.write-etc"]);
    EXPECT_NE(std::string::npos, coverage_markdown(m).find("fs.write-etc attacks the harness itself; its own report "
                                                           "cannot show an escape. Checked by: tests/integration/check.sh"));
    EXPECT_NE(std::string::npos, coverage_html(m).find("Checked by: tests/integration/check.sh</li>"));
}

TEST(Coverage, EmptyMatrixHasNoFindings) {
    EXPECT_TRUE(uncovered_controls(CoverageMatrix{}).empty());
    EXPECT_TRUE(probes_never_failing(CoverageMatrix{}).empty());
}

TEST(Coverage, BuildsCellsFromOneRunPerControlPreferringEscapes) {
    using fixture::make_record;
    RunReport net, mem;
    net.records = {make_record("net.tcp-canary", "network", "base", 0, Verdict::Contained, {}, 1),
                   make_record("net.tcp-canary", "network", "science", 0, Verdict::Escaped, {}, 1),
                   make_record("wl.hello", "benign", "base", 0, Verdict::Pass, {}, 1)};
    mem.records = {make_record("net.tcp-canary", "network", "base", 0, Verdict::Error, {}, 1),
                   make_record("net.tcp-canary", "network", "base", 1, Verdict::Contained, {}, 1)};
    const CoverageMatrix m = build_coverage({{"network", net}, {"memory", mem}});
    EXPECT_EQ((std::vector<std::string>{"network", "memory"}), m.controls);
    EXPECT_EQ(std::vector<std::string>{"net.tcp-canary"}, m.probes);
    EXPECT_EQ(Verdict::Escaped, m.cells.at({"network", "net.tcp-canary"}));
    EXPECT_EQ(Verdict::Error, m.cells.at({"memory", "net.tcp-canary"}));
}

TEST(Coverage, JsonListsCellsAndFindings) {
    const nlohmann::json j = coverage_json(matrix());
    EXPECT_EQ("escaped", j["cells"]["network"]["net.tcp-canary"]);
    EXPECT_FALSE(j["cells"]["memory"].contains("fs.write-etc"));
    EXPECT_EQ(nlohmann::json::array({"read-only"}), j["uncovered_controls"]);
    EXPECT_EQ(nlohmann::json::array({"fs.write-etc"}), j["probes_never_failing"]);
    EXPECT_EQ("SANDBOX_NETWORK=bridge", j["weakening"]["network"]);
}

TEST(Coverage, MarkdownMatchesGolden) { fixture::expect_golden("coverage.md", coverage_markdown(matrix())); }

TEST(Coverage, HtmlMarksUncoveredRowsAndSilentProbes) {
    const std::string html = coverage_html(matrix());
    EXPECT_NE(std::string::npos, html.find("<tr class=\"uncovered\"><th title=\"SANDBOX_READ_ONLY=0\">read-only</th>"));
    EXPECT_NE(std::string::npos, html.find("<th class=\"probe silent\"><span>fs.write-etc</span></th>"));
}

}  // namespace
}  // namespace sh
