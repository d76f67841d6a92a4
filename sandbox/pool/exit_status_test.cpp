#include "exit_status.h"

#include <gtest/gtest.h>

#include "pool_server.h"

namespace pool {
namespace {

TEST(ExitStatus, TheSlotClientsExitCodePassesThrough) {
    EXPECT_EQ(0, client_status(0 << 8));
    EXPECT_EQ(3, client_status(3 << 8));
    EXPECT_EQ(137, client_status(137 << 8));  // the script died of SIGKILL inside
    EXPECT_EQ(125, client_status(125 << 8));  // Docker's own failure
}

TEST(ExitStatus, AClientKilledByASignalIsAFailure) { EXPECT_EQ(kFailure, client_status(9)); }

TEST(ProfileInfo, TheLaunchersSlotInfoIsRead) {
    const auto info = parse_profile_info("timeout=2.5\nast_check=0\nruntime=runc\npool=/run/p.sock\nprofile_flags=run --rm a=b\n");
    EXPECT_EQ(2.5, info.timeout_seconds);
    EXPECT_FALSE(info.ast_check);
    EXPECT_EQ("/run/p.sock", info.pool);
    EXPECT_EQ("run --rm a=b", info.profile_flags);
}

TEST(ProfileInfo, AMissingKeyIsAnError) {
    EXPECT_THROW(parse_profile_info("timeout=2\nast_check=1\npool=\n"), std::runtime_error);
}

}  // namespace
}  // namespace pool
