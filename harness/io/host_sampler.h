#pragma once
/// Host load and noise, read from procfs: the load average, whole-host CPU busy time, the CPU
/// time of the container engine stack, and the harness's own CPU. Every reader takes the procfs
/// root as a parameter so that tests can point it at a fake tree (tests/data/proc/). Nothing here
/// reads cgroups: /proc/PID/stat, /proc/PID/comm, /proc/stat and /proc/loadavg read the same on
/// cgroup v1, hybrid and v2 hosts, and the engine's process names do not depend on the cgroup
/// version either.
///
/// CPU per launch, two ways (measure N launches between two samples, divide by N):
/// - Whole host: busy_cpu_seconds(CpuSnapshot before, after) / N. Counts everything a launch keeps
///   busy — engine, runtime, kernel threads (namespace and mount teardown), the docker client,
///   the workload itself — and everything else running on the host. It is the figure the
///   capacity model wants, on a quiet host.
/// - Engine stack: EngineCpuTracker (or EngineCpuWatch) delta / N. Attributes CPU to dockerd,
///   containerd, containerd-shim*, runc, docker-init and docker-proxy; see EngineCpuTracker for
///   what it can and cannot see. The docker CLI client is NOT part of it (it is the caller's
///   child: children_cpu_seconds() covers it once reaped).

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "util/error.h"

#include <nlohmann/json.hpp>

