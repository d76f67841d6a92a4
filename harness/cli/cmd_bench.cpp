// `sandbox-harness bench`: launch latency (percentiles and phases), the launcher's own overhead
// against the Engine API, CPU per launch, the latency cost of each control, enforcement timings,
// and a cross-check against hyperfine. Figures go to report.json's meta.extra and to the
// terminal; the other reports render them.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>

#include "run/bench.h"
#include "util/error.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "util/threads.h"
#include "io/docker_client.h"
#include "cli/report_files.h"
#include "reports/exporter.h"
#include "util/files.h"
#include "io/host_sampler.h"
#include "io/process_runner.h"
#include "core/stats.h"
#include "run/suite.h"

namespace sh {

namespace fs = std::filesystem;

namespace {

struct BenchOptions {
    std::string root, profile, out, image = "base";
    int runs = 20, warmup = 3;
    bool skip_controls = false, skip_enforcement = false, skip_hyperfine = false;
};

nlohmann::json summary_row(const std::string& name, const std::vector<double>& samples) {
    const Summary s = summarize(samples);
    return {name, s.n, s.min, s.p50, s.p95, s.p99, s.max};
}

const nlohmann::json kSummaryColumns = {"case", "n", "min ms", "p50 ms", "p95 ms", "p99 ms", "max ms"};

std::vector<double> collect(const std::vector<LaunchSample>& v, std::optional<double> LaunchSample::*phase) {
    std::vector<double> out;
    for (const auto& s : v)
        if (s.*phase) out.push_back(*(s.*phase));
    return out;
}

std::vector<double> walls(const std::vector<LaunchSample>& v) {
    std::vector<double> out;
    for (const auto& s : v)
        if (s.launch.started && s.launch.exit_code == 0) out.push_back(s.launch.wall_ms);
    return out;
}

/// Latency percentiles and phase breakdown per workload, plus CPU per launch measured over the
/// hello batch (host busy CPU and the engine stack's share), plus the harness's own CPU.
void bench_latency(BenchSession& session, const std::map<std::string, fs::path>& scripts,
                   const BenchOptions& o, nlohmann::json& extra, std::vector<double>& hello_walls) {
    std::vector<std::pair<std::string, std::string>> cases = {{"base", "pass"}, {"base", "hello"}};
    if (o.image != "base")
        cases.insert(cases.end(), {{"science", "numpy-import"}, {"science", "pandas-import"}, {"science", "sympy-import"}});
    if (o.image == "science") cases.erase(cases.begin(), cases.begin() + 2);

    nlohmann::json lat_rows = nlohmann::json::array(), phase_rows = nlohmann::json::array();
    nlohmann::json samples = nlohmann::json::object();
    for (const auto& [image, name] : cases) {
        std::map<std::string, std::string> env;
        if (image == "science") env["SANDBOX_IMAGE"] = "secure-python-science:latest";
        for (int i = 0; i < o.warmup; ++i) session.launch(scripts.at(name), env);
        const CpuSnapshot cpu0 = sample_cpu();
        const EngineCpu eng0 = sample_engine_cpu();
        const double self0 = self_cpu_seconds();
        std::vector<LaunchSample> v;
        for (int i = 0; i < o.runs; ++i) v.push_back(session.launch(scripts.at(name), env));
        const double busy = busy_cpu_seconds(cpu0, sample_cpu());
        const EngineCpu eng = engine_cpu_delta(eng0, sample_engine_cpu());
        const double self = self_cpu_seconds() - self0;
        const std::string label = name + " [" + image + "]";
        const auto w = walls(v);
        if (w.size() != v.size())
            throw Error(fmt::format("bench: {} of {} launches of {} failed (first: exit {}, stderr: {})",
                                                 v.size() - w.size(), v.size(), label, v.front().launch.exit_code,
                                                 v.front().launch.stderr_text.substr(0, 300)));
        lat_rows.push_back(summary_row(label, w));
        samples[label] = w;
        if (name == "hello") hello_walls = w;
        phase_rows.push_back({label, median(collect(v, &LaunchSample::client_to_create)),
                              median(collect(v, &LaunchSample::create_to_start)),
                              median(collect(v, &LaunchSample::start_to_die)),
                              median(collect(v, &LaunchSample::die_to_destroy)),
                              median(collect(v, &LaunchSample::destroy_to_exit)), median(w)});
        if (name == "hello")
            extra["bench_cpu"] = {
                {"title", "CPU per launch (hello, serial batch)"},
                {"note", "host busy CPU-s from /proc/stat over the batch ÷ launches (every process and "
                         "kernel thread); engine stack = dockerd + containerd + shims + runc (utime+stime, "
                         "children included) ÷ launches; harness = its own getrusage ÷ launches"},
                {"launches", v.size()},
                {"host_cpu_s_per_launch", busy / v.size()},
                {"engine_cpu_s_per_launch", eng.seconds / v.size()},
                {"harness_cpu_ms_per_launch", self * 1000 / v.size()}};
    }
    extra["bench_latency"] = {{"title", "Launch latency through the launcher (wall ms, spawn to exit)"},
                              {"columns", kSummaryColumns}, {"rows", lat_rows}, {"samples_ms", samples}};
    extra["bench_phases"] = {
        {"title", "Phase breakdown, medians in ms (Engine API event times)"},
        {"columns", {"case", "client→create", "create→start", "start→die", "die→destroy", "destroy→client exit", "total"}},
        {"rows", phase_rows}};
}

/// The launcher against the same lifecycle driven directly through the Engine API with the
/// identical configuration, interleaved so that drift hits both alike.
void bench_overhead(BenchSession& session, const std::map<std::string, fs::path>& scripts, const BenchOptions& o,
                    nlohmann::json& extra) {
    session.launch(scripts.at("hello"));
    const auto body = session.last_create_body();
    if (!body) throw Error("bench: the launcher's container could not be inspected, so its configuration is unknown");
    for (int i = 0; i < o.warmup; ++i) session.direct_lifecycle(*body);
    std::vector<double> launcher, direct;
    for (int i = 0; i < o.runs; ++i) {
        const auto s = session.launch(scripts.at("hello"));
        if (s.launch.exit_code == 0) launcher.push_back(s.launch.wall_ms);
        direct.push_back(session.direct_lifecycle(*body));
    }
    const double overhead = median(launcher) - median(direct);
    extra["bench_overhead"] = {
        {"title", "Launcher against the Engine API (same container configuration, interleaved)"},
        {"columns", kSummaryColumns},
        {"rows", {summary_row("launcher (hello)", launcher), summary_row("Engine API create+start+wait (hello)", direct)}},
        {"launcher_overhead_ms_p50", overhead},
        {"note", "the launcher's extra time is its bash profile validation, the host-side AST check, and the docker CLI client"}};
}

/// The latency cost of each control: hello under each weakening (one control removed), against
/// the default profile, round-robin so that drift hits all alike.
void bench_controls(BenchSession& session, const std::map<std::string, fs::path>& scripts, const fs::path& root,
                    const BenchOptions& o, nlohmann::json& extra) {
    std::vector<std::pair<std::string, std::map<std::string, std::string>>> variants = {{"default", {}}};
    for (const auto& w : load_weakenings(root / "sandbox/profiles/weakened"))
        variants.emplace_back(fs::path(w.path).stem().string(), w.overrides);
    std::map<std::string, std::vector<double>> samples;
    for (int i = 0; i < o.runs; ++i)
        for (const auto& [name, env] : variants) {
            const auto s = session.launch(scripts.at("hello"), env);
            if (s.launch.exit_code == 0) samples[name].push_back(s.launch.wall_ms);
        }
    const double base = median(samples["default"]);
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [name, env] : variants) {
        const double p50 = median(samples[name]);
        rows.push_back({name, samples[name].size(), p50, p50 - base, base > 0 ? p50 / base : 0.0});
    }
    extra["bench_controls"] = {
        {"title", "Latency cost of each control (hello; a negative delta = the control costs that much)"},
        {"columns", {"profile", "n", "p50 ms", "delta vs default ms", "ratio"}},
        {"rows", rows}};
}

/// Timeout overshoot, time to OOM-kill, time to contain a fork bomb, and the noisy neighbour.
void bench_enforcement(BenchSession& session, const std::map<std::string, fs::path>& scripts, const BenchOptions& o,
                       nlohmann::json& extra, const std::vector<double>& hello_alone) {
    const int n = std::max(3, o.runs / 4);
    std::vector<double> overshoot, oom, fork;
    for (int i = 0; i < n; ++i) {
        const auto s = session.launch(scripts.at("sleep"), {{"SANDBOX_TIMEOUT", "1"}});
        if (s.launch.exit_code == 124 && s.timeline.t_destroy)
            overshoot.push_back((*s.timeline.t_destroy - (s.launch.start_unix_s + 1.0)) * 1000);
        const auto b = session.launch(scripts.at("balloon"), {{"SANDBOX_AST_CHECK", "0"}, {"SANDBOX_MEMORY", "64m"}, {"SANDBOX_MEMORY_SWAP", "64m"}});
        if (b.timeline.oom && b.timeline.t_start && b.timeline.t_die)
            oom.push_back((*b.timeline.t_die - *b.timeline.t_start) * 1000);
        const auto f = session.launch(scripts.at("forkbomb"), {{"SANDBOX_AST_CHECK", "0"}});
        if (f.launch.exit_code == 0 && f.timeline.t_start && f.timeline.t_die)
            fork.push_back((*f.timeline.t_die - *f.timeline.t_start) * 1000);
    }
    // The noisy neighbour: hello while a CPU spinner (both threads) runs beside it.
    std::atomic<bool> spinning{true};
    BackgroundTask noisy([&] {
        while (spinning.load()) session.launch(scripts.at("spin"), {{"SANDBOX_AST_CHECK", "0"}, {"SANDBOX_TIMEOUT", "3"}});
    });
    // Declared after `noisy`, so destroyed before it: a throw below stops the spinner, then joins.
    struct StopSpinning {
        std::atomic<bool>& flag;
        ~StopSpinning() { flag = false; }
    } stop_spinning{spinning};
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    std::vector<double> beside;
    for (int i = 0; i < std::max(5, o.runs / 2); ++i) {
        const auto s = session.launch(scripts.at("hello"));
        if (s.launch.exit_code == 0) beside.push_back(s.launch.wall_ms);
    }
    spinning = false;
    noisy.wait();
    extra["bench_enforcement"] = {
        {"title", "Enforcement timings (ms)"},
        {"columns", kSummaryColumns},
        {"rows", {summary_row("timeout overshoot: deadline → container destroyed (timeout 1 s)", overshoot),
                  summary_row("time to OOM-kill: start → die (64m balloon)", oom),
                  summary_row("fork bomb contained: start → exit (pids limit)", fork),
                  summary_row("hello alone", hello_alone),
                  summary_row("hello beside a 2-thread CPU spinner", beside)}},
        {"noisy_neighbour_p50_ratio", median(hello_alone) > 0 ? median(beside) / median(hello_alone) : 0.0}};
}

/// The same command timed by hyperfine, so a reader can check that the harness's own timing
/// agrees (target: p50 within 5%).
void bench_hyperfine(const fs::path& launcher, const fs::path& script, const Profile& profile, const std::string& label,
                     const BenchOptions& o, const std::vector<double>& harness_walls, const fs::path& tmp,
                     nlohmann::json& extra) {
    if (access("/usr/bin/hyperfine", X_OK) != 0) {
        extra["bench_hyperfine"] = {{"title", "hyperfine cross-check"}, {"note", "skipped: /usr/bin/hyperfine is not installed"}};
        return;
    }
    const fs::path json = tmp / "hyperfine.json";
    ProcessRequest req;
    req.argv = {"/usr/bin/hyperfine", "-N", "--style", "none", "--warmup", std::to_string(o.warmup),
                "--runs", std::to_string(o.runs), "--export-json", json.string(),
                fmt::format("{} {}", launcher.string(), script.string())};
    req.env_set = profile.values;
    if (!profile.path.empty()) req.env_set["SANDBOX_PROFILE"] = profile.path;
    req.env_set["SANDBOX_LABELS"] = "sandbox-harness.run=" + label;
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
                                {"harness_over_hyperfine", hf > 0 ? mine / hf : 0.0},
                                {"note", "measured one after the other in the same run; agreement within 5% is the target"}};
}

}  // namespace

