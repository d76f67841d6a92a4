// The kernel log against real containers: a container its memory limit kills is in it, by its
// id; one that ends with the same exit status after a SIGKILL of its own (a child shell kills
// itself: PID 1 cannot) is not. These are the
// positive and negative controls of the evidence that stands in for a lost engine "oom" event.
#include "io/kernel_log.h"

#include <gtest/gtest.h>

#include "testing/engine_fixture.h"

namespace sh {
namespace {

using namespace fixture;
using nlohmann::json;

std::optional<std::string> kernel_log_unreadable(const KernelLog& log) {
    if (!log.unavailable()) return std::nullopt;
    return "a readable kernel log (" + *log.unavailable() + "; run as root)";
}

/// Runs `cmd` as nobody with 32 MiB of memory and no swap; returns its id and exit status.
std::pair<std::string, int> run_limited(const std::string& image, const std::vector<std::string>& cmd,
                                        const std::string& name, ContainerGuard& guard) {
    DockerClient client;
    const json body = {
        {"Image", image},
        {"Cmd", cmd},
        {"User", "65534:65534"},
        {"Labels", {{"sandbox-harness.test", "1"}, {"sandbox-harness.run", name}}},
        {"HostConfig", {{"NetworkMode", "none"}, {"CapDrop", {"ALL"}}, {"Memory", 32 << 20},
                        {"MemorySwap", 32 << 20}, {"LogConfig", {{"Type", "none"}, {"Config", json::object()}}}}}};
    guard.id = client.create_container(body, name);
    client.start_container(guard.id);
    const int status = client.wait_container(guard.id);
    return {guard.id, status};
}

TEST(KernelLogEngine, AKillByTheMemoryLimitIsLoggedByIdAndASelfKillIsNot) {
    SH_REQUIRE(engine_missing());
    std::string image;
    SH_REQUIRE(find_image(image));
    KernelLog log;
    SH_REQUIRE(kernel_log_unreadable(log));

    ContainerGuard hog_guard, self_guard;
    // tail keeps the last lines of a file that has no newline: it grows until the limit kills it.
    const auto [hog, hog_status] = run_limited(image, {"tail", "/dev/zero"}, unique_run_id() + "-hog", hog_guard);
    EXPECT_EQ(137, hog_status);
    const auto kill = log.oom_kill_by_limit_of(hog);
    ASSERT_TRUE(kill.has_value()) << "no oom-kill record for " << hog;
    EXPECT_EQ("CONSTRAINT_MEMCG", kill->constraint);
    EXPECT_EQ("tail", kill->task);

    const auto [self, self_status] = run_limited(image, {"/bin/sh", "-c", R"(sh -c 'kill -KILL $$'; exit $?)"},
                                                   unique_run_id() + "-self", self_guard);
    EXPECT_EQ(137, self_status);
    EXPECT_FALSE(log.oom_kill_by_limit_of(self)) << "a self-inflicted SIGKILL was taken for an OOM kill";
    EXPECT_TRUE(log.oom_kill_by_limit_of(hog));  // still known
}

}  // namespace
}  // namespace sh
