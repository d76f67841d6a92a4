#pragma once
/// Watches the Engine API event stream of one run and keeps, per container name, what the engine
/// said: create/start/die/oom/destroy times, the exit code, and the container's inspect JSON taken
/// at its "create" event (while it still exists: the launcher runs containers with --rm); at its
/// "start" event, on a local engine, the host pids of its init and of the process that carries
/// the script (read before the script's own code can have run far, see core/kernel_oom.h).
/// When the stream breaks (dockerd restarted), it is reopened as soon as the engine answers again;
/// outage_since() tells a case whether the stream was away while it ran.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/kernel_oom.h"

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
    /// The script's own process (core/kernel_oom.h): whether its runtime dies whole, from the
    /// inspect at "create"; the pids of its init and carrier, read at "start" (a local engine only).
    ScriptProcess script;
};

class EventMonitor {
public:
    /// The first child of a host pid, if it has one now (io/processes.h first_child).
    using FirstChild = std::function<std::optional<long>(long pid)>;

    /// Starts streaming events labelled `sandbox-harness.run=<run_id>`. Throws DockerError when the
    /// stream cannot be opened within a few seconds. `first_child` reads the host's process tree
    /// at each "start"; by default this host's /proc when the engine is local (a unix socket),
    /// else nothing (a remote engine's pids are not this host's).
    EventMonitor(DockerEngine& engine, const std::string& run_id, FirstChild first_child = nullptr);
    ~EventMonitor();
    EventMonitor(const EventMonitor&) = delete;
    EventMonitor& operator=(const EventMonitor&) = delete;

    /// Waits until the container named `name` has been destroyed, or `timeout` passes.
    /// Returns what is known either way.
    ContainerTimeline wait_destroyed(const std::string& name, std::chrono::milliseconds timeout);
    /// Why the event stream was away at some moment since `since` (steady clock), if it was:
    /// events of that time may be missing, so a case that ran then cannot be judged.
    std::optional<std::string> outage_since(std::chrono::steady_clock::time_point since) const;

private:
    void on_event(const EngineEvent&);
    void watchdog();

    struct Outage {
        std::chrono::steady_clock::time_point lost;
        std::optional<std::chrono::steady_clock::time_point> back;
        std::string reason;
    };

    void read_script_process(const std::string& id, ScriptProcess& into) const;

    DockerEngine& engine_;
    FirstChild first_child_;
    const nlohmann::json filters_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, ContainerTimeline> by_name_;
    std::unique_ptr<EventWatch> stream_;  ///< replaced by the watchdog after a break (mu_)
    std::vector<Outage> outages_;         ///< (mu_)
    bool stopping_ = false;               ///< (mu_)
    std::condition_variable stop_cv_;
    std::thread watchdog_;
};

}  // namespace sh