Command add_bench_command(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "bench", "Measure launch latency (percentiles, phases), the launcher's overhead against the Engine "
                 "API, CPU per launch, each control's latency cost and enforcement timings; writes the "
                 "figures into report.json (meta.extra), summary.md and report.html.");
    auto o = std::make_shared<BenchOptions>();
    cmd->add_option("--out", o->out, "Output directory")->required();
    cmd->add_option("--runs", o->runs, "Measured launches per figure")->check(CLI::Range(3, 10000))->capture_default_str();
    cmd->add_option("--warmup", o->warmup, "Launches before each measured batch")->check(CLI::Range(0, 100))->capture_default_str();
    cmd->add_option("--image", o->image, "base, science or all")->check(CLI::IsMember({"base", "science", "all"}))->capture_default_str();
    cmd->add_option("--profile", o->profile, "Launcher profile (default sandbox/profiles/default.env)")->check(CLI::ExistingFile);
    cmd->add_option("--root", o->root, "The checkout holding sandbox/");
    cmd->add_flag("--no-controls", o->skip_controls, "Skip the per-control latency cost");
    cmd->add_flag("--no-enforcement", o->skip_enforcement, "Skip the enforcement timings");
    cmd->add_flag("--no-hyperfine", o->skip_hyperfine, "Skip the hyperfine cross-check");
    return {cmd, [o] {
        SuiteRequest req;
        req.root = resolve_root(o->root);
        req.profile_path = o->profile;
        const Profile profile = effective_profile(req);
        DockerClient docker;
        const EngineVersion engine = docker.version();
        const fs::path launcher = req.root / "sandbox/run_secure_python.sh";
        const fs::path tmp = fs::temp_directory_path() / fmt::format("sandbox-harness-bench-{}", getpid());
        const auto scripts = write_bench_scripts(tmp);

        RunReport report;
        report.meta.command_line = command_line();
        report.meta.profile_path = profile.path;
        report.meta.profile = profile.values;
        describe_host(report.meta, engine);
        const CpuSnapshot noise0 = sample_cpu();
        auto& extra = report.meta.extra;
        const auto t0 = std::chrono::steady_clock::now();
        {
            BenchSession session(docker, launcher, profile);
            report.meta.run_id = session.run_id();
            std::vector<double> hello;
            fmt::print(stderr, "bench: latency and CPU per launch\n");
            bench_latency(session, scripts, *o, extra, hello);
            if (o->image != "science") {
                fmt::print(stderr, "bench: launcher overhead against the Engine API\n");
                bench_overhead(session, scripts, *o, extra);
                if (!o->skip_controls) {
                    fmt::print(stderr, "bench: latency cost of each control\n");
                    bench_controls(session, scripts, req.root, *o, extra);
                }
                if (!o->skip_enforcement) {
                    fmt::print(stderr, "bench: enforcement timings\n");
                    bench_enforcement(session, scripts, *o, extra, hello);
                }
                if (!o->skip_hyperfine) {
                    fmt::print(stderr, "bench: hyperfine cross-check\n");
                    bench_hyperfine(launcher, scripts.at("hello"), profile, session.run_id(), *o, hello, tmp, extra);
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
        fs::remove_all(tmp);
        write_reports(report, o->out);
        fmt::print("{}", MarkdownExporter().render(report));
        return 0;
    }};
}

}  // namespace sh
