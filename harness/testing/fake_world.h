#pragma once
/// Test-only: a World (io/world.h) with nothing real in it. The engine is a FakeDocker, the
/// launcher a FakeProcessRunner whose script the test writes (it plays run_secure_python.sh:
/// drives the engine, may hit the canary, set the cancel flag or make the engine vanish), the
/// canary counts the hits the test plants, records stay in memory (a disk that fills up after N
/// records is one setting), and the clock and the host are fixed. Every lease, sweep and record
/// the suite asks for is kept for the test to check.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "io/canary.h"
#include "io/event_monitor.h"
#include "io/kernel_log.h"
#include "io/load_watch.h"
#include "io/run_lease.h"
#include "io/records_file.h"
#include "io/world.h"
#include "testing/fake_docker.h"
#include "testing/fake_process_runner.h"

namespace sh {

class FakeCanary final : public Canary {
public:
    std::string host() const override { return "127.0.0.1"; }
    std::uint16_t tcp_port() const override { return 40001; }
    std::uint16_t udp_port() const override { return 40002; }
    std::uint64_t hit_count() const override;
    std::uint64_t sync() override { return hit_count(); }
    std::vector<CanaryHit> hits() const override;
    /// A TCP connection that arrived now carrying `payload`, from a process whose /proc/PID/cgroup
    /// read `owner_cgroup` (unset: its owner could not be found).
    void hit(std::string payload, std::optional<std::string> owner_cgroup = std::nullopt);

private:
    mutable std::mutex mu_;
    std::vector<CanaryHit> hits_;
};

/// Records in memory, in append order. With `fills_after` set, the append after that many
/// records throws as a full disk does, and so does every later one.
class MemoryRecords final : public RecordSink {
public:
    void append(const Record&) override;
    std::vector<Record> records() const;
    std::optional<std::size_t> fills_after;

private:
    mutable std::mutex mu_;
    std::vector<Record> records_;
};

class FakeWorld final : public World {
public:
    /// `launcher` plays run_secure_python.sh for each case. The catalogue's syntax check (python3
    /// -c ...) is answered here: every script parses.
    explicit FakeWorld(FakeProcessRunner::Script launcher);

    FakeDocker docker;
    FakeCanary canary;
    MemoryRecords records;
    FakeProcessRunner launcher;
    HostIdentity host{"fake-host", "6.1.0-fake", 2};
    std::string now = "2026-12-08T00:00:00Z";
    std::string run_id = "20261208t000000-f4ke";
    /// The pid of the script's process below each container's init (EventMonitor::FirstChild).
    long script_pid = 4242;

    // ---- what the suite asked for -----------------------------------------------------------------
    std::vector<std::string> leases;            ///< run ids whose lease was taken
    std::vector<std::string> swept_for;         ///< run ids that swept dead runs' leftovers
    std::vector<std::string> records_opened;    ///< files the records went to
    int orphan_sweeps = 0;

    // ---- World ------------------------------------------------------------------------------------
    DockerEngine& engine() override { return docker; }
    ProcessRunner& processes() override { return processes_; }
    std::string utc_now() override { return now; }
    std::string new_run_id() override { return run_id; }
    HostIdentity host_identity() override { return host; }
    double load1() override { return 0.5; }
    HostFacts host_facts() override;
    std::unique_ptr<Canary> open_canary() override;
    std::unique_ptr<EventMonitor> watch_events(const std::string& run_id) override;
    std::unique_ptr<KernelLog> open_kernel_log() override { return nullptr; }
    std::unique_ptr<LoadWatch> open_load_watch() override { return nullptr; }
    std::unique_ptr<CostMeter> start_cost_meter() override;
    std::unique_ptr<RecordSink> open_records(const std::filesystem::path& file) override;
    std::optional<std::filesystem::path> cgroup_root(const EngineVersion&) override { return std::nullopt; }
    std::unique_ptr<RunLease> take_lease(const std::string& run_id) override;
    void sweep_dead_runs(const std::string& own_run_id, const std::optional<std::filesystem::path>&,
                         const std::string&) override {
        swept_for.push_back(own_run_id);
    }
    std::vector<std::string> remove_orphaned_containers() override {
        ++orphan_sweeps;
        return {};
    }

private:
    FakeProcessRunner processes_;
};

/// The launcher's part for one request: the container FakeDocker::launch() needs, named and
/// labelled as the harness asked through SANDBOX_NAME and SANDBOX_LABELS, with `inspect` as the
/// engine's inspect of it (its flags: tests/data/profiles/inspect_hardened.json is the profile's).
FakeDocker::Launch container_for(const ProcessRequest&, nlohmann::json inspect, int exit_code = 0);

}  // namespace sh
