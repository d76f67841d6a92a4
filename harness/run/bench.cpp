#include "run/bench.h"
#include "io/world.h"

#include <chrono>
#include <future>
#include <fstream>
#include <random>
#include <thread>

#include <fmt/format.h>
#include "io/processes.h"

#include "core/launch_cost.h"
#include "core/stats.h"
#include "core/verdict.h"
#include "io/docker_client.h"
#include "io/host_sampler.h"
#include "io/process_runner.h"
#include "run/suite.h"
#include "util/error.h"
#include "util/files.h"
#include "util/threads.h"

namespace sh {

namespace fs = std::filesystem;

namespace {

std::optional<double> ms_between(std::optional<double> a, std::optional<double> b) {
    if (!a || !b) return std::nullopt;
    return (*b - *a) * 1000.0;
}

std::string new_session_id(const std::string& prefix) {
    std::random_device rd;
    return fmt::format("{}-{:08x}", prefix, rd());
}

}  // namespace

BenchSession::BenchSession(DockerEngine& docker, fs::path launcher, Profile profile, const std::string& id_prefix)
    : docker_(docker), launcher_(std::move(launcher)), profile_(std::move(profile)), run_id_(new_session_id(id_prefix)) {
    events_ = std::make_unique<EventMonitor>(docker_, run_id_);
}

BenchSession::~BenchSession() {
    try {
        cleanup();
    } catch (const std::exception&) {
    }
}

void BenchSession::cleanup() {
    for (const auto& c : docker_.list_containers("sandbox-harness.run=" + run_id_)) docker_.remove_container(c.id);
}

LaunchSample BenchSession::launch(const fs::path& script, const std::map<std::string, std::string>& overrides,
                                  const std::vector<std::string>& args) {
    const std::string name = fmt::format("sh-{}-{}", run_id_, counter_++);
    ProcessRequest req;
    req.argv = {launcher_.string(), script.string()};
    req.argv.insert(req.argv.end(), args.begin(), args.end());
    req.env_set = profile_.values;
    for (const auto& [k, v] : overrides) req.env_set[k] = v;
    if (!profile_.path.empty()) req.env_set["SANDBOX_PROFILE"] = profile_.path;
    req.env_set["SANDBOX_NAME"] = name;
    req.env_set["SANDBOX_LABELS"] = "sandbox-harness.run=" + run_id_ + " sandbox-harness.bench=1";
    double timeout = 10;
    if (auto it = req.env_set.find("SANDBOX_TIMEOUT"); it != req.env_set.end()) {
        try {
            timeout = std::stod(it->second);
        } catch (const std::exception&) {
        }
    }
    req.deadline = std::chrono::milliseconds(static_cast<long>((timeout + 30) * 1000));
    req.output_cap_bytes = 64 * 1024;

    LaunchSample s;
    s.launch = run_process(req);
    s.timeline =
        events_->wait_destroyed(name, std::chrono::milliseconds(launcher_reached_engine(s.launch) ? 5000 : 200));
    // The engine loses its "oom" event at times (io/kernel_log.h): the kernel's record stands in.
    if (!s.timeline.oom && s.timeline.id && kernel_log_.oom_kill_by_limit_of(*s.timeline.id)) s.timeline.oom = true;
    const double spawn = s.launch.start_unix_s;
    const double exit = spawn + s.launch.wall_ms / 1000.0;
    s.client_to_create = ms_between(spawn, s.timeline.t_create);
    s.create_to_start = ms_between(s.timeline.t_create, s.timeline.t_start);
    s.start_to_die = ms_between(s.timeline.t_start, s.timeline.t_die);
    s.die_to_destroy = ms_between(s.timeline.t_die, s.timeline.t_destroy);
    s.destroy_to_exit = ms_between(s.timeline.t_destroy, exit);
    if (s.timeline.inspect) {
        std::lock_guard lock(mu_);
        last_inspect_ = s.timeline.inspect;
    }
    return s;
}

std::optional<nlohmann::json> BenchSession::last_create_body() const {
    std::lock_guard lock(mu_);
    if (!last_inspect_) return std::nullopt;
    return create_body_from_inspect(*last_inspect_);
}

double BenchSession::direct_lifecycle(const nlohmann::json& body) {
    const std::string name = fmt::format("sh-{}-{}", run_id_, counter_++);
    const auto t0 = std::chrono::steady_clock::now();
    const std::string id = docker_.create_container(body, name);
    // The wait is asked for before the start, as the docker CLI does: asked after it, it can meet
    // an AutoRemove container on its way out, and the engine (20.10, under runsc) then never answered.
    auto removed = std::async(std::launch::async, [this, &id] { return docker_.wait_container(id, "removed"); });
    docker_.start_container(id);
    removed.get();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

nlohmann::json create_body_from_inspect(const nlohmann::json& inspect) {
    const auto& cfg = inspect.at("Config");
    nlohmann::json body = {{"Image", cfg.at("Image")},
                           {"Cmd", cfg.value("Cmd", nlohmann::json::array())},
                           {"User", cfg.value("User", "")},
                           {"Env", cfg.value("Env", nlohmann::json::array())},
                           {"WorkingDir", cfg.value("WorkingDir", "")},
                           {"Labels", cfg.value("Labels", nlohmann::json::object())},
                           {"NetworkDisabled", cfg.value("NetworkDisabled", false)},
                           {"AttachStdout", true},
                           {"AttachStderr", true},
                           {"HostConfig", inspect.at("HostConfig")}};
    if (cfg.contains("Entrypoint") && !cfg["Entrypoint"].is_null()) body["Entrypoint"] = cfg["Entrypoint"];
    // The engine names the container; the direct lifecycle keeps the launcher's labels so the
    // session's guard still finds it.
    return body;
}

struct BatchCost::State {
    std::string run_id;
    EngineCpuWatch cpu{"/proc", std::chrono::milliseconds(20)};
    std::atomic<std::size_t> own{0}, all{0};
    std::unique_ptr<EventWatch> events;
    std::optional<std::string> problem;
};

BatchCost::BatchCost(DockerEngine& docker, std::string run_id) : state_(std::make_unique<State>()) {
    state_->run_id = std::move(run_id);
    State* st = state_.get();
    st->events = docker.watch_events({{"type", {"container"}}, {"event", {"start"}}}, [st](const EngineEvent& e) {
        if (e.action != "start") return;
        ++st->all;
        const auto it = e.attributes.find("sandbox-harness.run");
        if (it != e.attributes.end() && it->second == st->run_id) ++st->own;
    });
    if (!st->events->wait_ready(std::chrono::seconds(5)))
        st->problem = "the engine's event stream did not start: " + st->events->error().value_or("no answer in 5 s");
}

BatchCost::~BatchCost() {
    if (state_ && state_->events) state_->events->stop();
}

BatchCost::Result BatchCost::finish(std::size_t own_launches) {
    Result r;
    r.engine_cpu_s = state_->cpu.stop().seconds;
    // The batch's launches have returned, so their starts happened; their events may still be on
    // the way: wait briefly for the stream to catch up.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!state_->problem && !state_->events->error() && state_->own.load() < own_launches &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    state_->events->stop();
    if (!state_->problem && state_->events->error()) state_->problem = "the engine's event stream failed: " + *state_->events->error();
    r.own_starts = state_->own.load();
    r.engine_starts = state_->all.load();
    r.problem = state_->problem;
    return r;
}

std::map<std::string, fs::path> bench_scripts(const Catalogue& catalogue) {
    std::map<std::string, fs::path> out;
    for (const char* id : {"wl.hello", "wl.numpy-linalg", "wl.pandas-groupby", "wl.sympy-calculus", "timeout.sleep",
                           "res.memory-balloon", "res.fork-bomb", "res.cpu-spin"}) {
        const CaseSpec* c = catalogue.find(id);
        if (!c) throw Error(fmt::format("bench launches the catalogue's case {}, and the checkout has none", id));
        out[id] = c->path;
    }
    return out;
}

// ---- the figures ------------------------------------------------------------------------------

const nlohmann::json& summary_columns() {
    static const nlohmann::json columns = {"case", "n", "min ms", "p50 ms", "p95 ms", "p99 ms", "max ms"};
    return columns;
}

nlohmann::json summary_row(const std::string& name, const std::vector<double>& samples) {
    const Summary s = summarize(samples);
    return {name, s.n, s.min, s.p50, s.p95, s.p99, s.max};
}

std::vector<double> successful_walls(const std::vector<LaunchSample>& v) {
    std::vector<double> out;
    for (const auto& s : v)
        if (s.launch.started && s.launch.exit_code == 0) out.push_back(s.launch.wall_ms);
    return out;
}

namespace {

std::vector<double> collect(const std::vector<LaunchSample>& v, std::optional<double> LaunchSample::*phase) {
    std::vector<double> out;
    for (const auto& s : v)
        if (s.*phase) out.push_back(*(s.*phase));
    return out;
}

}  // namespace

nlohmann::json phase_row(const std::string& label, const std::vector<LaunchSample>& v, const std::vector<double>& walls) {
    return {label,
            median(collect(v, &LaunchSample::client_to_create)),
            median(collect(v, &LaunchSample::create_to_start)),
            median(collect(v, &LaunchSample::start_to_die)),
            median(collect(v, &LaunchSample::die_to_destroy)),
            median(collect(v, &LaunchSample::destroy_to_exit)),
            median(walls)};
}

double ratio_or_zero(double num, double den) { return den > 0 ? num / den : 0.0; }

nlohmann::json control_cost_rows(const std::vector<std::string>& profiles,
                                 const std::map<std::string, std::vector<double>>& samples_ms) {
    const auto samples_of = [&](const std::string& name) {
        const auto it = samples_ms.find(name);
        return it == samples_ms.end() ? std::vector<double>{} : it->second;
    };
    const double base = median(samples_of("default"));
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& name : profiles) {
        const auto samples = samples_of(name);
        const double p50 = median(samples);
        rows.push_back({name, samples.size(), p50, p50 - base, ratio_or_zero(p50, base)});
    }
    return rows;
}

nlohmann::json overhead_section(const std::vector<double>& launcher_ms, const std::vector<double>& direct_ms) {
    const PairedDifference d = paired_difference(launcher_ms, direct_ms);
    std::string note =
        "the launcher's extra time is its bash profile validation, the host-side AST check, and the docker CLI "
        "client; launcher_overhead_ms_p50 is the median of the paired differences (launcher − Engine API, one "
        "pair per round), with its distribution-free 95% interval";
    nlohmann::json overhead = d.median;
    if (!d.low) {
        note += fmt::format(". Not measurable: {} pairs are too few for a 95% interval (6 at least)", d.n);
        overhead = nullptr;
    } else if (!d.resolved()) {
        note += fmt::format(". Not measurable at this noise: the interval [{:.1f}, {:.1f}] ms holds 0, so the "
                            "overhead is smaller than the spread of {} pairs (more --runs, or a quieter host)",
                            *d.low, *d.high, d.n);
        overhead = nullptr;
    } else if (*d.high < 0) {
        note += ". The launcher was faster than the Engine API path in most pairs: the direct lifecycle is not a like-for-like baseline here";
    }
    return {{"title", "Launcher against the Engine API (same container configuration, interleaved)"},
            {"columns", summary_columns()},
            {"rows", {summary_row("launcher (hello)", launcher_ms), summary_row("Engine API create+start+wait (hello)", direct_ms)}},
            {"pairs", d.n},
            {"launcher_overhead_ms_p50", overhead},
            {"launcher_overhead_ms_ci95_low", d.low ? nlohmann::json(*d.low) : nlohmann::json()},
            {"launcher_overhead_ms_ci95_high", d.high ? nlohmann::json(*d.high) : nlohmann::json()},
            {"note", note}};
}

std::optional<double> timeout_overshoot_ms(const LaunchSample& s, double timeout_s) {
    if (s.launch.exit_code != kLauncherTimeout || !s.timeline.t_destroy) return std::nullopt;
    return (*s.timeline.t_destroy - (s.launch.start_unix_s + timeout_s)) * 1000;
}

std::optional<double> time_to_oom_kill_ms(const LaunchSample& s) {
    if (!s.timeline.oom || !s.timeline.t_start || !s.timeline.t_die) return std::nullopt;
    return (*s.timeline.t_die - *s.timeline.t_start) * 1000;
}

std::optional<double> fork_bomb_contained_ms(const LaunchSample& s) {
    if (s.launch.exit_code != 0 || !s.timeline.t_start || !s.timeline.t_die) return std::nullopt;
    return (*s.timeline.t_die - *s.timeline.t_start) * 1000;
}

// ---- the measurements -------------------------------------------------------------------------

namespace {

using Scripts = std::map<std::string, fs::path>;

/// bench_cpu: CPU per launch over the hello batch. The engine stack's CPU is divided by every
/// container start the engine reported meanwhile; when its event stream failed, by the batch's own
/// launches, and the note says so.
nlohmann::json cpu_section(const BatchCost::Result& spent, std::size_t launches, double busy_s, double self_s) {
    const std::size_t starts = spent.problem ? launches : spent.engine_starts;
    const PerLaunch engine = engine_cpu_per_launch(spent.engine_cpu_s, launches, starts);
    std::string note =
        "host busy CPU-s from /proc/stat over the batch ÷ launches (every process and kernel thread, other "
        "users' too); engine stack = dockerd + containerd + shims + runc and what they reap (utime+stime, "
        "children included, polled every 20 ms so that exited shims count) ÷ container starts the engine "
        "reported in the batch; harness = its own getrusage ÷ launches";
    if (spent.problem) note += ". " + *spent.problem + ": divided by the batch's own launches";
    if (!engine.note.empty()) note += ". Engine stack: " + engine.note;
    return {{"title", "CPU per launch (hello, serial batch)"},
            {"note", note},
            {"launches", launches},
            {"engine_container_starts", spent.problem ? nlohmann::json() : nlohmann::json(spent.engine_starts)},
            {"engine_cpu_s", spent.engine_cpu_s},
            {"host_cpu_s_per_launch", busy_s / static_cast<double>(launches)},
            {"engine_cpu_s_per_launch", engine.value ? nlohmann::json(*engine.value) : nlohmann::json()},
            {"harness_cpu_ms_per_launch", self_s * 1000 / static_cast<double>(launches)}};
}

/// Latency percentiles and phase breakdown per workload, plus CPU per launch measured over the
/// hello batch (host busy CPU and the engine stack's share), plus the harness's own CPU.
void bench_latency(BenchSession& session, const Scripts& scripts, const BenchSettings& o, nlohmann::json& extra,
                   std::vector<double>& hello_walls) {
    std::vector<std::pair<std::string, std::string>> cases = {{"base", "wl.hello"}};
    if (o.image != "base")
        cases.insert(cases.end(), {{"science", "wl.numpy-linalg"}, {"science", "wl.pandas-groupby"},
                                   {"science", "wl.sympy-calculus"}});
    if (o.image == "science") cases.erase(cases.begin());

    nlohmann::json lat_rows = nlohmann::json::array(), phase_rows = nlohmann::json::array();
    nlohmann::json samples = nlohmann::json::object();
    for (const auto& [image, name] : cases) {
        std::map<std::string, std::string> env;
        if (image == "science") env["SANDBOX_IMAGE"] = "secure-python-science:latest";
        for (int i = 0; i < o.warmup; ++i) session.launch(scripts.at(name), env);
        // CPU per launch is measured over hello's batch (the launch every other figure is set against).
        std::optional<BatchCost> cost;
        if (name == "wl.hello") cost.emplace(session.docker(), session.run_id());
        const CpuSnapshot cpu0 = sample_cpu();
        const double self0 = self_cpu_seconds();
        std::vector<LaunchSample> v;
        for (int i = 0; i < o.runs; ++i) v.push_back(session.launch(scripts.at(name), env));
        const double busy = busy_cpu_seconds(cpu0, sample_cpu());
        const double self = self_cpu_seconds() - self0;
        const std::optional<BatchCost::Result> spent =
            cost ? std::optional<BatchCost::Result>(cost->finish(v.size())) : std::nullopt;
        const std::string label = name + " [" + image + "]";
        const auto w = successful_walls(v);
        if (w.size() != v.size())
            throw Error(fmt::format("bench: {} of {} launches of {} failed (first: exit {}, stderr: {})",
                                    v.size() - w.size(), v.size(), label, v.front().launch.exit_code,
                                    v.front().launch.stderr_text.substr(0, 300)));
        lat_rows.push_back(summary_row(label, w));
        samples[label] = w;
        if (name == "wl.hello") hello_walls = w;
        phase_rows.push_back(phase_row(label, v, w));
        if (spent) extra["bench_cpu"] = cpu_section(*spent, v.size(), busy, self);
    }
    extra["bench_latency"] = {{"title", "Launch latency through the launcher (wall ms, spawn to exit)"},
                              {"columns", summary_columns()}, {"rows", lat_rows}, {"samples_ms", samples}};
    extra["bench_phases"] = {
        {"title", "Phase breakdown, medians in ms (Engine API event times)"},
        {"columns", {"case", "client→create", "create→start", "start→die", "die→destroy", "destroy→client exit", "total"}},
        {"rows", phase_rows}};
}

/// The launcher against the same lifecycle driven directly through the Engine API with the
/// identical configuration, interleaved so that drift hits both alike.
void bench_overhead(BenchSession& session, const Scripts& scripts, const BenchSettings& o, nlohmann::json& extra) {
    session.launch(scripts.at("wl.hello"));
    const auto body = session.last_create_body();
    if (!body) throw Error("bench: the launcher's container could not be inspected, so its configuration is unknown");
    for (int i = 0; i < o.warmup; ++i) session.direct_lifecycle(*body);
    std::vector<double> launcher, direct;
    for (int i = 0; i < o.runs; ++i) {
        const auto s = session.launch(scripts.at("wl.hello"));
        const double d = session.direct_lifecycle(*body);
        if (s.launch.exit_code != 0) continue;  // a pair counts only when both sides did the same work
        launcher.push_back(s.launch.wall_ms);
        direct.push_back(d);
    }
    extra["bench_overhead"] = overhead_section(launcher, direct);
}

/// The latency cost of each control: hello under each weakening (one control removed), against
/// the default profile, round-robin so that drift hits all alike.
void bench_controls(BenchSession& session, const Scripts& scripts, const Checkout& checkout, const BenchSettings& o,
                    nlohmann::json& extra) {
    std::vector<std::pair<std::string, std::map<std::string, std::string>>> variants = {{"default", {}}};
    for (const auto& w : load_weakenings(checkout.weakenings()))
        variants.emplace_back(fs::path(w.path).stem().string(), w.overrides);
    std::map<std::string, std::vector<double>> samples;
    for (int i = 0; i < o.runs; ++i)
        for (const auto& [name, env] : variants) {
            const auto s = session.launch(scripts.at("wl.hello"), env);
            if (s.launch.exit_code == 0) samples[name].push_back(s.launch.wall_ms);
        }
    std::vector<std::string> names;
    for (const auto& v : variants) names.push_back(v.first);
    extra["bench_controls"] = {
        {"title", "Latency cost of each control (hello; a negative delta = the control costs that much)"},
        {"columns", {"profile", "n", "p50 ms", "delta vs default ms", "ratio"}},
        {"rows", control_cost_rows(names, samples)}};
}

/// Timeout overshoot, time to OOM-kill, time to contain a fork bomb, and the noisy neighbour.
void bench_enforcement(BenchSession& session, const Scripts& scripts, const BenchSettings& o, nlohmann::json& extra,
                       const std::vector<double>& hello_alone) {
    const int n = std::max(3, o.runs / 4);
    std::vector<double> overshoot, oom, fork;
    const auto keep = [](std::vector<double>& into, std::optional<double> v) {
        if (v) into.push_back(*v);
    };
    for (int i = 0; i < n; ++i) {
        keep(overshoot, timeout_overshoot_ms(session.launch(scripts.at("timeout.sleep"), {{"SANDBOX_TIMEOUT", "1"}}), 1.0));
        keep(oom, time_to_oom_kill_ms(session.launch(
                      scripts.at("res.memory-balloon"),
                      {{"SANDBOX_AST_CHECK", "0"}, {"SANDBOX_MEMORY", "64m"}, {"SANDBOX_MEMORY_SWAP", "64m"}})));
        keep(fork, fork_bomb_contained_ms(session.launch(scripts.at("res.fork-bomb"), {{"SANDBOX_AST_CHECK", "0"}})));
    }
    // The noisy neighbour: hello while a CPU spinner (both threads) runs beside it.
    std::atomic<bool> spinning{true};
    BackgroundTask noisy([&] {
        while (spinning.load()) session.launch(scripts.at("res.cpu-spin"), {{"SANDBOX_AST_CHECK", "0"}, {"SANDBOX_TIMEOUT", "3"}});
    });
    // Declared after `noisy`, so destroyed before it: a throw below stops the spinner, then joins.
    struct StopSpinning {
        std::atomic<bool>& flag;
        ~StopSpinning() { flag = false; }
    } stop_spinning{spinning};
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    std::vector<double> beside;
    for (int i = 0; i < std::max(5, o.runs / 2); ++i) {
        const auto s = session.launch(scripts.at("wl.hello"));
        if (s.launch.exit_code == 0) beside.push_back(s.launch.wall_ms);
    }
    spinning = false;
    noisy.wait();
    extra["bench_enforcement"] = {
        {"title", "Enforcement timings (ms)"},
        {"columns", summary_columns()},
        {"rows", {summary_row("timeout overshoot: deadline → container destroyed (timeout 1 s)", overshoot),
                  summary_row("time to OOM-kill: start → die (64m balloon)", oom),
                  summary_row("fork bomb contained: start → exit (pids limit)", fork),
                  summary_row("hello alone", hello_alone),
                  summary_row("hello beside a 2-thread CPU spinner", beside)}},
        {"noisy_neighbour_p50_ratio", ratio_or_zero(median(beside), median(hello_alone))}};
}

/// The same command timed by hyperfine, so a reader can check that the harness's own timing
/// agrees (target: p50 within 5%).
void bench_hyperfine(const BenchSession& session, const fs::path& script, const BenchSettings& o,
                     const std::vector<double>& harness_walls, const fs::path& tmp, nlohmann::json& extra) {
    if (access("/usr/bin/hyperfine", X_OK) != 0) {
        extra["bench_hyperfine"] = {{"title", "hyperfine cross-check"}, {"note", "skipped: /usr/bin/hyperfine is not installed"}};
        return;
    }
    const Profile& profile = session.profile();
    const fs::path json = tmp / "hyperfine.json";
    ProcessRequest req;
    req.argv = {"/usr/bin/hyperfine", "-N", "--style", "none", "--warmup", std::to_string(o.warmup),
                "--runs", std::to_string(o.runs), "--export-json", json.string(),
                fmt::format("{} {}", session.launcher().string(), script.string())};
    req.env_set = profile.values;
    if (!profile.path.empty()) req.env_set["SANDBOX_PROFILE"] = profile.path;
    req.env_set["SANDBOX_LABELS"] = "sandbox-harness.run=" + session.run_id();
    req.deadline = std::chrono::minutes(10);
    const LaunchResult r = run_process(req);
    nlohmann::json j = nlohmann::json::parse(std::ifstream(json), nullptr, false);
    if (r.exit_code != 0 || j.is_discarded())
        throw Error("bench: hyperfine failed: " + r.stderr_text.substr(0, 300));
    const double hf = j["results"][0]["median"].get<double>() * 1000;
    const double mine = median(harness_walls);
    extra["bench_hyperfine"] = {{"title", "hyperfine cross-check (hello through the launcher)"},
                                {"hyperfine_p50_ms", hf},
                                {"harness_p50_ms", mine},
                                {"harness_over_hyperfine", ratio_or_zero(mine, hf)},
                                {"note", "measured one after the other in the same run; agreement within 5% is the target"}};
}

}  // namespace

RunReport run_bench(DockerEngine& docker, const RunSetup& setup, const BenchSettings& o) {
    const Profile& profile = setup.profile;
    const EngineVersion engine = docker.version();
    const auto scripts = bench_scripts(*setup.catalogue);
    const RemovedOnExit tmp{fs::temp_directory_path() / fmt::format("sandbox-harness-bench-{}", self_pid())};
    fs::create_directories(tmp.dir);  // hyperfine's export

    RunReport report;
    report.meta.command_line = o.command_line;
    report.meta.profile_path = profile.path;
    report.meta.profile = profile.values;
    describe_host(report.meta, engine, *real_world());
    const CpuSnapshot noise0 = sample_cpu();
    auto& extra = report.meta.extra;
    const auto t0 = std::chrono::steady_clock::now();
    {
        BenchSession session(docker, setup.checkout.launcher(), profile);
        report.meta.run_id = session.run_id();
        std::vector<double> hello;
        fmt::print(stderr, "bench: latency and CPU per launch\n");
        bench_latency(session, scripts, o, extra, hello);
        if (o.image != "science") {
            fmt::print(stderr, "bench: launcher overhead against the Engine API\n");
            bench_overhead(session, scripts, o, extra);
            if (o.controls) {
                fmt::print(stderr, "bench: latency cost of each control\n");
                bench_controls(session, scripts, setup.checkout, o, extra);
            }
            if (o.enforcement) {
                fmt::print(stderr, "bench: enforcement timings\n");
                bench_enforcement(session, scripts, o, extra, hello);
            }
            if (o.hyperfine) {
                fmt::print(stderr, "bench: hyperfine cross-check\n");
                bench_hyperfine(session, scripts.at("wl.hello"), o, hello, tmp.dir, extra);
            }
        }
        session.cleanup();
    }
    report.meta.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report.meta.load_avg_1m_end = sample_host_load().load1;
    extra["bench_host"] = {{"title", "Host load and noise during the bench"},
                           {"load1_start", report.meta.load_avg_1m_start},
                           {"load1_end", report.meta.load_avg_1m_end},
                           {"busy_fraction", busy_fraction(noise0, sample_cpu())},
                           {"cores", report.meta.cores}};
    return report;
}

}  // namespace sh
