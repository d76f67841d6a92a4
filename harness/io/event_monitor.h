#pragma once
/// Watches the Engine API event stream of one run and keeps, per container name, what the engine
/// said: create/start/die/oom/destroy times, the exit code, and the container's inspect JSON taken
/// at its "create" event (while it still exists: the launcher runs containers with --rm).

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sh {

class DockerEngine;
class EventWatch;
struct EngineEvent;

struct ContainerTimeline {
    std::optional<std::string> id;
    std::optional<double> t_create, t_start, t_die, t_destroy;
    std::optional<int> exit_code;
    bool oom = false;
    /// Requests the engine carried out on the container, in order: "kill (signal 9)", "stop",
    /// "pause", "unpause", "restart". Events do not say who asked.
    std::vector<std::string> control_actions;
    std::optional<nlohmann::json> inspect;  ///< taken at "create"
    std::optional<std::string> inspect_error;
};

class EventMonitor {
public:
    /// Starts streaming events labelled `sandbox-harness.run=<run_id>`. Throws DockerError when the
    /// stream cannot be opened within a few seconds.
    EventMonitor(DockerEngine& engine, const std::string& run_id);
    ~EventMonitor();
    EventMonitor(const EventMonitor&) = delete;
    EventMonitor& operator=(const EventMonitor&) = delete;

    /// Waits until the container named `name` has been destroyed, or `timeout` passes.
    /// Returns what is known either way.
    ContainerTimeline wait_destroyed(const std::string& name, std::chrono::milliseconds timeout);
    ContainerTimeline snapshot(const std::string& name) const;
    std::optional<std::string> stream_error() const;

private:
    void on_event(const EngineEvent&);

    DockerEngine& engine_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, ContainerTimeline> by_name_;
    std::unique_ptr<EventWatch> stream_;
};

}  // namespace sh
