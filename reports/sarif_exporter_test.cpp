#include "reports/exporter.h"

#include <set>

#include <gtest/gtest.h>

#include "testing/report_fixture.h"

namespace sh {
namespace {

nlohmann::json render(const RunReport& r) { return nlohmann::json::parse(SarifExporter().render(r)); }

const nlohmann::json* result_of(const nlohmann::json& sarif, const std::string& rule) {
    for (const auto& r : sarif["runs"][0]["results"])
        if (r["ruleId"] == rule) return &r;
    return nullptr;
}

TEST(SarifExporter, ARulePerCaseAndAResultPerCaseThatFailsTheRunOrIsAnAcceptedRisk) {
    RunReport report = fixture::fixture_report();
    for (auto& r : report.records) r.script = "attacks/" + r.family + "/" + r.case_id + ".py";
    const nlohmann::json s = render(report);
    EXPECT_EQ("2.1.0", s["version"]);
    const auto& run = s["runs"][0];
    std::set<std::string> ids;
    for (const auto& r : report.records) ids.insert(r.case_id);
    ASSERT_EQ(ids.size(), run["tool"]["driver"]["rules"].size());
    // escaped, error and fail give error results; the accepted risk a suppressed warning; nothing else.
    std::multiset<std::string> got;
    for (const auto& r : run["results"]) got.insert(r["ruleId"].get<std::string>());
    EXPECT_EQ((std::multiset<std::string>{"fs.write-etc", "kern.proc-kcore", "res.fork-bomb", "wl.numpy-sum"}), got);
    const auto* esc = result_of(s, "fs.write-etc");
    ASSERT_TRUE(esc);
    EXPECT_EQ("error", (*esc)["level"]);
    EXPECT_FALSE(esc->contains("suppressions"));
    EXPECT_EQ("attacks/filesystem/fs.write-etc.py",
              (*esc)["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]);
    EXPECT_EQ(run["tool"]["driver"]["rules"][(*esc)["ruleIndex"].get<std::size_t>()]["id"], "fs.write-etc");
    const auto* risk = result_of(s, "kern.proc-kcore");
    ASSERT_TRUE(risk);
    ASSERT_TRUE(risk->contains("suppressions"));
    EXPECT_EQ("accepted", (*risk)["suppressions"][0]["status"]);
    EXPECT_NE(std::string::npos, (*risk)["suppressions"][0]["justification"].get<std::string>().find("Known Weakness"));
}

TEST(SarifExporter, AnAlertKeepsItsFingerprintFromNightToNight) {
    RunReport monday = fixture::fixture_report(), tuesday = fixture::fixture_report();
    tuesday.meta.run_id = "another-night";
    for (auto& r : tuesday.records) r.judgement.reasons = {"another reason"};
    const nlohmann::json m = render(monday), t = render(tuesday);
    const auto* a = result_of(m, "fs.write-etc");
    const auto* b = result_of(t, "fs.write-etc");
    const auto* other = result_of(m, "res.fork-bomb");
    ASSERT_TRUE(a && b && other);
    EXPECT_EQ((*a)["partialFingerprints"], (*b)["partialFingerprints"]);
    EXPECT_NE((*a)["partialFingerprints"], (*other)["partialFingerprints"]);
}

}  // namespace
}  // namespace sh
