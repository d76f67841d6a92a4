#include "io/event_monitor.h"

#include "io/docker_client.h"
#include "core/engine_parse.h"

namespace sh {

EventMonitor::EventMonitor(DockerEngine& engine, const std::string& run_id) : engine_(engine) {
    nlohmann::json filters = {{"type", {"container"}},
                              {"label", {"sandbox-harness.run=" + run_id}}};
    stream_ = engine.watch_events(filters, [this](const EngineEvent& e) { on_event(e); });
    if (!stream_->wait_ready(std::chrono::seconds(5))) {
        auto err = stream_->error();
        throw DockerError("GET /events via " + engine.endpoint() + ": the event stream did not open" +
                          (err ? ": " + *err : std::string(" within 5 s")) +
                          " (is dockerd running? run ci/setup-host.sh, or set DOCKER_HOST)", 0);
    }
}

EventMonitor::~EventMonitor() {
    if (stream_) stream_->stop();
}

void EventMonitor::on_event(const EngineEvent& e) {
    if (e.name.empty()) return;
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
        t.inspect = std::move(inspected);
        t.inspect_error = std::move(inspect_error);
    } else if (e.action == "start") {
        t.t_start = e.time_s;
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

ContainerTimeline EventMonitor::snapshot(const std::string& name) const {
    std::lock_guard lock(mu_);
    auto it = by_name_.find(name);
    return it == by_name_.end() ? ContainerTimeline{} : it->second;
}

std::optional<std::string> EventMonitor::stream_error() const { return stream_->error(); }

}  // namespace sh
