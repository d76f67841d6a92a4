#include "run/suite.h"
#include "util/error.h"
#include "util/text.h"
#include "util/files.h"
#include "util/hash.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "io/canary.h"
#include "core/capacity_model.h"
#include "core/catalogue.h"
#include "io/docker_client.h"
#include "io/event_monitor.h"
#include "io/host_facts.h"
#include "io/host_files.h"
#include "io/host_sampler.h"
#include "io/kernel_log.h"
#include "io/load_watch.h"
#include "io/process_runner.h"
#include "core/plan.h"
#include "core/syscall_baseline.h"
#include "run/progress.h"
#include "io/records_file.h"
#include "io/run_lease.h"
#include "run/runner.h"
#include "run/runtime_check.h"


namespace sh {

namespace fs = std::filesystem;

namespace {

std::string iso_utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/// Lower-case, sortable, short enough for container names: 20261127t201500-3fa9.
std::string new_run_id() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dt%H%M%S", &tm);
    std::random_device rd;
    return fmt::format("{}-{:04x}", buf, rd() & 0xffff);
}

/// Each container gets its own cgroup parent only where its memory peak can be read afterwards:
/// an engine on this host, with the cgroupfs driver.
std::optional<fs::path> cgroup_root_for(const DockerEngine& docker, const EngineVersion& engine) {
    if (!docker.endpoint().starts_with("unix://") || engine.cgroup_driver != "cgroupfs") return std::nullopt;
    if (!fs::is_directory("/sys/fs/cgroup")) return std::nullopt;
    return fs::path("/sys/fs/cgroup");
}

ImageInfo describe_image(DockerEngine& docker, const std::string& name, const std::string& ref) {
    auto details = docker.inspect_image(ref);
    if (!details)
        throw Error(fmt::format(
            "image {} ({}) not found on the engine at {}: build it with `sandbox-harness build {}`",
            ref, name, docker.endpoint(), name));
    ImageInfo info;
    info.name = name;
    info.tag = ref;
    info.id = details->id;
    info.size_bytes = details->size_bytes;
    info.labels = details->labels;
    return info;
}

/// Runs killed mid-case (SIGKILL, a crash) leave their cases' cgroup parents behind
/// (<prefix>/<container name>, sh-<run id>-<n>). Those of a run whose lease names a dead owner go
/// at once; any other parent only once untouched for 10 minutes (a run without a lease here: an
/// older version, another mount namespace), which spares a concurrent run's.
void sweep_cgroups_of_dead_runs(const fs::path& cgroup_root, const std::string& prefix, const std::set<std::string>& dead) {
    const auto of_dead_run = [&](const std::string& name) {
        const auto dash = name.rfind('-');
        return name.starts_with("sh-") && dash != std::string::npos && dash > 3 && dead.count(name.substr(3, dash - 3));
    };
    const CgroupSweep sweep = sweep_stale_cgroup_parents(cgroup_root, prefix, std::chrono::minutes(10),
                                                         std::chrono::seconds(2), false, of_dead_run);
    if (!sweep.removed.empty())
        fmt::print(stderr, "sandbox-harness: removed {} cgroup directories left by earlier runs under {}/*{}\n",
                   sweep.removed.size(), cgroup_root.string(), prefix);
    for (const auto& why : sweep.kept) fmt::print(stderr, "sandbox-harness: cgroup parent left in place: {}\n", why);
}

/// The runs whose lease names an owner that is gone (killed, crashed), this run excepted.
std::set<std::string> dead_runs(const std::string& own_run) {
    std::set<std::string> dead;
    for (const auto& lease : read_run_leases(kRunLeaseDir)) {
        std::string why;
        if (lease.run_id != own_run && owner_is_gone(lease.labels, lease.age_s, why)) dead.insert(lease.run_id);
    }
    return dead;
}

/// The syscall sweep's baseline for the profile's runtime, next to the sweep's script, when the
/// run includes the sweep. One that exists but cannot be read stops the run before any case, as
/// a header error does: a night's sweep would be compared with nothing.
std::optional<SyscallBaselineCheck> syscall_baseline_for(const std::vector<const CaseSpec*>& cases,
                                                         const Profile& profile, const Checkout& checkout,
                                                         const std::string& engine, const std::string& kernel) {
    const auto sweep =
        std::find_if(cases.begin(), cases.end(), [](const CaseSpec* c) { return c->id == kSyscallSweepId; });
    if (sweep == cases.end()) return std::nullopt;
    SyscallBaselineCheck check;
    check.runtime = profile.get("SANDBOX_RUNTIME", "runc");
    const fs::path file = fs::path((*sweep)->path).parent_path() / syscall_baseline_file_name(check.runtime);
    check.file = checkout.relative(file);
    check.engine = engine;
    check.kernel = kernel;
    std::error_code ec;
    if (!fs::exists(file, ec)) return check;
    std::string error;
    if (const auto text = read_regular_file(file, 16 << 20, error)) check.baseline = parse_syscall_baseline(*text, error);
    if (!check.baseline) throw CatalogueError({file.string() + ": " + error});
    return check;
}

}  // namespace

