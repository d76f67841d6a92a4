#include "io/host_files.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>
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

    const auto removed = sweep_stale_cgroup_parents(root_, "/sandbox-harness", 10min).removed;

    EXPECT_EQ(3u, removed.size());
    EXPECT_FALSE(fs::exists(old_memory));
    EXPECT_FALSE(fs::exists(old_pids));
    EXPECT_FALSE(fs::exists(old_v2));
    EXPECT_TRUE(fs::exists(fresh));
    EXPECT_TRUE(fs::exists(busy));
    EXPECT_TRUE(fs::exists(other));
}

TEST_F(CgroupTree, AMissingRootIsNothingToDo) {
    EXPECT_TRUE(sweep_stale_cgroup_parents(root_ / "absent", "sandbox-harness", 10min).removed.empty());
}

// ---- cgroup v2, against copies of tests/data/cgroup-v2 ------------------------------------------

const fs::path kCgroupV2 = fs::path(SH_TESTDATA_DIR) / "cgroup-v2";
const std::string kPrefix = "/sandbox-harness";
const std::string kDone = "sh-20250601t120000-0a1b-0";       // a finished case
const std::string kDeadBusy = "sh-20250530t080000-9f9f-3";   // a killed run's parent, tasks left
const std::string kDeadEmpty = "sh-20250530t080000-9f9f-4";  // a killed run's parent, empty (6.8 only)

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<fs::path> sorted(std::vector<fs::path> v) {
    std::sort(v.begin(), v.end());
    return v;
}

class CgroupV2 : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("sh-cgroup-v2-test-" + std::to_string(::getpid()));
        fs::remove_all(root_);
    }
    void TearDown() override { fs::remove_all(root_); }
    /// A copy of the named fixture tree at root_, with every case parent 2 h old.
    void copy(const std::string& tree) {
        fs::copy(kCgroupV2 / tree, root_, fs::copy_options::recursive);
        for (const auto& entry : fs::directory_iterator(root_ / "sandbox-harness"))
            if (entry.is_directory()) fs::last_write_time(entry.path(), fs::file_time_type::clock::now() - 2h);
    }
    fs::path parent(const std::string& name) const { return root_ / "sandbox-harness" / name; }
    fs::path root_;
};

TEST_F(CgroupV2, TheLayoutIsToldByTheFilesTheKernelPutsThere) {
    EXPECT_EQ(CgroupLayout::none, detect_cgroup_layout(root_));  // absent
    copy("linux-6.8");
    EXPECT_EQ(CgroupLayout::v2, detect_cgroup_layout(root_));
    fs::remove_all(root_);
    copy("linux-5.10");
    EXPECT_EQ(CgroupLayout::v2, detect_cgroup_layout(root_));
    fs::remove_all(root_);
    fs::create_directories(root_ / "memory");
    EXPECT_EQ(CgroupLayout::none, detect_cgroup_layout(root_));  // a directory alone is not a hierarchy
    std::ofstream(root_ / "memory" / "tasks") << "1\n";
    EXPECT_EQ(CgroupLayout::v1, detect_cgroup_layout(root_));
    fs::create_directories(root_ / "unified");
    std::ofstream(root_ / "unified" / "cgroup.controllers") << "";  // systemd's, without controllers
    EXPECT_EQ(CgroupLayout::hybrid, detect_cgroup_layout(root_));
}

TEST_F(CgroupV2, TheMemoryPeakIsMemoryPeakAndOnlyTheOneDirectoryIsRemoved) {
    copy("linux-6.8");
    // A directory of the same name in another subtree is not a hierarchy of its own on v2.
    fs::create_directories(root_ / "init.scope" / "sandbox-harness" / kDone);
    EXPECT_EQ(std::vector<fs::path>{parent(kDone)}, cgroup_parent_dirs(root_, kPrefix + "/" + kDone));
    std::string note;
    EXPECT_EQ(73400320.0, take_memory_peak(root_, kPrefix + "/" + kDone, note));
    EXPECT_EQ("", note);
    EXPECT_TRUE(fs::exists(root_ / "init.scope" / "sandbox-harness" / kDone));
}

TEST_F(CgroupV2, BeforeLinux519ThereIsNoPeakAndTheNoteSaysSoRatherThanGuess) {
    copy("linux-5.10");
    std::string note;
    EXPECT_EQ(std::nullopt, take_memory_peak(root_, kPrefix + "/" + kDone, note));
    EXPECT_EQ("memory peak: no memory.peak in " + parent(kDone).string() +
                  " (cgroup v2 keeps one from Linux 5.19 on; memory.current after the exit is no peak): not reported",
              note);
}

TEST_F(CgroupV2, WithoutTheMemoryControllerOrTheCgroupTheNoteSaysWhich) {
    copy("linux-6.8");
    for (const char* f : {"memory.current", "memory.max", "memory.peak"}) fs::remove(parent(kDone) / f);
    std::string note;
    EXPECT_EQ(std::nullopt, take_memory_peak(root_, kPrefix + "/" + kDone, note));
    EXPECT_EQ("memory peak: no memory.* files in " + parent(kDone).string() +
                  ": the memory controller is not enabled for it (cgroup.subtree_control of its parent)",
              note);
    EXPECT_EQ(std::nullopt, take_memory_peak(root_, kPrefix + "/sh-gone-0", note));
    EXPECT_EQ("memory peak: no cgroup " + parent("sh-gone-0").string(), note);
}

