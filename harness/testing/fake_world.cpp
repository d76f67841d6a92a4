#include "testing/fake_world.h"

#include <chrono>

#include "io/event_monitor.h"
#include "io/run_lease.h"
#include "util/error.h"

namespace sh {

std::uint64_t FakeCanary::hit_count() const {
    std::lock_guard lock(mu_);
    return hits_.size();
}

std::vector<CanaryHit> FakeCanary::hits() const {
    std::lock_guard lock(mu_);
    return hits_;
}

void FakeCanary::hit(std::string payload, std::optional<std::string> owner_cgroup) {
    std::lock_guard lock(mu_);
    CanaryHit h;
    h.seq = hits_.size() + 1;
    h.proto = "tcp";
    h.peer = "127.0.0.1:50000";
    h.payload = std::move(payload);
    h.time_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    h.owner_cgroup = std::move(owner_cgroup);
    hits_.push_back(std::move(h));
}

void MemoryRecords::append(const Record& r) {
    std::lock_guard lock(mu_);
    if (fills_after && records_.size() >= *fills_after)
        throw Error("records.jsonl: write: No space left on device (the record of " + r.case_id + " was not kept)");
    records_.push_back(r);
}

std::vector<Record> MemoryRecords::records() const {
    std::lock_guard lock(mu_);
    return records_;
}

namespace {

/// What the suite is handed of a FakeWorld's own canary and records: they stay the world's, so
/// that the test sees them while the run goes on and after it ended.
class CanaryView final : public Canary {
public:
    explicit CanaryView(Canary& c) : c_(c) {}
    std::string host() const override { return c_.host(); }
    std::uint16_t tcp_port() const override { return c_.tcp_port(); }
    std::uint16_t udp_port() const override { return c_.udp_port(); }
    std::uint64_t hit_count() const override { return c_.hit_count(); }
    std::uint64_t sync() override { return c_.sync(); }
    std::vector<CanaryHit> hits() const override { return c_.hits(); }

private:
    Canary& c_;
};

class RecordsView final : public RecordSink {
public:
    explicit RecordsView(RecordSink& r) : r_(r) {}
    void append(const Record& r) override { r_.append(r); }

private:
    RecordSink& r_;
};

class NoCost final : public CostMeter {
public:
    RunCost stop() override { return {}; }
};

}  // namespace

FakeWorld::FakeWorld(FakeProcessRunner::Script script)
    : launcher(std::move(script)),
      processes_([this](const ProcessRequest& req, const std::atomic<bool>* cancel) {
          if (!req.argv.empty() && req.argv[0] == "/usr/bin/python3") return exited(0);  // the syntax check
          return launcher.run(req, cancel);
      }) {}

HostFacts FakeWorld::host_facts() {
    HostFacts f;
    f.kernel_release = host.kernel;
    f.hostname = host.hostname;
    return f;
}

std::unique_ptr<Canary> FakeWorld::open_canary() { return std::make_unique<CanaryView>(canary); }

std::unique_ptr<EventMonitor> FakeWorld::watch_events(const std::string& id) {
    const long pid = script_pid;
    return std::make_unique<EventMonitor>(docker, id, [pid](long) -> std::optional<long> { return pid; });
}

std::unique_ptr<CostMeter> FakeWorld::start_cost_meter() { return std::make_unique<NoCost>(); }

std::unique_ptr<RecordSink> FakeWorld::open_records(const std::filesystem::path& file) {
    records_opened.push_back(file.string());
    return std::make_unique<RecordsView>(records);
}

std::unique_ptr<RunLease> FakeWorld::take_lease(const std::string& id) {
    leases.push_back(id);
    return nullptr;
}

FakeDocker::Launch container_for(const ProcessRequest& req, nlohmann::json inspect, int exit_code) {
    FakeDocker::Launch l;
    l.name = req.env_set.at("SANDBOX_NAME");
    l.inspect = std::move(inspect);
    l.exit_code = exit_code;
    const std::string& labels = req.env_set.at("SANDBOX_LABELS");
    std::size_t start = 0;
    while (start < labels.size()) {
        auto sp = labels.find(' ', start);
        if (sp == std::string::npos) sp = labels.size();
        const std::string item = labels.substr(start, sp - start);
        if (const auto eq = item.find('='); eq != std::string::npos) l.labels[item.substr(0, eq)] = item.substr(eq + 1);
        start = sp + 1;
    }
    return l;
}

}  // namespace sh
