#include "core/run_owner.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

const RunOwner kSelf{"ci-host", "100", "pid:[4026531836]", "5000"};

bool orphan(const RunOwner& owner, double age_s, std::optional<std::string> live_start) {
    std::string why;
    return is_orphan(owner_labels(owner), age_s, kSelf,
                     [&](const std::string&) { return live_start; }, why);
}

TEST(RunOwner, AContainerOfALiveRunIsLeftAlone) {
    EXPECT_FALSE(orphan({"ci-host", "200", "pid:[4026531836]", "7000"}, 10, "7000"));
}

TEST(RunOwner, ADeadOwnerOrAReusedPidMakesAnOrphan) {
    EXPECT_TRUE(orphan({"ci-host", "200", "pid:[4026531836]", "7000"}, 10, std::nullopt));
    EXPECT_TRUE(orphan({"ci-host", "200", "pid:[4026531836]", "7000"}, 10, "9999"));  // PID reused
}

TEST(RunOwner, ARunInAnotherPidNamespaceOrOnAnotherHostIsNeverJudgedByPid) {
    // Two CI jobs in containers sharing the host's engine: the other job's PID is not ours to see.
    EXPECT_FALSE(orphan({"ci-host", "200", "pid:[4026532999]", "7000"}, 10, std::nullopt));
    EXPECT_FALSE(orphan({"other-host", "200", "pid:[4026531836]", "7000"}, 10, std::nullopt));
    // ... until it is older than any case can live.
    EXPECT_TRUE(orphan({"ci-host", "200", "pid:[4026532999]", "7000"}, kOrphanMaxAgeSeconds + 1, "7000"));
}

TEST(RunOwner, LabelsOfAnOlderHarnessWithoutTheNamespaceAreLeftUntilTheyAgeOut) {
    std::string why;
    const std::map<std::string, std::string> old = {{"sandbox-harness.host", "ci-host"}, {"sandbox-harness.pid", "200"}};
    EXPECT_FALSE(is_orphan(old, 10, kSelf, [](const std::string&) { return std::nullopt; }, why));
    EXPECT_TRUE(is_orphan(old, kOrphanMaxAgeSeconds + 1, kSelf, [](const std::string&) { return std::nullopt; }, why));
}

}  // namespace
}  // namespace sh
