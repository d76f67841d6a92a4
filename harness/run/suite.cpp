#include "run/suite.h"
#include "util/error.h"
#include "util/text.h"
#include "util/files.h"
#include "util/hash.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

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
#include "io/world.h"
#include "run/runner.h"
#include "run/runtime_check.h"


namespace sh {

namespace fs = std::filesystem;

namespace {

/// Each case's cgroup parent is <cgroup root>/<controller>/sandbox-harness/<container name>.
constexpr const char* kCgroupParentPrefix = "/sandbox-harness";

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

void describe_host(RunMeta& meta, const EngineVersion& engine, World& world) {
    if (meta.started_at.empty()) meta.started_at = world.utc_now();
    meta.engine_version = engine.version;
    meta.engine_api_version = engine.api_version;
    meta.cgroup_version = engine.cgroup_version;
    const HostIdentity host = world.host_identity();
    meta.host = host.hostname;
    meta.kernel = host.kernel;
    meta.cores = host.cores;
    meta.load_avg_1m_start = world.load1();
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


namespace {

/// The meta a run starts with: its id and start, the command line, the shard and the profile.
RunMeta start_meta(const SuiteRequest& req, World& world) {
    RunMeta meta;
    meta.run_id = world.new_run_id();
    meta.started_at = world.utc_now();
    meta.command_line = req.command_line;
    meta.shard = req.shard;
    meta.profile_path = req.setup.profile.path;
    meta.profile = req.setup.profile.values;
    return meta;
}

/// What the run stands on, checked before any case runs: a failure here is a harness error
/// (exit 2) with no case run.
struct Preflight {
    EngineVersion engine;
    HostFacts host;  ///< probes' host claims are checked against it
    std::optional<SyscallBaselineCheck> syscall_baseline;
    std::optional<fs::path> cgroup_root;
};

Preflight check_before_run(const SuiteRequest& req, RunMeta& meta, World& world) {
    const RunSetup& setup = req.setup;
    check_scripts_parse(setup.cases, world.processes());
    meta.catalogue_hash = catalogue_hash(setup.cases, setup.checkout.root);
    meta.commit = source_commit(setup.checkout.root);

    DockerEngine& docker = world.engine();
    Preflight pre;
    pre.engine = docker.version();  // throws with the fix when no engine answers
    if (setup.images != ImageChoice::Science)
        meta.images.push_back(describe_image(docker, "base", setup.image_refs.at("base")));
    if (setup.images != ImageChoice::Base)
        meta.images.push_back(describe_image(docker, "science", setup.image_refs.at("science")));
    for (const auto& id : world.remove_orphaned_containers())
        fmt::print(stderr, "sandbox-harness: removed container {} left by an earlier run\n", id.substr(0, 12));

    describe_host(meta, pre.engine, world);
    // The host's identity, once per run; the sweep's baseline counts only on the kernel it was
    // recorded with.
    pre.host = world.host_facts();
    pre.syscall_baseline = syscall_baseline_for(setup.cases, setup.profile, setup.checkout, pre.engine.version,
                                                pre.host.kernel_release.value_or(meta.kernel));
    pre.cgroup_root = world.cgroup_root(pre.engine);
    return pre;
}

/// The plan, with the canary the probes aim at, each case's cgroup parent where there is a root,
/// and every case skipped when the profile's runtime cannot run here.
std::vector<PlanItem> plan_run(const SuiteRequest& req, const Preflight& pre, const Canary& canary, RunMeta& meta,
                               World& world, const std::atomic<bool>& cancel) {
    const RunSetup& setup = req.setup;
    PlanOptions opts;
    opts.images = setup.images;
    opts.repeat = req.repeat;
    if (!req.shard.empty()) opts.shard = parse_shard(req.shard);
    opts.run_id = meta.run_id;
    opts.image_refs = setup.image_refs;
    opts.canary_host = canary.host();
    opts.canary_tcp_port = canary.tcp_port();
    opts.canary_udp_port = canary.udp_port();
    opts.profile = setup.profile;
    opts.case_timeouts = req.case_timeouts;
    opts.self_test = req.self_test;
    if (pre.cgroup_root) opts.cgroup_parent_prefix = kCgroupParentPrefix;
    return skip_if_runtime_unavailable(make_plan(setup.cases, opts), setup.checkout.launcher(), setup.profile, meta,
                                       world.processes(), cancel);
}

/// Runs the plan with everything that watches its cases open, and returns the records (the run's
/// own canary record last, when a hit arrived while no case ran) and what the run cost in CPU.
std::vector<Record> run_cases(const std::vector<PlanItem>& plan, const SuiteRequest& req, const Preflight& pre,
                              Canary& canary, const std::string& run_id, World& world, Progress& progress,
                              const std::atomic<bool>& cancel, SuiteResult& result) {
    fs::create_directories(req.out_dir);
    const std::unique_ptr<RecordSink> records = world.open_records(req.out_dir / "records.jsonl");
    const std::unique_ptr<EventMonitor> events = world.watch_events(run_id);
    const std::unique_ptr<LoadWatch> load = world.open_load_watch();
    const std::unique_ptr<KernelLog> kernel_log = world.open_kernel_log();
    CanaryLedger canary_windows;

    RunConfig cfg;
    cfg.checkout = req.setup.checkout;
    cfg.profile = req.setup.profile;
    cfg.profile_label = req.setup.profile_label;
    cfg.host_facts = pre.host;
    cfg.syscall_baseline = pre.syscall_baseline;
    cfg.jobs = req.jobs;
    cfg.cost_history = req.cost_history;
    cfg.cgroup_root = pre.cgroup_root;
    cfg.overloaded_at = req.overloaded_at;
    RunContext ctx{world.engine(), world.processes(), *events, canary, canary_windows, *records, progress, cancel,
                   &result.harness_errors, load.get(), kernel_log.get()};
    const std::unique_ptr<CostMeter> meter = world.start_cost_meter();
    std::vector<Record> out = run_plan(plan, cfg, ctx);
    result.cost = meter->stop();

    // A canary hit that arrived while no case was running cannot be tied to any case: it fails
    // the run, as a record of its own, so that every report and the exit status show it.
    if (auto unexplained = unexplained_hits(canary.hits(), canary_windows.windows(), canary.sync());
        !unexplained.empty()) {
        Record r = unexplained_hits_record(run_id, std::move(unexplained));
        try {
            records->append(r);
        } catch (const std::exception& e) {
            result.harness_errors.push_back(e.what());
        }
        out.push_back(std::move(r));
    }
    return out;
}

/// The guard (no container of this run outlives it) and the meta's closing figures. When the
/// engine is away now, the judged records still make a report: the failure is a harness error
/// (exit 2), not a lost run.
void finish_run(SuiteResult& result, World& world, const std::atomic<bool>& cancel,
                std::chrono::steady_clock::time_point t0) {
    RunMeta& meta = result.meta;
    try {
        for (const auto& id : remove_run_containers(world.engine(), meta.run_id))
            fmt::print(stderr, "sandbox-harness: removed leftover container {}\n", id.substr(0, 12));
    } catch (const std::exception& e) {
        result.harness_errors.push_back(std::string("final cleanup failed (containers of run ") + meta.run_id +
                                        " may be left; the next run removes them): " + e.what());
    }
    meta.interrupted = cancel.load();
    meta.load_avg_1m_end = world.load1();
    meta.finished_at = world.utc_now();
    meta.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    RunCost& cost = result.cost;
    cost.wall_s = meta.wall_s;
    cost.cores = meta.cores;
    cost.cases = result.records.size();
    cost.launches = static_cast<std::size_t>(std::count_if(result.records.begin(), result.records.end(),
                                                           [](const Record& r) { return r.observation.container_id.has_value(); }));
    meta.run_cost = cost;  // the run_efficiency section is derived from it (core/run_figures.h)
}

}  // namespace

SuiteResult execute_suite(const SuiteRequest& req, const std::atomic<bool>& cancel, Progress& progress, World& world) {
    const auto t0 = std::chrono::steady_clock::now();
    SuiteResult result;
    result.meta = start_meta(req, world);
    RunMeta& meta = result.meta;
    const Preflight pre = check_before_run(req, meta, world);
    const std::unique_ptr<Canary> canary = world.open_canary();
    // This run's lease: a later run that finds it with its owner dead knows this run was killed.
    const std::unique_ptr<RunLease> lease = world.take_lease(meta.run_id);
    world.sweep_dead_runs(meta.run_id, pre.cgroup_root, kCgroupParentPrefix);
    const std::vector<PlanItem> plan = plan_run(req, pre, *canary, meta, world, cancel);
    // What this run owes a record for: merge refuses a shard whose records are not exactly these.
    meta.planned = planned_case_keys(plan);
    result.records = run_cases(plan, req, pre, *canary, meta.run_id, world, progress, cancel, result);
    finish_run(result, world, cancel, t0);
    return result;
}

SuiteResult execute_suite(const SuiteRequest& req, const std::atomic<bool>& cancel, Progress& progress) {
    const std::unique_ptr<World> world = real_world();
    return execute_suite(req, cancel, progress, *world);
}

}  // namespace sh
