#include "core/coverage.h"

#include <gtest/gtest.h>

#include "testing/report_fixture.h"

namespace sh {
namespace {

using fixture::coverage_matrix;

TEST(Coverage, AControlIsUncoveredWhenNoProbeEscapesWithItWeakened) {
    EXPECT_EQ(std::vector<std::string>{"read-only"}, uncovered_controls(coverage_matrix()));
}

TEST(Coverage, AProbeThatNeverEscapesHasNoPositiveControl) {
    EXPECT_EQ(std::vector<std::string>{"fs.write-etc"}, probes_never_failing(coverage_matrix()));
}

TEST(Coverage, AnAcceptedRiskIsAnEscapeTheProbeReported) {
    CoverageMatrix m = coverage_matrix();
    m.cells[{"read-only", "fs.write-etc"}] = Verdict::AcceptedRisk;
    EXPECT_TRUE(probes_never_failing(m).empty());
    EXPECT_EQ(std::vector<std::string>{"read-only"}, uncovered_controls(m));  // but it catches no control
}

TEST(Coverage, CatchingTheAstRowIsNotAPositiveControl) {
    CoverageMatrix m = coverage_matrix();
    m.controls.push_back("ast");
    m.cells[{"ast", "fs.write-etc"}] = Verdict::Contained;
    m.caught.insert({"ast", "fs.write-etc"});  // stopped by the AST check by default, by the runtime without it
    EXPECT_EQ(std::vector<std::string>{"read-only"}, uncovered_controls(m));
    EXPECT_EQ(std::vector<std::string>{"fs.write-etc"}, probes_never_failing(m));
}

TEST(Coverage, AProbeCheckedByAHarnessTestIsListedApartNotAsNeverFailing) {
    CoverageMatrix m = coverage_matrix();
    m.checked_by["fs.write-etc"] = "tests/integration/check.sh";
    EXPECT_TRUE(probes_never_failing(m).empty());
    EXPECT_EQ("tests/integration/check.sh", coverage_json(m)["checked_by"]["fs.write-etc"]);
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
    const nlohmann::json j = coverage_json(coverage_matrix());
    EXPECT_EQ("escaped", j["cells"]["network"]["net.tcp-canary"]);
    EXPECT_FALSE(j["cells"]["memory"].contains("fs.write-etc"));
    EXPECT_EQ(nlohmann::json::array({"read-only"}), j["uncovered_controls"]);
    EXPECT_EQ(nlohmann::json::array({"fs.write-etc"}), j["probes_never_failing"]);
    EXPECT_EQ("SANDBOX_NETWORK=bridge", j["weakening"]["network"]);
}

}  // namespace
}  // namespace sh
