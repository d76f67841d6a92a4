#include "core/perf_sections.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

TEST(PerfSections, ReadsTitleNoteFiguresTablesAndSamples) {
    const auto j = nlohmann::json::parse(R"({
      "launch": {"title": "Launch", "note": "n=3", "cpu_s_per_launch": 0.29, "samples_ms": [1, 2, 3],
                 "columns": ["concurrency", "launches/s"], "rows": [[1, 4.1], [2, 6.5]]}
    })");
    const auto s = perf_sections(j);
    ASSERT_EQ(1u, s.size());
    EXPECT_EQ("Launch", s[0].title);
    EXPECT_EQ("n=3", s[0].note);
    ASSERT_EQ(2u, s[0].tables.size());
    EXPECT_EQ((std::vector<std::string>{"figure", "value"}), s[0].tables[0].columns);
    EXPECT_EQ((std::vector<std::string>{"concurrency", "launches/s"}), s[0].tables[1].columns);
    ASSERT_EQ(1u, s[0].latency.size());
    EXPECT_EQ("launch", s[0].latency[0].name);
    EXPECT_TRUE(s[0].unparsed.empty());
}

TEST(PerfSections, ReadsObjectsOfSummariesAsOneRowPerKey) {
    const auto j = nlohmann::json::parse(R"({"per_case": {"a": {"n": 3, "p50": 10}, "b": {"n": 4, "p95": 20}}})");
    const auto s = perf_sections(j);
    ASSERT_EQ(1u, s[0].tables.size());
    EXPECT_EQ((std::vector<std::string>{"key", "n", "p50", "p95"}), s[0].tables[0].columns);
    EXPECT_TRUE(s[0].tables[0].rows[1][2].is_null());
}

TEST(PerfSections, ShowsUnknownShapesAsJsonInsteadOfFailing) {
    const auto j = nlohmann::json::parse(R"({"odd": {"nested": {"deep": {"x": {"y": 1}}}, "mixed": [1, "a"]}})");
    const auto s = perf_sections(j);
    EXPECT_EQ(R"({"mixed":[1,"a"],"nested":{"deep":{"x":{"y":1}}}})", s[0].unparsed);
    EXPECT_TRUE(perf_sections(nlohmann::json::array()).empty());
}

TEST(PerfSections, PutsBenchAndCapacitySectionsInReadingOrderAndTheRestAfterAlphabetically) {
    const auto j = nlohmann::json::parse(R"({"bench_host": 1, "zeta": 1, "bench_cpu": 1, "alpha": 1,
                                             "bench_latency": 1, "capacity_limits": 1, "capacity_concurrency": 1})");
    std::vector<std::string> keys;
    for (const auto& s : perf_sections(j)) keys.push_back(s.key);
    EXPECT_EQ((std::vector<std::string>{"bench_latency", "bench_cpu", "bench_host", "capacity_concurrency",
                                        "capacity_limits", "alpha", "zeta"}),
              keys);
}

TEST(Measurement, NamesBenchAndItsHelloLatencyAndCpu) {
    const auto j = nlohmann::json::parse(R"({
      "bench_latency": {"samples_ms": {"hello [base]": [100, 200, 300], "pass [base]": [1, 2, 3]}},
      "bench_cpu": {"host_cpu_s_per_launch": 0.29}})");
    const auto m = measurement(j);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ("bench", m->command);
    EXPECT_EQ("bench: launch p50 200 ms, p95 290 ms (hello [base], 3 launches) \xC2\xB7 0.29 host CPU-s per launch",
              m->headline);
}

TEST(Measurement, NamesCapacityAndItsPeakAgainstTheModel) {
    const auto j = nlohmann::json::parse(R"({"capacity_concurrency": {"columns": ["concurrency"], "rows": [[1]]},
      "capacity_model": {"peak_launches_per_s": 6.5, "peak_concurrency": 4, "predicted_launches_per_s": 6.9,
                         "cores": 2, "projected_launches_per_s": 55.2, "target_cores": 0}})");
    const auto m = measurement(j);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ("capacity", m->command);
    EXPECT_EQ("capacity: peak 6.50 launches/s at concurrency 4 \xC2\xB7 model 6.90 launches/s on 2 cores", m->headline);
}

TEST(Measurement, IsTheCommandAloneWithoutItsFigureAndNothingForARun) {
    EXPECT_EQ("bench", measurement(nlohmann::json::parse(R"({"bench_host": {"cores": 2}})"))->headline);
    EXPECT_EQ("capacity", measurement(nlohmann::json::parse(R"({"capacity_limits": {}})"))->headline);
    EXPECT_FALSE(measurement(nlohmann::json::parse(R"({"run_efficiency": {"wall_s": 1}})")).has_value());
    EXPECT_FALSE(measurement(nlohmann::json()).has_value());
}

TEST(PerfFigures, NamesEveryNumericFigure) {
    const auto j = nlohmann::json::parse(R"({
      "launch": {"cpu_s_per_launch": 0.29, "label": "x", "samples_ms": [1, 2],
                 "columns": ["concurrency", "launches/s"], "rows": [[1, 4.1], [2, 6.5]]},
      "sweep": [{"limit": "64m", "p50": 3}],
      "per_case": {"a": {"p50": 10}}
    })");
    const std::map<std::string, double> expected = {{"launch/cpu_s_per_launch", 0.29},
                                                    {"launch/1/launches/s", 4.1},
                                                    {"launch/2/launches/s", 6.5},
                                                    {"per_case/a/p50", 10},
                                                    {"sweep/64m/p50", 3}};
    EXPECT_EQ(expected, perf_figures(j));
    EXPECT_EQ((std::map<std::string, std::vector<double>>{{"launch", {1, 2}}}), latency_series(j));
}

TEST(FormatNumber, IsCompactAndLocaleIndependent) {
    EXPECT_EQ("236", format_number(236));
    EXPECT_EQ("236.4", format_number(236.41));
    EXPECT_EQ("6.50", format_number(6.5));
    EXPECT_EQ("0.29", format_number(0.29));
    EXPECT_EQ("\xE2\x80\x93", format_number(std::nan("")));
}

}  // namespace
}  // namespace sh
