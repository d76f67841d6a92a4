#pragma once
/// Measurement launches for `bench` and `capacity`: one launch of a small script through the
/// launcher, with its Engine API timeline, and the same lifecycle driven directly through the
/// Engine API with the identical container configuration (to isolate the launcher's own cost).

#include <atomic>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/event_monitor.h"
#include "core/launch_result.h"
#include "core/profile.h"

namespace sh {

class DockerEngine;
class ProcessRunner;

/// One measured launch. Phase times are in ms; a phase is absent when its events were not seen.
struct LaunchSample {
    LaunchResult launch;
    ContainerTimeline timeline;
    std::optional<double> client_to_create, create_to_start, start_to_die, die_to_destroy,
        destroy_to_exit;
};

/// Everything launches share in one measuring session.
class BenchSession {
public:
    BenchSession(DockerEngine& docker, std::filesystem::path launcher, Profile profile);
    ~BenchSession();

    /// Runs `script` through the launcher with the session's profile plus `overrides`.
    LaunchSample launch(const std::filesystem::path& script,
                        const std::map<std::string, std::string>& overrides = {},
                        const std::vector<std::string>& args = {});
    /// The container configuration the launcher used for its last launch (Config + HostConfig,
    /// as a body for POST /containers/create); nullopt before any launch was inspected.
    std::optional<nlohmann::json> last_create_body() const;
    /// create + start + wait(removed) through the Engine API with `body`; returns wall ms.
    double direct_lifecycle(const nlohmann::json& body);

    const std::string& run_id() const { return run_id_; }
    DockerEngine& docker() { return docker_; }
    /// Removes any container of this session still present (the guard for every exit path).
    void cleanup();

private:
    DockerEngine& docker_;
    std::filesystem::path launcher_;
    Profile profile_;
    std::string run_id_;
    std::unique_ptr<EventMonitor> events_;
    std::atomic<int> counter_{0};
    mutable std::mutex mu_;
    std::optional<nlohmann::json> last_inspect_;
};

/// The body for POST /containers/create that reproduces an inspected container: its Config
/// (image, command, user, env, working dir, labels) and HostConfig.
nlohmann::json create_body_from_inspect(const nlohmann::json& inspect);

/// Writes the tiny scripts the benchmarks launch into `dir` and returns name → path:
/// "hello" (print), "pass", "numpy-import", "pandas-import", "sympy-import", "sleep" (sleeps
/// 30 s), "balloon" (allocates until killed), "forkbomb" (forks until refused, then exits),
/// "spin" (burns CPU on two threads for 20 s).
std::map<std::string, std::filesystem::path> write_bench_scripts(const std::filesystem::path& dir);

}  // namespace sh
