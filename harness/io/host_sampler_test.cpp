#include "io/host_sampler.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace sh {
namespace {
namespace fs = std::filesystem;

const fs::path kFakeProc = fs::path(SH_TESTDATA_DIR) / "proc";

double ticks(double n) { return n / static_cast<double>(sysconf(_SC_CLK_TCK)); }

double by_name(const EngineCpu& e, const std::string& name) {
    for (const auto& [n, s] : e.by_process)
        if (n == name) return s;
    return -1;
}

TEST(ReadProcCpu, ParsesTimesParentAndACommWithParentheses) {
    const auto p = read_proc_cpu(kFakeProc, 106);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ("my (weird) proc", p->comm);
    EXPECT_EQ(1, p->ppid);
    EXPECT_DOUBLE_EQ(ticks(10), p->self_s);
    EXPECT_EQ(100u, p->starttime);
    const auto d = read_proc_cpu(kFakeProc, 100);
    ASSERT_TRUE(d.has_value());
    EXPECT_DOUBLE_EQ(ticks(1500), d->self_s);
    EXPECT_DOUBLE_EQ(ticks(500), d->children_s);
}

TEST(ReadProcCpu, AGoneProcessIsNullopt) {
    EXPECT_FALSE(read_proc_cpu(kFakeProc, 109).has_value());
    EXPECT_FALSE(read_proc_cpu(kFakeProc, 4242).has_value());
}

TEST(IsEngineProcess, KnowsTheStackButNotTheClient) {
    for (const char* c : {"dockerd", "containerd", "containerd-shim", "runc", "runc:[1:CHILD]", "docker-init",
                          "docker-proxy"})
        EXPECT_TRUE(is_engine_process(c)) << c;
    for (const char* c : {"docker", "python3", "containerd2", "runcx", ""}) EXPECT_FALSE(is_engine_process(c)) << c;
}

TEST(SampleEngineCpu, SumsOwnAndReapedChildrenTimeOfLiveEngineProcesses) {
    const EngineCpu e = sample_engine_cpu(kFakeProc);
    EXPECT_NEAR(ticks(2932), e.seconds, 1e-9);
    ASSERT_EQ(4u, e.by_process.size());
    EXPECT_EQ("containerd", e.by_process[0].first);
    EXPECT_NEAR(ticks(800), by_name(e, "containerd"), 1e-9);
    EXPECT_NEAR(ticks(100), by_name(e, "containerd-shim"), 1e-9);
    EXPECT_NEAR(ticks(2020), by_name(e, "dockerd"), 1e-9);  // daemon + an OCI hook
    EXPECT_NEAR(ticks(12), by_name(e, "runc"), 1e-9);       // runc + runc:[2:INIT]
}

TEST(EngineCpuDelta, SubtractsPerName) {
    const EngineCpu before{1.0, {{"containerd", 0.25}, {"dockerd", 0.75}}};
    const EngineCpu after{1.75, {{"containerd", 0.5}, {"containerd-shim", 0.25}, {"dockerd", 1.0}}};
    const EngineCpu d = engine_cpu_delta(before, after);
    EXPECT_DOUBLE_EQ(0.75, d.seconds);
    EXPECT_DOUBLE_EQ(0.25, by_name(d, "containerd"));
    EXPECT_DOUBLE_EQ(0.25, by_name(d, "containerd-shim"));
    EXPECT_DOUBLE_EQ(0.25, by_name(d, "dockerd"));
}

/// A writable fake procfs for the tracker, removed at the end of the test.
class FakeProc {
public:
    FakeProc() : root_(fs::temp_directory_path() / ("sh-fakeproc-" + std::to_string(getpid()))) {
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    ~FakeProc() { fs::remove_all(root_); }
    /// Files are replaced atomically, as procfs reads are: a poller never sees half a line.
    void set(int pid, const std::string& comm, int ppid, int utime, int stime, int cutime, int cstime, int start) {
        const fs::path dir = root_ / std::to_string(pid);
        fs::create_directories(dir);
        write(dir / "comm", comm + "\n");
        write(dir / "stat", std::to_string(pid) + " (" + comm + ") S " + std::to_string(ppid) +
                                " 0 0 0 -1 0 0 0 0 0 " + std::to_string(utime) + " " + std::to_string(stime) + " " +
                                std::to_string(cutime) + " " + std::to_string(cstime) + " 20 0 1 0 " +
                                std::to_string(start) + " 0 0\n");
    }
    void exit(int pid) { fs::remove_all(root_ / std::to_string(pid)); }
    const fs::path& root() const { return root_; }

private:
    static void write(const fs::path& p, const std::string& text) {
        const fs::path tmp = p.string() + ".tmp";
        std::ofstream(tmp) << text;
        fs::rename(tmp, p);
    }
    fs::path root_;
};

TEST(EngineCpuTracker, KeepsTheLastSeenCpuOfExitedShimsButNotOfReapedChildren) {
    FakeProc proc;
    proc.set(10, "dockerd", 1, 100, 0, 0, 0, 1);
    proc.set(11, "containerd", 10, 50, 0, 0, 0, 2);
    proc.set(12, "bash", 1, 70, 0, 0, 0, 3);
    proc.set(20, "containerd-shim", 1, 5, 0, 0, 0, 100);  // daemonised: reaped by PID 1
    proc.set(21, "runc", 20, 3, 0, 0, 0, 101);
    EngineCpuTracker t(proc.root());
    t.poll();
    EXPECT_NEAR(ticks(158), t.total().seconds, 1e-9);

    // runc exits and the shim reaps it (its 4 ticks move into the shim's cutime).
    proc.exit(21);
    proc.set(20, "containerd-shim", 1, 8, 0, 4, 0, 100);
    t.poll();
    EXPECT_NEAR(ticks(162), t.total().seconds, 1e-9);

    // The shim exits: PID 1 reaps it, the tracker keeps what it last saw.
    proc.exit(20);
    proc.set(10, "dockerd", 1, 110, 0, 0, 0, 1);
    t.poll();
    EXPECT_NEAR(ticks(172), t.total().seconds, 1e-9);
    EXPECT_NEAR(ticks(12), by_name(t.total(), "containerd-shim"), 1e-9);

    // A new shim reusing pid 20 (another start time) is a new process.
    proc.set(20, "containerd-shim", 1, 2, 0, 0, 0, 500);
    t.poll();
    EXPECT_NEAR(ticks(174), t.total().seconds, 1e-9);
    EXPECT_NEAR(ticks(14), by_name(t.total(), "containerd-shim"), 1e-9);
}

TEST(KernelThreadsCpu, CountsKthreaddAndItsChildrenIncludingNewOnes) {
    FakeProc proc;
    proc.set(2, "kthreadd", 0, 1, 0, 0, 0, 1);
    proc.set(30, "kworker/u8:1-writeback", 2, 40, 10, 0, 0, 5);
    proc.set(31, "jbd2/vda-8", 2, 0, 20, 0, 0, 6);
    proc.set(40, "dockerd", 1, 500, 0, 0, 0, 7);       // not a kernel thread
    proc.set(41, "bash", 40, 9, 0, 0, 0, 8);
    const KernelThreadsCpu before = sample_kernel_threads_cpu(proc.root());
    EXPECT_EQ(3u, before.size());

    proc.set(30, "kworker/u8:1-writeback", 2, 60, 10, 0, 0, 5);  // +20
    proc.set(31, "jbd2/vda-8", 2, 0, 25, 0, 0, 6);                // +5
    proc.set(32, "kworker/0:2-cgroup_release", 2, 3, 4, 0, 0, 90);  // new: all of its 7
    proc.set(40, "dockerd", 1, 900, 0, 0, 0, 7);
    EXPECT_NEAR(ticks(32), kernel_threads_cpu_delta(before, sample_kernel_threads_cpu(proc.root())), 1e-9);

    // A kworker that exited takes its time with it; one reusing its pid is a new thread.
    proc.exit(32);
    proc.set(30, "kworker/u8:1-writeback", 2, 1, 0, 0, 0, 200);
    EXPECT_NEAR(ticks(1 + 5), kernel_threads_cpu_delta(before, sample_kernel_threads_cpu(proc.root())), 1e-9);
}

TEST(EngineCpuWatch, ReportsTheEngineCpuSpentWhileItRan) {
    FakeProc proc;
    proc.set(10, "dockerd", 1, 100, 0, 0, 0, 1);
    EngineCpuWatch watch(proc.root(), std::chrono::milliseconds(1));
    proc.set(10, "dockerd", 1, 130, 0, 0, 0, 1);
    const EngineCpu d = watch.stop();
    EXPECT_NEAR(ticks(30), d.seconds, 1e-9);
    EXPECT_NEAR(ticks(30), watch.stop().seconds, 1e-9);
}

TEST(SampleHostLoad, ReadsLoadAverageAndCountsCpus) {
    const HostLoad h = sample_host_load(kFakeProc);
    EXPECT_DOUBLE_EQ(0.52, h.load1);
    EXPECT_DOUBLE_EQ(0.38, h.load5);
    EXPECT_DOUBLE_EQ(0.30, h.load15);
    EXPECT_EQ(2, h.cores);
}

TEST(SampleHostLoad, NamesTheFileItCannotRead) {
    try {
        sample_host_load(kFakeProc / "100");
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_EQ("cannot read " + (kFakeProc / "100" / "loadavg").string() + ": No such file or directory",
                  std::string(e.what()));
    }
}

TEST(SampleHostLoad, AFileThatCannotBeReadIsNamedWithTheReadsOwnError) {
    const fs::path root = fs::temp_directory_path() / ("sh-sampler-test-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "loadavg");  // opens, then read(2) fails: EISDIR
    try {
        sample_host_load(root);
        ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ("cannot read " + (root / "loadavg").string() + ": Is a directory", std::string(e.what()));
    }
    fs::remove_all(root);
}

std::size_t open_fds() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

TEST(HostSampler, LeavesNoDescriptorOpenOnAnyPath) {
    const fs::path root = fs::temp_directory_path() / ("sh-sampler-fd-test-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "loadavg");
    const std::size_t before = open_fds();
    EngineCpuTracker tracker(kFakeProc);
    for (int i = 0; i < 100; ++i) {
        sample_engine_cpu(kFakeProc);           // a scan: one DIR*, one fd per comm and stat
        sample_engine_cpu(root / "absent");     // opendir fails
        tracker.poll();
        EXPECT_FALSE(read_proc_cpu(kFakeProc, 109).has_value());  // open fails
        EXPECT_THROW(sample_host_load(root), std::runtime_error);  // read fails
    }
    EXPECT_EQ(before, open_fds());
    fs::remove_all(root);
}

TEST(SampleCpu, SplitsTheAggregateLineIntoBusyAndIdle) {
    const CpuSnapshot s = sample_cpu(kFakeProc);
    EXPECT_EQ(1485u, s.busy);  // user+nice+system+irq+softirq+steal; guest is inside user
    EXPECT_EQ(8100u, s.idle);  // idle+iowait
}

TEST(BusyFraction, IsBusyTicksOverAllTicksBetweenSnapshots) {
    const CpuSnapshot a{1000, 3000}, b{1300, 3100};
    EXPECT_DOUBLE_EQ(0.75, busy_fraction(a, b));
    EXPECT_DOUBLE_EQ(ticks(300), busy_cpu_seconds(a, b));
    EXPECT_TRUE(std::isnan(busy_fraction(a, a)));
}

TEST(HostSamplerJson, RoundTrips) {
    const EngineCpu e = nlohmann::json(sample_engine_cpu(kFakeProc)).get<EngineCpu>();
    EXPECT_NEAR(ticks(2932), e.seconds, 1e-9);
    EXPECT_NEAR(ticks(12), by_name(e, "runc"), 1e-9);
    const HostLoad h = nlohmann::json(sample_host_load(kFakeProc)).get<HostLoad>();
    EXPECT_EQ(2, h.cores);
    EXPECT_DOUBLE_EQ(0.38, h.load5);
}

/// Smoke test on the real procfs of whatever host runs the tests (no Docker needed).
TEST(HostSamplerRealProc, ReadsThisHost) {
    const HostLoad h = sample_host_load();
    EXPECT_GE(h.cores, 1);
    EXPECT_GE(h.load1, 0);
    const CpuSnapshot a = sample_cpu();
    EXPECT_GT(a.total(), 0u);
    const double cpu0 = self_cpu_seconds();
    volatile double sink = 0;
    for (int i = 0; i < 2000000; ++i) sink = sink + std::sqrt(static_cast<double>(i));
    EXPECT_GE(self_cpu_seconds(), cpu0);
    EXPECT_GE(children_cpu_seconds(), 0);
    const auto self = read_proc_cpu("/proc", static_cast<int>(getpid()));
    ASSERT_TRUE(self.has_value());
    EXPECT_EQ(static_cast<int>(getppid()), self->ppid);
    const EngineCpu e = sample_engine_cpu();
    EXPECT_GE(e.seconds, 0);
}

}  // namespace
}  // namespace sh
