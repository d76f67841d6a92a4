#include "io/host_files.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace sh {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class HostFiles : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("sh-host-files-test-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        file_ = (dir_ / "watched").string();
        std::ofstream(file_) << "content";
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
    std::string file_;
};

TEST_F(HostFiles, AnUnchangedFileIsNotReported) {
    const auto before = fingerprint_all({file_, (dir_ / "absent").string()});
    EXPECT_TRUE(changed_files(before).empty());
}

TEST_F(HostFiles, ContentCreationAndRemovalAreChanges) {
    const std::string absent = (dir_ / "absent").string();
    const auto before = fingerprint_all({file_, absent});
    std::ofstream(file_) << "CONTENT";  // same size, other bytes
    std::ofstream(absent) << "x";
    const auto changed = changed_files(before);
    ASSERT_EQ(2u, changed.size());
    EXPECT_EQ(absent + ": created", changed[0]);
    EXPECT_EQ(file_ + ": content changed (7 -> 7 bytes)", changed[1]);
    const auto present = fingerprint_all({file_});
    fs::remove(file_);
    EXPECT_EQ(std::vector<std::string>{file_ + ": removed"}, changed_files(present));
}

TEST_F(HostFiles, AChmodASetuidBitAndAChownAreChangesToo) {
    fs::permissions(file_, fs::perms(0644));
    auto before = fingerprint_all({file_});
    fs::permissions(file_, fs::perms(04755));
    EXPECT_EQ(std::vector<std::string>{file_ + ": mode 0644 -> 4755"}, changed_files(before));
    if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
    before = fingerprint_all({file_});
    ASSERT_EQ(0, ::chown(file_.c_str(), 65534, 65534));
    const auto changed = changed_files(before);
    ASSERT_EQ(1u, changed.size());
    EXPECT_NE(std::string::npos, changed[0].find("owner 0:0 -> 65534:65534")) << changed[0];
}

TEST_F(HostFiles, AFifoIsFingerprintedWithoutBlocking) {
    const std::string fifo = (dir_ / "fifo").string();
    ASSERT_EQ(0, ::mkfifo(fifo.c_str(), 0600));
    const Fingerprint f = fingerprint(fifo);  // would block forever if it were opened for reading
    EXPECT_TRUE(f.exists);
    EXPECT_EQ(0u, f.hash);
    EXPECT_TRUE(changed_files({{fifo, f}}).empty());
}

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