namespace sh {

/// One process's CPU from /proc/PID/stat, in seconds (ticks ÷ sysconf(_SC_CLK_TCK)).
struct ProcCpu {
    int pid = 0;
    int ppid = 0;
    std::string comm;                 ///< from the stat line; the kernel truncates it to 15 chars
    double self_s = 0;                ///< utime + stime
    double children_s = 0;            ///< cutime + cstime: children that exited and were waited for
    unsigned long long starttime = 0; ///< ticks after boot; with pid, identifies the process
};

/// Parses /proc/PID/stat (the comm may hold spaces and parentheses). nullopt when the process is
/// gone or the line is malformed.
std::optional<ProcCpu> read_proc_cpu(const std::filesystem::path& proc_root, int pid);

/// dockerd, containerd, containerd-shim* (comm of containerd-shim-runc-v2 is truncated to
/// "containerd-shim"), runc (and runc's "runc:[1:CHILD]"-style init names), docker-init,
/// docker-proxy. Not "docker": the CLI client is the caller's own child.
bool is_engine_process(const std::string& comm);

/// The engine stack's CPU: total seconds and a breakdown by process name (comm, with runc:[…]
/// folded into "runc"), sorted by name.
struct EngineCpu {
    double seconds = 0;
    std::vector<std::pair<std::string, double>> by_process;
};

/// One instant: the sum, over every live engine process, of utime + stime + cutime + cstime.
/// A live process's time is not yet in its parent's cutime, so nothing is counted twice (bar a
/// child reaped between the two reads). What one sample cannot see: engine processes that already
/// exited and were reaped by a non-engine process. containerd-shim-runc-v2 daemonises, so it is
/// reaped by PID 1 (or a subreaper), taking with it its own CPU and that of the runc invocations,
/// OCI hooks (dockerd re-executed for networking) and container init it reaped. Use
/// EngineCpuTracker to keep those.
EngineCpu sample_engine_cpu(const std::filesystem::path& proc_root = "/proc");

/// `after` minus `before`, per process name (names missing on one side count as 0).
EngineCpu engine_cpu_delta(const EngineCpu& before, const EngineCpu& after);

/// Engine-stack CPU over time, including processes that exit between samples:
/// total() = live engine processes at the last poll (as sample_engine_cpu) + the last-seen
/// utime+stime+cutime+cstime of every exited "root" engine process, i.e. one whose parent was not
/// an engine process (the daemonised shims). Exited non-roots (runc, hooks, the short-lived
/// "containerd-shim start") are not kept: their parent's cutime takes them over when it reaps them.
/// Poll every 10-50 ms while launches run: CPU a shim spends after the last poll before it exits
/// (runc delete, its own shutdown) is lost, so the figure is a slight undercount (at 20 ms, the
/// tracked shims came to 93-95% of the CPU that PID 1 reaped in the same windows here).
/// A poll reads only new pids' comm plus the engine processes' stat: ~0.1 ms CPU here.
/// On a shared engine the figure covers every launch on it, not only the caller's: divide by all
/// container starts in the window (Engine API "start" events), not by the caller's own count.
/// Also counted: the container's init process is reaped by its shim, so the workload's own CPU
/// (for `python3 -c pass`, some 10-20 ms) ends up in the shim's cutime.
class EngineCpuTracker {
public:
    explicit EngineCpuTracker(std::filesystem::path proc_root = "/proc");
    void poll();
    EngineCpu total() const;

private:
    struct Seen {
        ProcCpu cpu;
        bool root = false;
    };
    std::filesystem::path root_;
    std::map<std::pair<int, unsigned long long>, Seen> live_;  ///< (pid, starttime) → last poll
    std::map<std::string, double> departed_;                   ///< by name: last-seen CPU of exited roots
    std::map<int, bool> not_engine_;                           ///< pids whose comm is not an engine name
};

/// An EngineCpuTracker polled on a background thread from construction until stop().
class EngineCpuWatch {
public:
    explicit EngineCpuWatch(std::filesystem::path proc_root = "/proc",
                            std::chrono::milliseconds interval = std::chrono::milliseconds(20));
    ~EngineCpuWatch();
    EngineCpuWatch(const EngineCpuWatch&) = delete;
    EngineCpuWatch& operator=(const EngineCpuWatch&) = delete;
    /// Stops polling (after one last poll) and returns the engine CPU spent since construction.
    /// Later calls return the same figure.
    EngineCpu stop();
    /// The polling thread's own CPU, known after stop(): part of self_cpu_seconds(), and not the
    /// caller's cost (about 0.1 ms per poll).
    double poll_cpu_seconds() const { return poll_cpu_s_; }

private:
    EngineCpuTracker tracker_;
    EngineCpu start_;
    std::optional<EngineCpu> result_;
    std::atomic<bool> stop_{false};
    double poll_cpu_s_ = 0;  ///< written by the thread before it ends, read after join
    std::thread thread_;
};

/// The CPU of the kernel's own threads: kthreadd (PID 2) and its children (kworkers, jbd2,
/// ksoftirqd, ...). They do work no process's utime/stime shows: writeback of dirty pages (the
/// engine's fsync'd metadata, on every container create and removal), journal commits, cgroup
/// release. Keyed by (pid, starttime), utime + stime in seconds.
using KernelThreadsCpu = std::map<std::pair<int, unsigned long long>, double>;
KernelThreadsCpu sample_kernel_threads_cpu(const std::filesystem::path& proc_root = "/proc");
/// The kernel threads' CPU between two samples: over the threads of `after`, their time less what
/// `before` saw of them (all of it for a thread started since). A thread that exited in between
/// takes its time with it, so the figure is a lower bound.
double kernel_threads_cpu_delta(const KernelThreadsCpu& before, const KernelThreadsCpu& after);

struct HostLoad {
    double load1 = 0, load5 = 0, load15 = 0;
    int cores = 0;  ///< "cpuN" lines in <proc_root>/stat: online CPUs, not a container's CPU quota
};

/// Reads <proc_root>/loadavg and counts CPUs in <proc_root>/stat. Throws Error
/// naming the file when either cannot be read or parsed.
HostLoad sample_host_load(const std::filesystem::path& proc_root = "/proc");

/// The aggregate "cpu" line of <proc_root>/stat, in USER_HZ ticks summed over all CPUs.
/// busy = user + nice + system + irq + softirq + steal; idle = idle + iowait. guest and
/// guest_nice are already inside user and nice, so they are not added again.
struct CpuSnapshot {
    unsigned long long busy = 0;
    unsigned long long idle = 0;
    unsigned long long total() const { return busy + idle; }
};

/// Throws Error naming the file when it cannot be read or parsed.
CpuSnapshot sample_cpu(const std::filesystem::path& proc_root = "/proc");
/// Fraction of all CPUs' time spent busy between a and b, in [0, 1]; NaN if no tick elapsed.
double busy_fraction(const CpuSnapshot& a, const CpuSnapshot& b);
/// Busy CPU-seconds between a and b, summed over all CPUs.
double busy_cpu_seconds(const CpuSnapshot& a, const CpuSnapshot& b);

/// This process's user + system CPU so far (getrusage RUSAGE_SELF, all threads).
double self_cpu_seconds();
/// User + system CPU of this process's children that have exited and been waited for
/// (getrusage RUSAGE_CHILDREN): the launchers and the docker clients they ran.
double children_cpu_seconds();

void to_json(nlohmann::json&, const EngineCpu&);
void from_json(const nlohmann::json&, EngineCpu&);
void to_json(nlohmann::json&, const HostLoad&);
void from_json(const nlohmann::json&, HostLoad&);

}  // namespace sh
