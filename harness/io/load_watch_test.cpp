#include "io/load_watch.h"
#include "util/error.h"

#include <gtest/gtest.h>

#include <fstream>
#include <utility>
#include <vector>

#include <unistd.h>

namespace sh {
namespace {

namespace fs = std::filesystem;

/// A procfs tree with a stat file whose procs_running the test sets.
class FakeStat {
public:
    FakeStat() : root_(fs::temp_directory_path() / ("sh-loadwatch-" + std::to_string(::getpid()))) {
        fs::create_directories(root_);
        std::ofstream(root_ / "loadavg") << "0.50 0.40 0.30 1/100 999\n";
        set(1);
    }
    ~FakeStat() { fs::remove_all(root_); }
    void set(int running) {
        const fs::path tmp = root_ / "stat.tmp";
        std::ofstream(tmp) << "cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\ncpu1 1 1 1 1 1 1 1 1 0 0\n"
                           << "procs_running " << running << "\nprocs_blocked 0\n";
        fs::rename(tmp, root_ / "stat");
    }
    const fs::path& root() const { return root_; }

private:
    fs::path root_;
};

TEST(LoadWatch, AWindowHoldsTheSampleBeforeItAndEveryOneInside) {
    FakeStat proc;
    LoadWatch watch(proc.root(), std::chrono::milliseconds(0));  // only the samples the test takes
    proc.set(3);  // the sampler's own reading is taken off: 2 others
    watch.sample();
    const auto t0 = LoadWatch::Clock::now();
    proc.set(11);
    watch.sample();
    proc.set(7);
    watch.sample();
    const auto t1 = LoadWatch::Clock::now();
    proc.set(41);
    watch.sample();

    const auto w = watch.window(t0, t1);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->cores, 2);
    EXPECT_EQ(w->samples, 3) << "the one before t0, and two inside";
    EXPECT_DOUBLE_EQ(w->runnable_mean, (2 + 10 + 6) / 3.0);
    EXPECT_EQ(w->runnable_max, 10);

    const auto blink = watch.window(t1, t1);
    ASSERT_TRUE(blink) << "a case shorter than the interval still gets the last sample";
    EXPECT_EQ(blink->samples, 1);
    EXPECT_DOUBLE_EQ(blink->runnable_mean, 6);
}

TEST(LoadWatch, ATrackedCasesOwnRunnableTasksAreCountedApart) {
    FakeStat proc;
    // A v2 cgroup tree: the case's parent with its container below it, four tasks, three runnable.
    const fs::path cg = proc.root() / "cgroup";
    fs::create_directories(cg / "sh-runs/sh-r1-0/ctr");
    std::ofstream(cg / "cgroup.controllers") << "cpu memory pids\n";
    std::ofstream(cg / "sh-runs/sh-r1-0/cgroup.threads") << "";
    std::ofstream(cg / "sh-runs/sh-r1-0/ctr/cgroup.threads") << "101\n102\n103\n104\n";
    for (const auto& [tid, state] : std::vector<std::pair<std::string, char>>{{"101", 'R'}, {"102", 'S'}, {"103", 'R'}, {"104", 'R'}}) {
        fs::create_directories(proc.root() / tid);
        std::ofstream(proc.root() / tid / "stat") << tid << " (python3 (x)) " << state << " 1 1 1 0 -1\n";
    }
    EXPECT_EQ(3, count_runnable_in_cgroup(cg / "sh-runs/sh-r1-0", proc.root()));

    LoadWatch watch(proc.root(), std::chrono::milliseconds(0));
    proc.set(5);  // 4 others: one before the case was tracked
    watch.sample();
    const auto t0 = LoadWatch::Clock::now();
    watch.track("case", cg, "/sh-runs/sh-r1-0");
    proc.set(9);  // 8 runnable, 3 of them the case's own
    watch.sample();
    const auto t1 = LoadWatch::Clock::now();
    const auto w = watch.window(t0, t1, "case");
    ASSERT_TRUE(w);
    EXPECT_TRUE(w->own_counted);
    EXPECT_EQ(w->samples, 2);
    EXPECT_DOUBLE_EQ(w->runnable_mean, (4 + 8) / 2.0);
    EXPECT_DOUBLE_EQ(w->own_runnable_mean, (0 + 3) / 2.0);
    EXPECT_FALSE(watch.window(t0, t1, "another")->own_counted);
    watch.untrack("case");
    EXPECT_FALSE(watch.window(t0, t1, "case")->own_counted);
}

TEST(LoadWatch, AHostWithoutTheFileGivesNoFigures) {
    const fs::path nowhere = fs::temp_directory_path() / ("sh-loadwatch-none-" + std::to_string(::getpid()));
    LoadWatch watch(nowhere, std::chrono::milliseconds(0));
    watch.sample();
    EXPECT_FALSE(watch.window(LoadWatch::Clock::now() - std::chrono::seconds(5), LoadWatch::Clock::now()));
    EXPECT_THROW(read_procs_running(nowhere), Error);
}

TEST(LoadWatch, ReadsThisHost) { EXPECT_GE(read_procs_running(), 1) << "this test itself is running"; }

}  // namespace
}  // namespace sh
