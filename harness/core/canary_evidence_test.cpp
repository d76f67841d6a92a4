#include "core/canary_evidence.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

CanaryHit hit(std::uint64_t seq, std::optional<std::string> owner = std::nullopt, std::string payload = "x") {
    return {seq, "tcp", "127.0.0.1:40000", std::move(payload), 0, std::move(owner)};
}

CanaryWindow window(std::string label, std::string name, std::uint64_t first, std::optional<std::uint64_t> last,
                    std::optional<std::string> id = std::nullopt) {
    return {std::move(label), std::move(name), std::move(id), first, last};
}

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
    for (const auto& l : lines)
        if (l.find(text) != std::string::npos) return true;
    return false;
}

TEST(OwnedBy, MatchesTheContainerIdOrTheHarnessCgroupParentOnV1AndV2) {
    const auto w = window("a", "sh-run-3", 0, 1, std::string(64, 'f'));
    EXPECT_TRUE(owned_by("12:pids:/sandbox-harness/sh-run-3/" + std::string(64, 'f') + "\n", w));
    EXPECT_TRUE(owned_by("4:memory:/sandbox-harness/sh-run-3\n", w));
    EXPECT_TRUE(owned_by("0::/system.slice/docker-" + std::string(64, 'f') + ".scope\n", w));
    EXPECT_FALSE(owned_by("12:pids:/sandbox-harness/sh-run-33/abc\n", w));
    EXPECT_FALSE(owned_by("0::/user.slice/user-0.slice/session-1.scope\n", w));
}

TEST(Attribute, AHitWhileTheCaseAloneRanCountsAgainstItWhateverItCarries) {
    const std::vector<CanaryWindow> ws = {window("a", "sh-a", 0, 2)};
    const auto lines = attribute({hit(1, std::nullopt, ""), hit(2, std::nullopt, "junk, no token")}, ws, 0);
    ASSERT_EQ(2u, lines.size());
    EXPECT_TRUE(mentions(lines, "alone was running"));
}

TEST(Attribute, AHitOwnedByAnotherCasesContainerIsThatCasesOnlySoNoCaseCanBeFramed) {
    // b runs while a runs; b's container sends (whatever it claims in the payload).
    const std::vector<CanaryWindow> ws = {window("a", "sh-a", 2, 3), window("b", "sh-b", 2, 3)};
    const std::vector<CanaryHit> hits = {hit(3, "12:pids:/sandbox-harness/sh-b/123\n", "token-of-a")};
    EXPECT_TRUE(attribute(hits, ws, 0).empty());
    const auto b = attribute(hits, ws, 1);
    ASSERT_EQ(1u, b.size());
    EXPECT_TRUE(mentions(b, "sent by this case's container"));
}

TEST(Attribute, AHitNoEvidenceTiesToOneCaseCountsAgainstEveryCaseRunningThen) {
    const std::vector<CanaryWindow> ws = {window("a", "sh-a", 3, 4), window("b", "sh-b", 3, std::nullopt),
                                          window("c", "sh-c", 4, 5)};
    // 4: the sender closed its socket before the canary looked (no owner); 5: c's own.
    const std::vector<CanaryHit> hits = {hit(4), hit(5, "1:pids:/sh-c\n")};
    EXPECT_TRUE(mentions(attribute(hits, ws, 0), "not tied to one case: it arrived while a, b were running"));
    const auto c = attribute(hits, ws, 2);  // c opened after 4 arrived
    ASSERT_EQ(1u, c.size());
    EXPECT_TRUE(mentions(c, "sent by this case's container"));
}

TEST(Attribute, AnOwnerOutsideEveryCaseFallsBackToWhoWasRunning) {
    const std::vector<CanaryWindow> ws = {window("a", "sh-a", 0, 1)};
    const auto lines = attribute({hit(1, "0::/user.slice\n")}, ws, 0);
    ASSERT_EQ(1u, lines.size());
    EXPECT_TRUE(mentions(lines, "alone was running"));
}

TEST(Attribute, HitsBeyondTheKeptSampleAreCountedAgainstTheCase) {
    const std::vector<CanaryWindow> ws = {window("a", "sh-a", 10, 10010)};
    std::vector<CanaryHit> kept;
    for (std::uint64_t s = 11; s <= 20; ++s) kept.push_back(hit(s));
    const auto lines = attribute(kept, ws, 0);
    ASSERT_EQ(11u, lines.size());
    EXPECT_TRUE(mentions(lines, "9990 more hits arrived while this case was running"));
    // Many kept hits are summed up after the first few, so a flood cannot bloat the reports.
    kept.clear();
    for (std::uint64_t s = 11; s <= 1010; ++s) kept.push_back(hit(s));
    const auto flood = attribute(kept, ws, 0);
    ASSERT_EQ(18u, flood.size());
    EXPECT_TRUE(mentions(flood, "984 more hits like the above count against this case"));
    EXPECT_TRUE(mentions(flood, "9000 more hits arrived while this case was running"));
}

TEST(Attribute, AnEmptyWindowHasNoEvidence) {
    const std::vector<CanaryWindow> ws = {window("a", "sh-a", 7, 7)};
    EXPECT_TRUE(attribute({hit(7), hit(8)}, ws, 0).empty());
}

TEST(UnexplainedHits, HitsWhileNoCaseRanAreTheRunsSampledOrNot) {
    const std::vector<CanaryWindow> ws = {window("a", "sh-a", 2, 4), window("b", "sh-b", 6, 7)};
    // 1, 2 before a; 5, 6 between; 8, 9 after b.
    const auto lines = unexplained_hits({hit(1), hit(5), hit(3)}, ws, 9);
    ASSERT_EQ(3u, lines.size());
    EXPECT_TRUE(mentions(lines, "arrived while no case was running"));
    EXPECT_TRUE(mentions(lines, "4 more hits arrived while no case was running"));
    EXPECT_TRUE(unexplained_hits({}, ws, 0).empty());
}

TEST(CanaryLedger, WindowsRunFromOpenToCloseAndNeverBackwards) {
    CanaryLedger ledger;
    const auto a = ledger.open("a", "sh-a", 3);
    ledger.close(a, 2, std::string("id"));
    const auto ws = ledger.windows();
    ASSERT_EQ(1u, ws.size());
    EXPECT_EQ(3u, ws[0].first);
    EXPECT_EQ(3u, ws[0].last.value());
    EXPECT_EQ("id", ws[0].container_id.value());
}

}  // namespace
}  // namespace sh