void describe_host(RunMeta& meta, const EngineVersion& engine) {
    if (meta.started_at.empty()) meta.started_at = iso_utc_now();
    meta.engine_version = engine.version;
    meta.engine_api_version = engine.api_version;
    meta.cgroup_version = engine.cgroup_version;
    struct utsname uts {};
    uname(&uts);
    meta.host = uts.nodename;
    meta.kernel = uts.release;
    meta.cores = static_cast<int>(std::thread::hardware_concurrency());
    meta.load_avg_1m_start = sample_host_load().load1;
}

namespace {

/// Every script the run will launch must parse: a probe with a syntax error would be rejected by
/// the launcher's AST check (exit 126) and judged "contained by ast" without ever running. Checked
/// once, before anything runs, with the Python the AST check uses; each error is reported as
/// FILE:LINE: message, like a header error.
void check_scripts_parse(const std::vector<const CaseSpec*>& cases, ProcessRunner& processes) {
    static constexpr const char* kCheck =
        "import sys\n"
        "bad = 0\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        with open(path, 'rb') as f:\n"
        "            compile(f.read(), path, 'exec', 1024, dont_inherit=True)\n"  // 1024: ast.PyCF_ONLY_AST
        "    except SyntaxError as e:\n"
        "        bad += 1; print(f'{path}:{e.lineno or 1}: the script does not parse: {e.msg}')\n"
        "    except (ValueError, OSError) as e:\n"
        "        bad += 1; print(f'{path}:1: the script does not parse: {e}')\n"
        "sys.exit(1 if bad else 0)\n";
    ProcessRequest req;
    req.argv = {"/usr/bin/python3", "-I", "-S", "-c", kCheck};
    for (const CaseSpec* c : cases) req.argv.push_back(c->path);
    req.deadline = std::chrono::seconds(120);
    const LaunchResult r = processes.run(req);
    if (!r.started)
        throw Error("cannot check that the catalogue's scripts parse: " + r.start_error +
                    " (the launcher's AST check needs /usr/bin/python3 too: apt-get install python3)");
    if (r.exit_code == 0) return;
    std::vector<std::string> errors;
    for (const std::string_view line : split_lines(r.stdout_text))
        if (!line.empty()) errors.emplace_back(line);
    if (errors.empty())
        errors.push_back(fmt::format("the syntax check of the catalogue failed (exit {}): {}", r.exit_code,
                                     r.stderr_text));
    throw CatalogueError(std::move(errors));
}

/// FNV-1a 64 over every case script, by path relative to the checkout and the content hash the
/// catalogue took when it read it: two shards with the same hash ran the same catalogue.
std::string catalogue_hash(const std::vector<const CaseSpec*>& cases, const fs::path& root) {
    std::vector<std::pair<std::string, std::uint64_t>> files;
    for (const CaseSpec* c : cases) files.emplace_back(fs::path(c->path).lexically_relative(root).string(), c->script_hash);
    std::sort(files.begin(), files.end());
    Fnv1a64 h;
    for (const auto& [path, script] : files) {
        h.add(path);
        h.add(fmt::format("\xff{:016x}\xff", script));
    }
    return fmt::format("{:016x}", h.value());
}

}  // namespace

