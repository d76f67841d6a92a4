#include "core/history.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

Night night(std::string id, std::vector<NightResult> results, std::optional<double> efficiency = 1.2) {
    return Night{std::move(id), "2026-12-0" + std::string(1, id.back()) + "T02:00:00Z", "c", efficiency, std::move(results)};
}

TEST(History, ACaseWhoseVerdictChangedIsNamedWithItsVerdictsNightByNight) {
    const std::vector<Night> nights = {
        night("n1", {{"net.tcp", "base", 0, "probe", "contained", 90}, {"wl.hello", "base", 0, "workload", "pass", 200}}),
        night("n2", {{"net.tcp", "base", 0, "probe", "escaped", 95}, {"wl.hello", "base", 0, "workload", "pass", 300}}),
        night("n3", {{"net.tcp", "base", 0, "probe", "contained", 80}})};
    const auto changed = changed_cases(nights);
    ASSERT_EQ(2u, changed.size());
    EXPECT_EQ((std::vector<std::string>{"contained", "escaped", "contained"}), changed.at("net.tcp[base]"));
    EXPECT_EQ((std::vector<std::string>{"pass", "pass", "-"}), changed.at("wl.hello[base]"));  // gone on n3

    const auto s = history_sections(nights);
    const auto& rows = s["history_nights"]["rows"];
    ASSERT_EQ(3u, rows.size());
    EXPECT_EQ("n2", rows[1][1]);
    EXPECT_EQ(1, rows[1][3]);  // failing
    EXPECT_EQ(1, rows[1][4]);  // escaped
    EXPECT_EQ(300.0, rows[1][8]);  // the workloads' p50
    EXPECT_TRUE(rows[2][8].is_null());  // no workload that night
    EXPECT_TRUE(s.contains("history_unstable"));
}

TEST(History, ARepetitionThatFailsIsTheNightsVerdict) {
    const std::vector<Night> nights = {
        night("n1", {{"p", "base", 0, "probe", "contained", 1}, {"p", "base", 1, "probe", "contained", 1}}),
        night("n2", {{"p", "base", 0, "probe", "contained", 1}, {"p", "base", 1, "probe", "error", 1}})};
    EXPECT_EQ((std::vector<std::string>{"contained", "error"}), changed_cases(nights).at("p[base]"));
}

TEST(History, StableNightsHaveNoChangedSection) {
    const std::vector<Night> nights = {night("n1", {{"p", "base", 0, "probe", "contained", 1}}),
                                       night("n2", {{"p", "base", 0, "probe", "contained", 1}}, std::nullopt)};
    const auto s = history_sections(nights);
    EXPECT_FALSE(s.contains("history_unstable"));
    EXPECT_TRUE(s["history_nights"]["rows"][1][10].is_null());  // no efficiency known
}

}  // namespace
}  // namespace sh
