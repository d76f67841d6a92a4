#pragma once
/// Measurement launches for `bench` and `capacity`: one launch of a small script through the
/// launcher, with its Engine API timeline, and the same lifecycle driven directly through the
/// Engine API with the identical container configuration (to isolate the launcher's own cost).
/// Then `bench` itself: launch latency (percentiles and phases), the launcher's own overhead
/// against the Engine API, CPU per launch, the latency cost of each control, enforcement timings,
/// and a cross-check against hyperfine, each figure a section of report.json's meta.extra.

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/event_monitor.h"
#include "io/kernel_log.h"
#include "core/launch_result.h"
#include "core/profile.h"
#include "core/run_report.h"
#include "run/run_setup.h"

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
    /// `id_prefix` starts the session's run id ("bench-1a2b3c4d"), which labels and names its
    /// containers: "bench" or "capacity", so that the engine's events tell the commands apart.
    BenchSession(DockerEngine& docker, std::filesystem::path launcher, Profile profile,
                 const std::string& id_prefix = "bench");
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
    const std::filesystem::path& launcher() const { return launcher_; }
    const Profile& profile() const { return profile_; }
    /// Removes any container of this session still present (the guard for every exit path).
    void cleanup();

private:
    DockerEngine& docker_;
    std::filesystem::path launcher_;
    Profile profile_;
    std::string run_id_;
    std::unique_ptr<EventMonitor> events_;
    KernelLog kernel_log_;  ///< the witness of OOM kills whose engine event was lost
    std::atomic<int> counter_{0};
    mutable std::mutex mu_;
    std::optional<nlohmann::json> last_inspect_;
};

/// The body for POST /containers/create that reproduces an inspected container: its Config
/// (image, command, user, env, working dir, labels) and HostConfig.
nlohmann::json create_body_from_inspect(const nlohmann::json& inspect);

/// The catalogue's scripts the benchmarks launch, case id → path: wl.hello, wl.numpy-linalg,
/// wl.pandas-groupby and wl.sympy-calculus (latency), timeout.sleep (sleeps 8 s: timeout
/// overshoot), res.memory-balloon (allocates until killed), res.fork-bomb (forks until refused,
/// then exits 0) and res.cpu-spin (four processes spin 1.5 s: the noisy neighbour). Throws Error
/// naming a case the catalogue lacks.
std::map<std::string, std::filesystem::path> bench_scripts(const Catalogue&);

/// What `bench` measures, and how much.
struct BenchSettings {
    std::string image = "base";  ///< base, science or all: whose latency is measured
    int runs = 20;               ///< measured launches per figure
    int warmup = 3;              ///< launches before each measured batch
    bool controls = true;        ///< the latency cost of each control
    bool enforcement = true;     ///< timeout overshoot, time to OOM-kill, fork bomb, noisy neighbour
    bool hyperfine = true;       ///< the cross-check against hyperfine
    std::string command_line;    ///< for the report's meta
};

/// What the engine stack spent over a batch of launches, and every container start the engine
/// reported meanwhile (a shared engine starts other runs' containers too). Measures from
/// construction until finish(): an EngineCpuWatch and a stream of the engine's "start" events.
class BatchCost {
public:
    BatchCost(DockerEngine&, std::string run_id);
    ~BatchCost();
    struct Result {
        double engine_cpu_s = 0;
        std::size_t own_starts = 0;     ///< starts of containers labelled with the session's run id
        std::size_t engine_starts = 0;  ///< every start, own included
        std::optional<std::string> problem;  ///< the event stream failed: the starts are unknown
    };
    /// Stops measuring; waits up to 2 s for the events of the batch's `own_launches` starts.
    Result finish(std::size_t own_launches);

private:
    struct State;
    std::unique_ptr<State> state_;
};

/// Every figure of `bench`, measured through the setup's launcher with its profile: a report without
/// records whose meta.extra holds the sections bench_latency, bench_cpu, bench_phases and
/// bench_host, and, unless only the science image is measured, bench_overhead, bench_controls,
/// bench_enforcement and bench_hyperfine (those the settings keep). Progress goes to stderr.
/// Throws Error when a measured launch fails, or hyperfine does.
RunReport run_bench(DockerEngine&, const RunSetup&, const BenchSettings&);

// The pure parts of the figures, exposed for tests.

/// The columns of summary_row(): case, n, min, p50, p95, p99, max (ms).
const nlohmann::json& summary_columns();
/// [name, n, min, p50, p95, p99, max] of `samples` (NaN, written as null, when there are none).
nlohmann::json summary_row(const std::string& name, const std::vector<double>& samples);
/// Wall ms of the launches that started and exited 0.
std::vector<double> successful_walls(const std::vector<LaunchSample>&);
/// One row of bench_phases: the median of each phase over the launches where it was seen, then
/// the median of `walls`.
nlohmann::json phase_row(const std::string& label, const std::vector<LaunchSample>&, const std::vector<double>& walls);
/// Rows of bench_controls, one per profile in `profiles` order ("default" first): n, p50, p50
/// less default's, and p50 over default's (0 without a default figure).
nlohmann::json control_cost_rows(const std::vector<std::string>& profiles,
                                 const std::map<std::string, std::vector<double>>& samples_ms);
/// bench_overhead from interleaved pairs (launcher, Engine API) of the same configuration:
/// the median paired difference with its 95% interval; launcher_overhead_ms_p50 is null, with the
/// reason, when the interval holds 0 (the overhead is smaller than the noise of this many pairs).
nlohmann::json overhead_section(const std::vector<double>& launcher_ms, const std::vector<double>& direct_ms);
/// Launcher timeout → container destroyed, in ms, for a launch with SANDBOX_TIMEOUT=`timeout_s`
/// that the launcher's timeout stopped (exit 124) and whose destroy event was seen.
std::optional<double> timeout_overshoot_ms(const LaunchSample&, double timeout_s);
/// Start → die, in ms, of an OOM-killed launch (the engine's oom event, or the kernel log's record).
std::optional<double> time_to_oom_kill_ms(const LaunchSample&);
/// Start → die, in ms, of a fork bomb that exited 0 (its forks were refused, it did not hang).
std::optional<double> fork_bomb_contained_ms(const LaunchSample&);
/// num / den, or 0 when den is not > 0 (a figure that could not be measured).
double ratio_or_zero(double num, double den);

}  // namespace sh