std::string source_commit(const fs::path& root) {
    // Each of these files is one line ending in '\n'.
    const auto first_line = [](const fs::path& file) -> std::optional<std::string> {
        std::string error;
        const auto text = read_regular_file(file, 4096, error);
        if (!text) return std::nullopt;
        const auto lines = split_lines(*text);
        return lines.empty() ? std::string() : std::string(trim(lines.front()));
    };
    const auto head = first_line(root / ".git/HEAD");
    if (!head) return "";
    if (!head->starts_with("ref: ")) return *head;
    const std::string ref = head->substr(5);
    if (auto loose = first_line(root / ".git" / ref)) return *loose;
    std::string error;
    if (auto packed = read_regular_file(root / ".git/packed-refs", 16 << 20, error))
        for (std::string_view line : split_lines(*packed))
            if (line.size() > 41 && line.substr(41) == ref) return std::string(line.substr(0, 40));
    return "";
}

SuiteResult execute_suite(const SuiteRequest& req, const std::atomic<bool>& cancel, Progress& progress) {
    DockerClient docker;
    SubprocessRunner processes;
    SuiteEnvironment env{docker, processes};
    return execute_suite(req, cancel, progress, env);
}

SuiteResult execute_suite(const SuiteRequest& req, const std::atomic<bool>& cancel, Progress& progress,
                          SuiteEnvironment& env) {
    SuiteResult result;
    RunMeta& meta = result.meta;
    meta.run_id = new_run_id();
    meta.started_at = iso_utc_now();
    meta.command_line = req.command_line;
    meta.shard = req.shard;
    const auto t0 = std::chrono::steady_clock::now();

    const RunSetup& setup = req.setup;
    const Profile& profile = setup.profile;
    meta.profile_path = profile.path;
    meta.profile = profile.values;
    const std::vector<const CaseSpec*>& cases = setup.cases;

    check_scripts_parse(cases, env.processes);
    meta.catalogue_hash = catalogue_hash(cases, setup.checkout.root);
    meta.commit = source_commit(setup.checkout.root);

    DockerEngine& docker = env.docker;
    const EngineVersion engine = docker.version();  // throws with the fix when no engine answers

    if (setup.images != ImageChoice::Science)
        meta.images.push_back(describe_image(docker, "base", setup.image_refs.at("base")));
    if (setup.images != ImageChoice::Base)
        meta.images.push_back(describe_image(docker, "science", setup.image_refs.at("science")));

    for (const auto& id : remove_orphaned_containers(docker))
        fmt::print(stderr, "sandbox-harness: removed container {} left by an earlier run\n", id.substr(0, 12));

    describe_host(meta, engine);
    // The host's identity, once per run: probes' host claims are checked against it, and the
    // sweep's baseline counts only on the kernel it was recorded with.
    const HostFacts host = read_host_facts();
    const auto syscall_baseline =
        syscall_baseline_for(cases, profile, setup.checkout, engine.version, host.kernel_release.value_or(meta.kernel));

    Canary canary;
    PlanOptions opts;
    opts.images = setup.images;
    opts.repeat = req.repeat;
    if (!req.shard.empty()) opts.shard = parse_shard(req.shard);
    opts.run_id = meta.run_id;
    opts.image_refs = setup.image_refs;
    opts.canary_host = canary.host();
    opts.canary_tcp_port = canary.tcp_port();
    opts.canary_udp_port = canary.udp_port();
    opts.profile = profile;
    opts.case_timeouts = req.case_timeouts;
    opts.self_test = req.self_test;
    const std::optional<fs::path> cgroup_root = cgroup_root_for(docker, engine);
    // This run's lease: a later run that finds it with its owner dead knows this run was killed.
    const RunLease lease(kRunLeaseDir, meta.run_id, self_owner_labels());
    const std::set<std::string> dead = dead_runs(meta.run_id);
    if (cgroup_root) {
        opts.cgroup_parent_prefix = "/sandbox-harness";
        sweep_cgroups_of_dead_runs(*cgroup_root, *opts.cgroup_parent_prefix, dead);
    }
    for (const auto& run : dead) remove_run_lease(kRunLeaseDir, run);
    // A runtime this host cannot run (SANDBOX_RUNTIME): every case skipped with the engine's reason.
    const std::vector<PlanItem> plan = skip_if_runtime_unavailable(
        make_plan(cases, opts), setup.checkout.launcher(), profile, meta, env.processes, cancel);
    // What this run owes a record for: merge refuses a shard whose records are not exactly these.
    meta.planned = planned_case_keys(plan);

    fs::create_directories(req.out_dir);
    RecordsWriter records(req.out_dir / "records.jsonl");
    EventMonitor events(docker, meta.run_id);

    RunConfig cfg;
    cfg.checkout = setup.checkout;
    cfg.profile = profile;
    cfg.profile_label = setup.profile_label;
    cfg.host_facts = host;
    cfg.syscall_baseline = syscall_baseline;
    cfg.jobs = req.jobs;
    cfg.cost_history = req.cost_history;
    cfg.cgroup_root = cgroup_root;
    cfg.overloaded_at = req.overloaded_at;
    CanaryLedger canary_windows;
    LoadWatch load;
    KernelLog kernel_log;
    RunContext ctx{docker, env.processes, events, canary, canary_windows, records, progress, cancel,
                   &result.harness_errors, &load, &kernel_log};
    const CpuSnapshot host0 = sample_cpu();
    const double harness0 = self_cpu_seconds();
    const double children0 = children_cpu_seconds();
    const KernelThreadsCpu kernel0 = sample_kernel_threads_cpu();
    // Polled every 100 ms, not the default 20: each poll scans /proc (~0.5 ms CPU here), and a run
    // needs the total, not bench's precision (what a shim spends after the last poll is lost).
    EngineCpuWatch engine_cpu("/proc", std::chrono::milliseconds(100));
    result.records = run_plan(plan, cfg, ctx);
    RunCost& cost = result.cost;
    cost.engine_cpu_s = engine_cpu.stop().seconds;
    cost.host_busy_cpu_s = busy_cpu_seconds(host0, sample_cpu());
    cost.sampler_cpu_s = engine_cpu.poll_cpu_seconds();
    cost.harness_cpu_s = self_cpu_seconds() - harness0 - cost.sampler_cpu_s;
    cost.launchers_cpu_s = children_cpu_seconds() - children0;
    cost.kernel_threads_cpu_s = kernel_threads_cpu_delta(kernel0, sample_kernel_threads_cpu());

    // A canary hit that arrived while no case was running cannot be tied to any case: it fails
    // the run, as a record of its own, so that every report and the exit status show it.
    if (auto unexplained = unexplained_hits(canary.hits(), canary_windows.windows(), canary.sync());
        !unexplained.empty()) {
        Record r = unexplained_hits_record(meta.run_id, std::move(unexplained));
        records.append(r);
        result.records.push_back(std::move(r));
    }

    // The guard: no container of this run outlives it. When the engine is away now, the judged
    // records still make a report: the failure is a harness error (exit 2), not a lost run.
    try {
        for (const auto& id : remove_run_containers(docker, meta.run_id))
            fmt::print(stderr, "sandbox-harness: removed leftover container {}\n", id.substr(0, 12));
    } catch (const std::exception& e) {
        result.harness_errors.push_back(std::string("final cleanup failed (containers of run ") + meta.run_id +
                                        " may be left; the next run removes them): " + e.what());
    }

    meta.interrupted = cancel.load();
    meta.load_avg_1m_end = sample_host_load().load1;
    meta.finished_at = iso_utc_now();
    meta.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    cost.wall_s = meta.wall_s;
    cost.cores = meta.cores;
    cost.cases = result.records.size();
    cost.launches = static_cast<std::size_t>(std::count_if(result.records.begin(), result.records.end(),
                                                           [](const Record& r) { return r.observation.container_id.has_value(); }));
    meta.run_cost = cost;  // the run_efficiency section is derived from it (core/run_figures.h)
    return result;
}

}  // namespace sh
