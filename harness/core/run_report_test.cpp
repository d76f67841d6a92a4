#include "core/run_report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "testing/report_fixture.h"

namespace sh {
namespace {

TEST(SummarizeRecords, CountsByVerdictKindFamilyAndImage) {
    const RunSummary s = summarize(fixture::fixture_report().records);
    EXPECT_EQ(10u, s.total);
    EXPECT_EQ(4u, s.by_verdict.at(Verdict::Contained));
    EXPECT_EQ(1u, s.by_verdict.at(Verdict::Escaped));
    EXPECT_EQ(1u, s.by_verdict.at(Verdict::Skipped));
    EXPECT_EQ(8u, s.by_verdict.size()) << "every verdict is listed, zeros included";
    EXPECT_EQ(1u, s.by_kind.at("workload").at(Verdict::Pass));
    EXPECT_EQ(2u, s.by_family.at("resource").at(Verdict::Contained));
    EXPECT_EQ(2u, s.by_image.at("science").size());
    EXPECT_DOUBLE_EQ(240.5 + 310.25 + 412 + 205.75 + 520 + 10020 + 890 + 640 + 660, s.wall_ms_total);
    EXPECT_FALSE(all_clear(s));
}

TEST(SummarizeRecords, EmptyRunIsClear) {
    const RunSummary s = summarize(std::vector<Record>{});
    EXPECT_EQ(0u, s.total);
    EXPECT_TRUE(all_clear(s));
    EXPECT_EQ("PASS: no cases", headline(s, false));
}

TEST(Headline, ListsVerdictsWorstFirst) {
    EXPECT_EQ("FAIL: 10 cases (1 escaped, 1 fail, 1 error, 1 accepted-risk, 1 skipped, 4 contained, 1 pass)",
              headline(summarize(fixture::fixture_report().records), false));
}

TEST(Headline, SaysWhenTheRunWasInterrupted) {
    std::vector<Record> one = {fixture::make_record("a", "benign", "base", 0, Verdict::Pass, {}, 1)};
    EXPECT_EQ("INTERRUPTED PASS: 1 case (1 pass)", headline(summarize(one), true));
}

TEST(SortedRecords, OrdersByCaseImageAndRepetition) {
    const RunReport r = fixture::fixture_report();
    const auto sorted = sorted_records(r.records);
    ASSERT_EQ(10u, sorted.size());
    EXPECT_EQ("fs.write-etc[base]#0", case_label(*sorted[0]));
    EXPECT_EQ("res.memory-balloon[base]#0", case_label(*sorted[6]));
    EXPECT_EQ("res.memory-balloon[base]#1", case_label(*sorted[7]));
}

TEST(Evidence, PutsReasonsFirstThenOutsideEvidence) {
    const RunReport r = fixture::fixture_report();
    const auto ev = evidence(r.records[2]);  // fs.write-etc
    const std::vector<std::string> expected = {
        "report: escaped true (wrote /etc/x) <script>alert(1)</script>",
        "host file changed",
        "flag drift HostConfig.ReadonlyRootfs: expected true, actual false",
        "canary hit: tcp 127.0.0.1:40001 from 172.17.0.2: token-abc ]]> |x|",
        "host file changed: /etc/x: size 0 -> 12"};
    EXPECT_EQ(expected, ev);
}

TEST(Evidence, NamesANonZeroExitAndTheProbeDetailOnlyWhenNoReasonQuotesIt) {
    Record r = fixture::make_record("a", "network", "base", 0, Verdict::Error, {"no report line"}, 1, 137);
    r.judgement.report = ProbeReport{false, "connect refused", {}};
    EXPECT_EQ((std::vector<std::string>{"no report line", "launcher exit code 137", "probe says: connect refused"}),
              evidence(r));
    r.judgement.reasons = {"the probe reports: connect refused"};
    r.launch.exit_code = 0;
    r.observation.exit_code = 0;
    EXPECT_EQ(std::vector<std::string>{"the probe reports: connect refused"}, evidence(r));
}

TEST(StreamExcerpt, SaysHowMuchWasCapturedAndShown) {
    LaunchResult l;
    l.stdout_text = std::string(kReportOutputCap + 10, 'x');
    l.stdout_bytes = 1000000;
    l.stdout_truncated = true;
    const StreamExcerpt e = stdout_excerpt(l);
    EXPECT_EQ(fmt::format("stdout: 1000000 bytes, first {} shown", kReportOutputCap), e.heading);
    EXPECT_EQ(kReportOutputCap, e.text.size());
    l.stderr_text = "oops\n";
    l.stderr_bytes = 5;
    EXPECT_EQ("stderr: 5 bytes", stderr_excerpt(l).heading);
}

TEST(ProfileLabel, PrefersTheRecordsProfileNameThenTheFileStem) {
    RunReport r = fixture::fixture_report();
    EXPECT_EQ("default", profile_label(r));
    r.records.clear();
    EXPECT_EQ("default", profile_label(r));  // from /src/sandbox/profiles/default.env
    r.meta.profile_path.clear();
    EXPECT_EQ("20260101T000000Z-fixture", profile_label(r));
}

}  // namespace
}  // namespace sh
