#include "io/host_files.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <unistd.h>

namespace sh {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class CgroupTree : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("sh-cgroup-test-" + std::to_string(::getpid()));
        fs::remove_all(root_);
    }
    void TearDown() override { fs::remove_all(root_); }
    fs::path make(const fs::path& rel, fs::file_time_type::duration age) {
        fs::create_directories(root_ / rel);
        fs::last_write_time(root_ / rel, fs::file_time_type::clock::now() - age);
        return root_ / rel;
    }
    fs::path root_;
};

TEST_F(CgroupTree, RemovesOnlyOldEmptyParentsUnderThePrefixInEveryHierarchy) {
    const auto old_memory = make("memory/sandbox-harness/sh-r1-0", 2h);
    const auto old_pids = make("pids/sandbox-harness/sh-r1-0", 2h);
    const auto old_v2 = make("sandbox-harness/sh-r1-1", 2h);
    const auto fresh = make("memory/sandbox-harness/sh-r2-0", 0s);  // a concurrent run's
    const auto busy = make("cpu/sandbox-harness/sh-r1-0", 2h);
    std::ofstream(busy / "tasks") << "123\n";  // a real cgroup with tasks cannot be removed: a file stands in
    fs::last_write_time(busy, fs::file_time_type::clock::now() - 2h);
    const auto other = make("memory/docker/abc", 2h);  // not ours

    const auto removed = remove_stale_cgroup_parents(root_, "/sandbox-harness", 10min);

    EXPECT_EQ(3u, removed.size());
    EXPECT_FALSE(fs::exists(old_memory));
    EXPECT_FALSE(fs::exists(old_pids));
    EXPECT_FALSE(fs::exists(old_v2));
    EXPECT_TRUE(fs::exists(fresh));
    EXPECT_TRUE(fs::exists(busy));
    EXPECT_TRUE(fs::exists(other));
}

TEST_F(CgroupTree, AMissingRootIsNothingToDo) {
    EXPECT_TRUE(remove_stale_cgroup_parents(root_ / "absent", "sandbox-harness", 10min).empty());
}

}  // namespace
}  // namespace sh