TEST_F(CgroupV2, OnV1AndHybridThePeakIsMaxUsageAndEveryHierarchyIsRemoved) {
    const std::string rel = "sandbox-harness/sh-r1-0";
    for (const char* h : {"memory", "pids", "unified"}) fs::create_directories(root_ / h / rel);
    std::ofstream(root_ / "memory" / "tasks") << "1\n";
    std::ofstream(root_ / "pids" / "tasks") << "1\n";
    std::ofstream(root_ / "unified" / "cgroup.controllers") << "";
    std::ofstream(root_ / "memory" / rel / "memory.max_usage_in_bytes") << "123456\n";
    ASSERT_EQ(CgroupLayout::hybrid, detect_cgroup_layout(root_));
    EXPECT_EQ(sorted({root_ / "memory" / rel, root_ / "pids" / rel, root_ / "unified" / rel}),
              sorted(cgroup_parent_dirs(root_, "/" + rel)));
    std::string note;
    EXPECT_EQ(123456.0, take_memory_peak(root_, "/" + rel, note));
    EXPECT_EQ("", note);
    EXPECT_FALSE(fs::exists(root_ / "pids" / rel));
    EXPECT_FALSE(fs::exists(root_ / "unified" / rel));
    EXPECT_TRUE(fs::exists(root_ / "memory" / rel));  // a file stands in for the kernel's refusal
}

TEST_F(CgroupV2, ADryRunSweepListsWhatWouldBeKilledAndRemovedAndTouchesNothing) {
    copy("linux-6.8");
    fs::create_directories(parent("sh-20250601t120000-0a1b-1"));  // a concurrent run's, just created
    const CgroupSweep sweep = sweep_stale_cgroup_parents(root_, kPrefix, 10min, 0ms, /*dry_run=*/true);
    EXPECT_EQ(sorted({parent(kDone), parent(kDeadBusy), parent(kDeadEmpty)}), sorted(sweep.removed));
    EXPECT_EQ(std::vector<fs::path>{parent(kDeadBusy)}, sweep.killed);
    EXPECT_TRUE(sweep.kept.empty()) << sweep.kept.front();
    EXPECT_EQ("", slurp(parent(kDeadBusy) / "cgroup.kill"));
    EXPECT_TRUE(fs::exists(parent(kDeadEmpty)));
}

TEST_F(CgroupV2, WithoutCgroupKillAParentWithTasksIsLeftAndTheSweepSaysWhy) {
    copy("linux-5.10");
    const CgroupSweep sweep = sweep_stale_cgroup_parents(root_, kPrefix, 10min, 0ms, /*dry_run=*/true);
    EXPECT_EQ(std::vector<fs::path>{parent(kDone)}, sweep.removed);
    EXPECT_TRUE(sweep.killed.empty());
    EXPECT_EQ(std::vector<std::string>{parent(kDeadBusy).string() +
                                       ": tasks left and no cgroup.kill (Linux before 5.14): not killed, so not removed"},
              sweep.kept);
}

TEST_F(CgroupV2, ASweepKillsThroughCgroupKillOnlyWhereTasksAreLeftAndWaitsForThemToGo) {
    copy("linux-6.8");
    const CgroupSweep sweep = sweep_stale_cgroup_parents(root_, kPrefix, 10min, 0ms);
    EXPECT_EQ("1", slurp(parent(kDeadBusy) / "cgroup.kill"));
    EXPECT_EQ("", slurp(parent(kDone) / "cgroup.kill"));
    EXPECT_EQ("", slurp(parent(kDeadEmpty) / "cgroup.kill"));
    EXPECT_EQ(std::vector<fs::path>{parent(kDeadBusy)}, sweep.killed);
    // Here no kernel empties the cgroup, and a plain directory with files in it cannot be removed.
    const std::vector<std::string> kept = {parent(kDeadBusy).string() + ": tasks still there 0 ms after cgroup.kill",
                                           parent(kDeadEmpty).string() + ": rmdir: Directory not empty",
                                           parent(kDone).string() + ": rmdir: Directory not empty"};
    std::vector<std::string> got = sweep.kept;
    std::sort(got.begin(), got.end());
    std::vector<std::string> want = kept;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(want, got);
    EXPECT_TRUE(sweep.removed.empty());
}

TEST_F(CgroupV2, OnceTheKilledTasksAreGoneTheSweepGoesOnToRemoveTheParent) {
    copy("linux-6.8");
    const fs::path busy = parent(kDeadBusy);
    // Stands in for the kernel: once "1" is written to cgroup.kill, the tasks exit.
    std::thread kernel([&] {
        for (int i = 0; i < 5000 && slurp(busy / "cgroup.kill") != "1"; ++i) std::this_thread::sleep_for(1ms);
        std::ofstream(busy / "cgroup.events") << "populated 0\nfrozen 0\n";
    });
    const CgroupSweep sweep = sweep_stale_cgroup_parents(root_, kPrefix, 10min, 5s);
    kernel.join();
    EXPECT_EQ(std::vector<fs::path>{busy}, sweep.killed);
    EXPECT_NE(sweep.kept.end(),
              std::find(sweep.kept.begin(), sweep.kept.end(), busy.string() + ": rmdir: Directory not empty"));
}

}  // namespace
}  // namespace sh
