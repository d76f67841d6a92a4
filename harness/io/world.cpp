#include "io/world.h"

#include <chrono>
#include <ctime>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <sys/utsname.h>

#include "io/canary.h"
#include "io/docker_client.h"
#include "io/event_monitor.h"
#include "io/host_facts.h"
#include "io/host_files.h"
#include "io/host_sampler.h"
#include "io/kernel_log.h"
#include "io/load_watch.h"
#include "io/process_runner.h"
#include "io/processes.h"
#include "io/records_file.h"
#include "io/run_lease.h"

namespace sh {

namespace fs = std::filesystem;

namespace {

std::string utc_format(const char* format) {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

/// The CPU of the host, the engine stack, the harness and its children, from construction to stop().
class ProcCostMeter final : public CostMeter {
public:
    RunCost stop() override {
        RunCost cost;
        cost.engine_cpu_s = engine_.stop().seconds;
        cost.host_busy_cpu_s = busy_cpu_seconds(host0_, sample_cpu());
        cost.sampler_cpu_s = engine_.poll_cpu_seconds();
        cost.harness_cpu_s = self_cpu_seconds() - harness0_ - cost.sampler_cpu_s;
        cost.launchers_cpu_s = children_cpu_seconds() - children0_;
        cost.kernel_threads_cpu_s = kernel_threads_cpu_delta(kernel0_, sample_kernel_threads_cpu());
        return cost;
    }

private:
    const CpuSnapshot host0_ = sample_cpu();
    const double harness0_ = self_cpu_seconds();
    const double children0_ = children_cpu_seconds();
    const KernelThreadsCpu kernel0_ = sample_kernel_threads_cpu();
    // Polled every 100 ms, not the default 20: each poll scans /proc (~0.5 ms CPU here), and a run
    // needs the total, not bench's precision (what a shim spends after the last poll is lost).
    EngineCpuWatch engine_{"/proc", std::chrono::milliseconds(100)};
};

class RealWorld final : public World {
public:
    DockerEngine& engine() override { return docker_; }
    ProcessRunner& processes() override { return processes_; }

    std::string utc_now() override { return utc_format("%Y-%m-%dT%H:%M:%SZ"); }
    std::string new_run_id() override {
        std::random_device rd;
        return fmt::format("{}-{:04x}", utc_format("%Y%m%dt%H%M%S"), rd() & 0xffff);
    }
    HostIdentity host_identity() override {
        struct utsname uts {};
        uname(&uts);
        return {uts.nodename, uts.release, static_cast<int>(std::thread::hardware_concurrency())};
    }
    double load1() override { return sample_host_load().load1; }
    HostFacts host_facts() override { return read_host_facts(); }

    std::unique_ptr<Canary> open_canary() override { return std::make_unique<LoopbackCanary>(); }
    std::unique_ptr<EventMonitor> watch_events(const std::string& run_id) override {
        return std::make_unique<EventMonitor>(docker_, run_id);
    }
    std::unique_ptr<KernelLog> open_kernel_log() override { return std::make_unique<KernelLog>(); }
    std::unique_ptr<LoadWatch> open_load_watch() override { return std::make_unique<LoadWatch>(); }
    std::unique_ptr<CostMeter> start_cost_meter() override { return std::make_unique<ProcCostMeter>(); }
    std::unique_ptr<RecordSink> open_records(const fs::path& file) override {
        return std::make_unique<RecordsWriter>(file);
    }

    std::optional<fs::path> cgroup_root(const EngineVersion& engine) override {
        if (!docker_.endpoint().starts_with("unix://") || engine.cgroup_driver != "cgroupfs") return std::nullopt;
        if (!fs::is_directory("/sys/fs/cgroup")) return std::nullopt;
        return fs::path("/sys/fs/cgroup");
    }
    std::unique_ptr<RunLease> take_lease(const std::string& run_id) override {
        return std::make_unique<RunLease>(kRunLeaseDir, run_id, self_owner_labels());
    }
    void sweep_dead_runs(const std::string& own_run_id, const std::optional<fs::path>& cgroup_root,
                         const std::string& prefix) override;
    std::vector<std::string> remove_orphaned_containers() override;

private:
    DockerClient docker_;
    SubprocessRunner processes_;
};

/// The runs whose lease names an owner that is gone (killed, crashed), `own` excepted.
std::set<std::string> dead_runs(const std::string& own) {
    std::set<std::string> dead;
    for (const auto& lease : read_run_leases(kRunLeaseDir)) {
        std::string why;
        if (lease.run_id != own && owner_is_gone(lease.labels, lease.age_s, why)) dead.insert(lease.run_id);
    }
    return dead;
}

/// Runs killed mid-case (SIGKILL, a crash) leave their cases' cgroup parents behind
/// (<prefix>/<container name>, sh-<run id>-<n>). Those of a run whose lease names a dead owner go
/// at once; any other parent only once untouched for 10 minutes (a run without a lease here: an
/// older version, another mount namespace), which spares a concurrent run's.
void RealWorld::sweep_dead_runs(const std::string& own_run_id, const std::optional<fs::path>& cgroup_root,
                                const std::string& prefix) {
    const std::set<std::string> dead = dead_runs(own_run_id);
    if (cgroup_root) {
        const auto of_dead_run = [&](const std::string& name) {
            const auto dash = name.rfind('-');
            return name.starts_with("sh-") && dash != std::string::npos && dash > 3 && dead.count(name.substr(3, dash - 3));
        };
        const CgroupSweep sweep = sweep_stale_cgroup_parents(*cgroup_root, prefix, std::chrono::minutes(10),
                                                             std::chrono::seconds(2), false, of_dead_run);
        if (!sweep.removed.empty())
            fmt::print(stderr, "sandbox-harness: removed {} cgroup directories left by earlier runs under {}/*{}\n",
                       sweep.removed.size(), cgroup_root->string(), prefix);
        for (const auto& why : sweep.kept) fmt::print(stderr, "sandbox-harness: cgroup parent left in place: {}\n", why);
    }
    for (const auto& run : dead) remove_run_lease(kRunLeaseDir, run);
}

std::vector<std::string> RealWorld::remove_orphaned_containers() {
    std::vector<std::string> removed;
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (const auto& c : docker_.list_containers("sandbox-harness.run")) {
        std::string why;
        const double age = c.created_s > 0 ? now - c.created_s : 0;
        if (!owner_is_gone(c.labels, age, why)) continue;
        docker_.remove_container(c.id);
        removed.push_back(c.id);
    }
    return removed;
}

}  // namespace

std::unique_ptr<World> real_world() { return std::make_unique<RealWorld>(); }

}  // namespace sh
