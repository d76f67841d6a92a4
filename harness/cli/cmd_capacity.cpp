// `sandbox-harness capacity`: throughput and latency against concurrency, which workloads still
// pass at which value of each limit, and a capacity model checked against the measured curve.

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>

#include "run/bench.h"
#include "core/capacity_model.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "util/threads.h"
#include "io/docker_client.h"
#include "cli/report_files.h"
#include "reports/exporter.h"
#include "util/files.h"
#include "io/host_sampler.h"
#include "io/interrupt.h"
#include "run/progress.h"
#include "core/stats.h"
#include "run/suite.h"

namespace sh {

namespace fs = std::filesystem;

namespace {

struct CapacityOptions {
    std::string root, profile, out;
    std::vector<int> concurrency = {1, 2, 4, 8};
    int launches = 40;
    int target_cores = 16;
    bool quick = false;
    bool skip_limits = false;
};

ConcurrencyPoint measure_concurrency(BenchSession& session, const fs::path& hello, int concurrency, int launches) {
    std::mutex mu;
    std::vector<double> latencies;
    int next = 0;
    const auto t0 = std::chrono::steady_clock::now();
    run_on_threads(concurrency, [&] {
        for (;;) {
            {
                std::lock_guard lock(mu);
                if (next >= launches) return;
                ++next;
            }
            const auto s = session.launch(hello);
            std::lock_guard lock(mu);
            if (s.launch.exit_code == 0) latencies.push_back(s.launch.wall_ms);
        }
    });
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ConcurrencyPoint p;
    p.concurrency = concurrency;
    p.launches_per_s = latencies.size() / elapsed;
    p.latency_ms = summarize(latencies);
    return p;
}

/// The values each limit is swept over; the profile's own value is among them.
std::vector<std::pair<std::string, std::vector<std::map<std::string, std::string>>>> limit_sweeps(bool quick) {
    auto mem = [](const char* v) { return std::map<std::string, std::string>{{"SANDBOX_MEMORY", v}, {"SANDBOX_MEMORY_SWAP", v}}; };
    auto one = [](const char* k, const char* v) { return std::map<std::string, std::string>{{k, v}}; };
    auto tmpfs = [](const char* size) {
        return std::map<std::string, std::string>{{"SANDBOX_TMPFS", fmt::format("/tmp:rw,noexec,nosuid,nodev,size={}", size)}};
    };
    if (quick)
        return {{"memory", {mem("64m"), mem("256m")}}, {"pids", {one("SANDBOX_PIDS_LIMIT", "8"), one("SANDBOX_PIDS_LIMIT", "64")}}};
    return {{"memory", {mem("32m"), mem("64m"), mem("128m"), mem("256m")}},
            {"pids", {one("SANDBOX_PIDS_LIMIT", "8"), one("SANDBOX_PIDS_LIMIT", "16"), one("SANDBOX_PIDS_LIMIT", "64")}},
            {"cpus", {one("SANDBOX_CPUS", "0.25"), one("SANDBOX_CPUS", "0.5"), one("SANDBOX_CPUS", "1")}},
            {"tmpfs", {tmpfs("1m"), tmpfs("4m"), tmpfs("16m")}},
            {"timeout", {one("SANDBOX_TIMEOUT", "1"), one("SANDBOX_TIMEOUT", "2"), one("SANDBOX_TIMEOUT", "10")}}};
}

std::string describe(const std::map<std::string, std::string>& overrides) {
    std::string out;
    for (const auto& [k, v] : overrides) {
        if (k == "SANDBOX_MEMORY_SWAP") continue;
        out += (out.empty() ? "" : " ") + k.substr(8) + "=" + v;
    }
    return out;
}

}  // namespace

Command add_capacity_command(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "capacity", "Throughput and latency against concurrency, workloads against each limit's value, and "
                    "the capacity model (launches/s ≈ cores ÷ CPU-s per launch) checked against the sweep.");
    auto o = std::make_shared<CapacityOptions>();
    cmd->add_option("--out", o->out, "Output directory")->required();
    cmd->add_option("--concurrency", o->concurrency, "Concurrency levels")->delimiter(',')->capture_default_str();
    cmd->add_option("--launches", o->launches, "Launches per concurrency level")->check(CLI::Range(4, 100000))->capture_default_str();
    cmd->add_option("--target-cores", o->target_cores, "Project the model onto a host with this many cores")
        ->check(CLI::Range(1, 4096))->capture_default_str();
    cmd->add_option("--profile", o->profile, "Launcher profile (default sandbox/profiles/default.env)")->check(CLI::ExistingFile);
    cmd->add_option("--root", o->root, "The checkout holding sandbox/, workloads/");
    cmd->add_flag("--quick", o->quick, "A short sweep (two values of memory and pids)");
    cmd->add_flag("--no-limits", o->skip_limits, "Skip the limit sweeps");
    return {cmd, [o] {
        const auto& cancel = install_interrupt_handler();
        SuiteRequest base;
        base.root = resolve_root(o->root);
        base.profile_path = o->profile;
        const Profile profile = effective_profile(base);
        DockerClient docker;
        const EngineVersion engine = docker.version();
        const fs::path tmp = fs::temp_directory_path() / fmt::format("sandbox-harness-capacity-{}", getpid());
        const auto scripts = write_bench_scripts(tmp);

        RunReport report;
        report.meta.command_line = command_line();
        describe_host(report.meta, engine);
        const int cores = report.meta.cores;
        report.meta.profile_path = profile.path;
        report.meta.profile = profile.values;
        auto& extra = report.meta.extra;
        const auto started = std::chrono::steady_clock::now();

        std::vector<ConcurrencyPoint> sweep;
        double cpu_per_launch = 0;
        {
            BenchSession session(docker, base.root / "sandbox/run_secure_python.sh", profile);
            report.meta.run_id = session.run_id();
            for (int i = 0; i < 3; ++i) session.launch(scripts.at("hello"));
            for (int c : o->concurrency) {
                if (cancel.load()) break;
                fmt::print(stderr, "capacity: concurrency {}\n", c);
                const CpuSnapshot cpu0 = sample_cpu();
                ConcurrencyPoint p = measure_concurrency(session, scripts.at("hello"), c, std::max(o->launches, 4 * c));
                const double busy = busy_cpu_seconds(cpu0, sample_cpu());
                if (sweep.empty() && p.latency_ms.n > 0) cpu_per_launch = busy / p.latency_ms.n;
                sweep.push_back(p);
            }
            session.cleanup();
        }
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& p : sweep)
            rows.push_back({p.concurrency, p.latency_ms.n, p.launches_per_s, p.latency_ms.p50, p.latency_ms.p95, p.latency_ms.p99});
        extra["capacity_concurrency"] = {{"title", "Throughput and latency against concurrency (hello)"},
                                         {"columns", {"concurrency", "launches", "launches/s", "p50 ms", "p95 ms", "p99 ms"}},
                                         {"rows", rows}};
        if (cpu_per_launch > 0) {
            const CapacityReport model = project(analyze_capacity(sweep, cpu_per_launch, cores), o->target_cores);
            // The report shows the explanation once (as the note) and the figures as scalars: the
            // sweep is already the concurrency table, and nested objects would print as raw JSON.
            nlohmann::json section = model;
            for (const char* key : {"explanation", "latency_caveat", "sweep", "peak"}) section.erase(key);
            if (model.peak) {
                section["peak_concurrency"] = model.peak->concurrency;
                section["peak_launches_per_s"] = model.peak->launches_per_s;
            }
            section["title"] = "Capacity model";
            section["note"] = explain(model);
            extra["capacity_model"] = section;
            fmt::print("{}\n", explain(model));
        }

        if (!o->skip_limits) {
            nlohmann::json limit_rows = nlohmann::json::array();
            for (const auto& [limit, values] : limit_sweeps(o->quick)) {
                for (const auto& overrides : values) {
                    if (cancel.load()) break;
                    SuiteRequest req = base;
                    req.suite = "workloads";
                    req.images = "all";
                    req.jobs = 2;
                    req.overrides = overrides;
                    req.case_timeouts = limit != "timeout";
                    req.profile_label = describe(overrides);
                    req.out_dir = fs::path(o->out) / "limits" / (limit + "-" + std::to_string(limit_rows.size()));
                    fmt::print(stderr, "capacity: workloads at {}\n", req.profile_label);
                    auto silent = make_silent_progress();
                    const SuiteResult r = execute_suite(req, cancel, *silent);
                    std::vector<std::string> failing;
                    std::vector<double> wall;
                    for (const auto& rec : r.records) {
                        if (rec.judgement.verdict == Verdict::Pass) wall.push_back(rec.launch.wall_ms);
                        else failing.push_back(rec.case_id + "[" + rec.image + "]");
                    }
                    limit_rows.push_back({req.profile_label, wall.size(), r.records.size(), median(wall),
                                          failing.empty() ? std::string("-") : fmt::format("{}", fmt::join(failing, ", "))});
                }
            }
            extra["capacity_limits"] = {{"title", "Workloads against each limit's value"},
                                        {"columns", {"limit", "passed", "of", "p50 ms", "failing"}},
                                        {"rows", limit_rows}};
        }
        report.meta.load_avg_1m_end = sample_host_load().load1;
        report.meta.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        fs::remove_all(tmp);
        write_reports(report, o->out);
        fmt::print("{}", MarkdownExporter().render(report));
        return cancel.load() ? 128 + interrupt_signal() : 0;
    }};
}

}  // namespace sh
