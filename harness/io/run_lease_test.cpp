#include "io/run_lease.h"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

namespace sh {
namespace {

namespace fs = std::filesystem;

TEST(RunLease, IsThereWhileTheRunLivesAndGoneAfter) {
    const fs::path dir = fs::temp_directory_path() / ("lease-test-" + std::to_string(::getpid()));
    {
        RunLease lease(dir, "20261201t060000-abcd", {{"sandbox-harness.pid", "42"}, {"sandbox-harness.host", "h"}});
        EXPECT_EQ("", lease.problem());
        const auto leases = read_run_leases(dir);
        ASSERT_EQ(1u, leases.size());
        EXPECT_EQ("20261201t060000-abcd", leases[0].run_id);
        EXPECT_EQ("42", leases[0].labels.at("sandbox-harness.pid"));
        EXPECT_EQ("h", leases[0].labels.at("sandbox-harness.host"));
        EXPECT_LT(leases[0].age_s, 3600);
    }
    EXPECT_TRUE(read_run_leases(dir).empty());
    fs::remove_all(dir);
}

TEST(RunLease, AKilledRunsLeaseStaysUntilRemovedAndANonexistentDirectoryHoldsNone) {
    const fs::path dir = fs::temp_directory_path() / ("lease-test-k-" + std::to_string(::getpid()));
    EXPECT_TRUE(read_run_leases(dir).empty());
    // What a SIGKILL leaves: the file, never its destructor's removal.
    fs::create_directories(dir);
    std::ofstream(dir / "r1") << "sandbox-harness.pid=7\n";
    ASSERT_EQ(1u, read_run_leases(dir).size());
    remove_run_lease(dir, "r1");
    EXPECT_TRUE(read_run_leases(dir).empty());
    fs::remove_all(dir);
}

TEST(RunLease, ADirectoryThatCannotBeWrittenGivesAProblemNotAnException) {
    RunLease lease("/proc/no-such-dir", "r1", {{"k", "v"}});
    EXPECT_NE("", lease.problem());
}

}  // namespace
}  // namespace sh
