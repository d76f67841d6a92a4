#include "run/capacity.h"
#include "core/usl.h"
#include "io/host_facts.h"
#include "io/world.h"

#include <algorithm>
#include <chrono>
#include <mutex>

#include <fmt/format.h>

#include "io/docker_client.h"
#include "io/host_sampler.h"
#include "run/bench.h"
#include "run/progress.h"
#include "util/files.h"
#include "util/threads.h"

namespace sh {

namespace fs = std::filesystem;

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
    return concurrency_point(concurrency, latencies, elapsed);
}

std::vector<LimitSweep> limit_sweeps(bool quick) {
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

std::string describe_overrides(const std::map<std::string, std::string>& overrides) {
    std::string out;
    for (const auto& [k, v] : overrides) {
        if (k == "SANDBOX_MEMORY_SWAP") continue;
        out += (out.empty() ? "" : " ") + k.substr(8) + "=" + v;
    }
    return out;
}

nlohmann::json limit_row(const std::string& label, const std::vector<Record>& records) {
    std::vector<std::string> failing;
    std::vector<double> wall;
    for (const auto& rec : records) {
        if (rec.judgement.verdict == Verdict::Pass) wall.push_back(rec.launch.wall_ms);
        else failing.push_back(rec.case_id + "[" + rec.image + "]");
    }
    return {label, wall.size(), records.size(), median(wall),
            failing.empty() ? std::string("-") : fmt::format("{}", fmt::join(failing, ", "))};
}

namespace {

/// The concurrency sweep after three warm-up launches; the CPU per launch measured over its
/// first level (0 when that level had no successful launch).
std::vector<ConcurrencyPoint> sweep_concurrency(BenchSession& session, const fs::path& hello,
                                                const CapacitySettings& o, const std::atomic<bool>& cancel,
                                                double& cpu_per_launch) {
    std::vector<ConcurrencyPoint> sweep;
    for (int i = 0; i < 3; ++i) session.launch(hello);
    for (int c : o.concurrency) {
        if (cancel.load()) break;
        fmt::print(stderr, "capacity: concurrency {}\n", c);
        const CpuSnapshot cpu0 = sample_cpu();
        ConcurrencyPoint p = measure_concurrency(session, hello, c, std::max(o.launches, 4 * c));
        const double busy = busy_cpu_seconds(cpu0, sample_cpu());
        if (sweep.empty() && p.latency_ms.n > 0) cpu_per_launch = busy / p.latency_ms.n;
        sweep.push_back(p);
    }
    return sweep;
}

/// The workloads suite (both images, two jobs) once per value of each limit.
nlohmann::json sweep_limits(const RunSetup& base, const CapacitySettings& o, const std::atomic<bool>& cancel) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [limit, values] : limit_sweeps(o.quick)) {
        for (const auto& overrides : values) {
            if (cancel.load()) break;
            SuiteRequest req;
            req.setup = prepare_run(base.checkout, {base.profile.path, overrides, describe_overrides(overrides)},
                                    {"workloads", {}, "all"});
            req.jobs = 2;
            req.case_timeouts = limit != "timeout";
            req.out_dir = o.out / "limits" / (limit + "-" + std::to_string(rows.size()));
            req.command_line = o.command_line;
            fmt::print(stderr, "capacity: workloads at {}\n", req.setup.profile_label);
            auto silent = make_silent_progress();
            const SuiteResult r = execute_suite(req, cancel, *silent);
            rows.push_back(limit_row(req.setup.profile_label, r.records));
        }
    }
    return {{"title", "Workloads against each limit's value"},
            {"columns", {"limit", "passed", "of", "p50 ms", "failing"}},
            {"rows", rows}};
}

/// The scalability law fitted to the sweep, and checked on its two highest levels when at least
/// five were measured; with fewer than three, a note that says what to measure.
nlohmann::json scalability_sections(const std::vector<ConcurrencyPoint>& sweep) {
    std::vector<LoadLevel> levels;
    for (const auto& p : sweep)
        if (p.launches_per_s > 0) levels.push_back({p.concurrency, p.launches_per_s, p.latency_ms.p50, p.latency_ms.p95});
    try {
        const UslFit all = fit_usl(levels);
        std::optional<UslValidation> check;
        if (levels.size() >= 5) check = validate_usl(levels, 2);
        return usl_sections(all, check, levels);
    } catch (const std::invalid_argument& e) {
        return {{"capacity_usl", {{"title", "Universal Scalability Law"}, {"note", std::string("not fitted: ") + e.what()}}}};
    }
}

/// What a host of this kind has that sizing counts: cores, memory and pids.
nlohmann::json host_section(int cores) {
    nlohmann::json j = {{"title", "The measured host"}, {"cores", cores}};
    if (const auto kib = read_host_facts().mem_total_kib) j["mem_total_kib"] = *kib;
    if (const auto pids = read_pid_max()) j["pid_max"] = *pids;
    return j;
}

}  // namespace

RunReport run_capacity(DockerEngine& docker, const RunSetup& base, const CapacitySettings& o,
                       const std::atomic<bool>& cancel) {
    const Profile& profile = base.profile;
    const EngineVersion engine = docker.version();
    const auto scripts = bench_scripts(*base.catalogue);

    RunReport report;
    report.meta.command_line = o.command_line;
    describe_host(report.meta, engine, *real_world());
    report.meta.profile_path = profile.path;
    report.meta.profile = profile.values;
    auto& extra = report.meta.extra;
    const auto started = std::chrono::steady_clock::now();

    std::vector<ConcurrencyPoint> sweep;
    double cpu_per_launch = 0;
    {
        BenchSession session(docker, base.checkout.launcher(), profile, "capacity");
        report.meta.run_id = session.run_id();
        sweep = sweep_concurrency(session, scripts.at("wl.hello"), o, cancel, cpu_per_launch);
        session.cleanup();
    }
    extra["capacity_concurrency"] = concurrency_section(sweep);
    const nlohmann::json scalability = scalability_sections(sweep);
    for (const auto& [key, section] : scalability.items()) extra[key] = section;
    if (cpu_per_launch > 0) {
        const CapacityReport model =
            project(analyze_capacity(sweep, cpu_per_launch, report.meta.cores), o.target_cores);
        extra["capacity_model"] = capacity_model_section(model);
        fmt::print("{}\n", explain(model));
    }
    extra["capacity_host"] = host_section(report.meta.cores);
    if (o.target) add_sizing(report, *o.target);
    if (o.limits) extra["capacity_limits"] = sweep_limits(base, o, cancel);
    report.meta.load_avg_1m_end = sample_host_load().load1;
    report.meta.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

void add_sizing(RunReport& report, const SizingTarget& target) {
    const SizingAnswer answer =
        size_hosts(service_levels(report.meta.extra), target, host_limits(report.meta.extra, report.meta.profile));
    report.meta.extra["capacity_sizing"] = sizing_section(answer, target);
}

}  // namespace sh
