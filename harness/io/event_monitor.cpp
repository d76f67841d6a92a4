#include "io/event_monitor.h"

#include <thread>

#include "io/docker_client.h"
#include "io/processes.h"
#include "core/engine_parse.h"
#include "core/kernel_oom.h"

namespace sh {

EventMonitor::EventMonitor(DockerEngine& engine, const std::string& run_id, FirstChild first_child)
    : engine_(engine),
      first_child_(first_child ? std::move(first_child)
                   : engine.endpoint().starts_with("unix://")
                       ? FirstChild([](long pid) -> std::optional<long> {
                             const auto child = sh::first_child(static_cast<pid_t>(pid));
                             return child ? std::optional<long>(*child) : std::nullopt;
                         })
                       : nullptr),
      filters_({{"type", {"container"}}, {"label", {"sandbox-harness.run=" + run_id}}}) {
    stream_ = engine.watch_events(filters_, [this](const EngineEvent& e) { on_event(e); });
    if (!stream_->wait_ready(std::chrono::seconds(5))) {
        auto err = stream_->error();
        throw DockerError("GET /events via " + engine.endpoint() + ": the event stream did not open" +
                          (err ? ": " + *err : std::string(" within 5 s")) +
                          " (is dockerd running? run ci/setup-host.sh, or set DOCKER_HOST)", 0);
    }
    watchdog_ = std::thread([this] { watchdog(); });
}

EventMonitor::~EventMonitor() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
    if (watchdog_.joinable()) watchdog_.join();
    if (stream_) stream_->stop();
}

/// Every 200 ms: is the stream still up? If not, an outage starts, and the stream is reopened
/// (no replay: what happened meanwhile is unknown, and outage_since() says so) once the engine
/// answers again.
void EventMonitor::watchdog() {
    using namespace std::chrono_literals;
    std::unique_lock lock(mu_);
    while (!stop_cv_.wait_for(lock, 200ms, [&] { return stopping_; })) {
        const auto err = stream_->error();
        if (!err) continue;
        if (outages_.empty() || outages_.back().back)
            outages_.push_back({std::chrono::steady_clock::now(), std::nullopt, *err});
        lock.unlock();
        std::unique_ptr<EventWatch> fresh;
        try {
            fresh = engine_.watch_events(filters_, [this](const EngineEvent& e) { on_event(e); });
            if (!fresh->wait_ready(std::chrono::seconds(2))) fresh.reset();
        } catch (const std::exception&) {
            fresh.reset();  // still away: try again on the next tick
        }
        lock.lock();
        if (!fresh) continue;
        if (stopping_) {
            fresh->stop();
            break;
        }
        stream_->stop();
        stream_ = std::move(fresh);
        outages_.back().back = std::chrono::steady_clock::now();
    }
}

std::optional<std::string> EventMonitor::outage_since(std::chrono::steady_clock::time_point since) const {
    std::lock_guard lock(mu_);
    for (const auto& o : outages_)
        if (!o.back || *o.back >= since)
            return "the engine's event stream was away" + std::string(o.back ? "" : " (still)") + ": " + o.reason;
    if (auto err = stream_->error()) return "the engine's event stream broke: " + *err;
    return std::nullopt;
}

/// The container's init (State.Pid) and the process that carries its script, from the host's
/// process tree (core/kernel_oom.h). Under runc the carrier is the init's first child, which it
/// forks before anything else, so a few short looks are enough; under runsc every host process
/// of the container carries it.
void EventMonitor::read_script_process(const std::string& id, ScriptProcess& into) const {
    // The engine may answer the inspect before it has recorded the started process (State.Pid
    // 0), or not at once while it starts others: a few short tries.
    if (!first_child_) return;  // a remote engine's pids are not this host's
    long init = 0;
    for (int attempt = 0; attempt < 5 && init <= 0; ++attempt) {
        if (attempt) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        try {
            const auto state = engine_.inspect_container(id);
            if (!state) return;  // gone already
            init = state->value("/State/Pid"_json_pointer, 0L);
        } catch (const std::exception&) {
        }
    }
    if (init <= 0) return;
    into.init_pid = init;
    for (int attempt = 0; attempt < 20 && !into.dies_whole && !into.script_pid; ++attempt) {
        into.script_pid = first_child_(init);
        if (!into.script_pid) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void EventMonitor::on_event(const EngineEvent& e) {
    if (e.name.empty()) return;
    ScriptProcess started;
    if (e.action == "start") {
        {
            // The runtime, from the inspect taken at create (events of one container come in order).
            std::lock_guard lock(mu_);
            if (auto it = by_name_.find(e.name); it != by_name_.end()) started.dies_whole = it->second.script.dies_whole;
        }
        read_script_process(e.id, started);
    }
    // The inspect happens outside the lock: it is an HTTP round trip.
    std::optional<nlohmann::json> inspected;
    std::optional<std::string> inspect_error;
    if (e.action == "create") {
        try {
            inspected = engine_.inspect_container(e.id);
            if (!inspected) inspect_error = "container was gone before it could be inspected";
        } catch (const std::exception& ex) {
            inspect_error = ex.what();
        }
    }
    std::lock_guard lock(mu_);
    ContainerTimeline& t = by_name_[e.name];
    t.id = e.id;
    if (e.action == "create") {
        t.t_create = e.time_s;
        if (inspected)
            t.script.dies_whole = runtime_dies_whole(inspected->value("/HostConfig/Runtime"_json_pointer, std::string()));
        t.inspect = std::move(inspected);
        t.inspect_error = std::move(inspect_error);
    } else if (e.action == "start") {
        t.t_start = e.time_s;
        t.script = started;
    } else if (e.action == "die") {
        t.t_die = e.time_s;
        if (auto it = e.attributes.find("exitCode"); it != e.attributes.end()) {
            try {
                t.exit_code = std::stoi(it->second);
            } catch (const std::exception&) {
            }
        }
    } else if (e.action == "oom") {
        t.oom = true;
    } else if (e.action == "kill") {
        const auto sig = e.attributes.find("signal");
        t.control_actions.push_back(sig == e.attributes.end() ? "kill" : "kill (signal " + sig->second + ")");
    } else if (e.action == "stop" || e.action == "pause" || e.action == "unpause" || e.action == "restart") {
        t.control_actions.push_back(e.action);
    } else if (e.action == "destroy") {
        t.t_destroy = e.time_s;
    }
    cv_.notify_all();
}

ContainerTimeline EventMonitor::wait_destroyed(const std::string& name,
                                               std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] {
        auto it = by_name_.find(name);
        return it != by_name_.end() && it->second.t_destroy.has_value();
    });
    auto it = by_name_.find(name);
    return it == by_name_.end() ? ContainerTimeline{} : it->second;
}


}  // namespace sh
