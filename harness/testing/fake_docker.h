#pragma once
/// Test-only: an in-memory Docker engine. It holds images and containers, answers the Engine API
/// calls of DockerEngine from them, and delivers events to every watcher synchronously, on the
/// thread that caused them. A test plays the launcher's part with launch() (create, start, die,
/// destroy, with the events a real engine sends) or step by step, and can make the engine fail.

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/docker_client.h"

namespace sh {

class FakeDocker final : public DockerEngine {
public:
    FakeDocker();

    // ---- what the engine holds -----------------------------------------------------------------
    EngineVersion engine;  ///< returned by version()
    /// While set, every call throws DockerError with this text (no engine), and new watches fail.
    std::optional<std::string> down;
    void add_image(const std::string& ref, ImageDetails details = {});
    /// The engine went away under its watchers (dockerd restarted): every open watch fails with
    /// `reason` and delivers nothing more. Set `down` as well to refuse new watches until it is back.
    void break_watches(const std::string& reason);

    // ---- playing the launcher ------------------------------------------------------------------
    /// What a launched container is: its name, labels and the inspect the engine gives at
    /// "create" (Config.Labels and Name are filled in from the first two).
    struct Launch {
        std::string name;
        std::map<std::string, std::string> labels;
        nlohmann::json inspect = nlohmann::json::object();
        int exit_code = 0;
        bool oom = false;
        bool auto_remove = true;  ///< false: it stays after "die", as a leftover
    };
    /// create, start, (oom,) die and, with auto_remove, destroy: the events of one --rm run.
    /// Returns the container id.
    std::string launch(const Launch&);
    std::string create(const Launch&);
    void emit(const std::string& name, const std::string& action,
              std::map<std::string, std::string> extra_attributes = {});

    // ---- what the harness did ------------------------------------------------------------------
    std::vector<std::string> removed() const;  ///< ids, in the order remove_container() got them
    bool exists(const std::string& name) const;

    // ---- DockerEngine --------------------------------------------------------------------------
    const std::string& endpoint() const override { return endpoint_; }
    EngineVersion version() override;
    std::optional<nlohmann::json> inspect_container(const std::string& name_or_id) override;
    std::vector<ContainerSummary> list_containers(const std::string& label_filter) override;
    void remove_container(const std::string& id) override;
    std::optional<ImageDetails> inspect_image(const std::string& ref) override;
    std::unique_ptr<EventWatch> watch_events(nlohmann::json filters,
                                             std::function<void(const EngineEvent&)> on_event) override;
    std::string create_container(const nlohmann::json& body, const std::string& name) override;
    void start_container(const std::string& id) override;
    int wait_container(const std::string& id, const std::string& condition = "not-running") override;

private:
    struct Container {
        std::string id, name;
        std::map<std::string, std::string> labels;
        nlohmann::json inspect;
        std::string state = "created";
    };
    struct Watch;
    void check_up() const;
    Container* find(const std::string& name_or_id);
    void deliver(const EngineEvent&);
    void destroy_locked(const std::string& name);

    std::string endpoint_ = "fake://engine";
    mutable std::mutex mu_;
    std::map<std::string, Container> containers_;  ///< by name
    std::map<std::string, ImageDetails> images_;
    std::vector<std::string> removed_;
    std::vector<std::weak_ptr<Watch>> watches_;
    int next_id_ = 1;
    double clock_s_ = 1767225600.0;
};

}  // namespace sh
