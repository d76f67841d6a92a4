#include "run/runner.h"
#include "util/text.h"
#include "util/threads.h"
#include "core/run_owner.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <signal.h>

#include "io/canary.h"
#include "io/docker_client.h"
#include "io/event_monitor.h"
#include "core/flag_drift.h"
#include "io/host_files.h"
#include "io/host_sampler.h"
#include "io/kernel_log.h"
#include "io/load_watch.h"
#include "core/host_pressure.h"
#include "io/process_runner.h"
#include "io/processes.h"
#include "run/progress.h"
#include "io/records_file.h"
#include "core/schedule.h"
#include "core/verdict.h"

namespace sh {

namespace {

/// Labels that let a later run tell an orphan (its harness is dead) from a live run's container.
const std::string& owner_labels_text() {
    static const std::string labels = join_key_values(self_owner_labels());
    return labels;
}

/// Frees a started case's share of the budget on every way out of the worker's loop body, and
/// wakes the workers waiting for one.
struct Finished {
    Admission& admission;
    std::mutex& mu;
    std::condition_variable& may_start;
    std::size_t index;
    ~Finished() {
        {
            std::lock_guard lock(mu);
            admission.finish(index);
        }
        may_start.notify_all();
    }
};

/// A case's cgroup parent counted by the load watch while the guard lives.
class LoadTracking {
public:
    LoadTracking(LoadWatch* load, const std::optional<std::filesystem::path>& cgroup_root,
                 const std::optional<std::string>& parent, std::string key)
        : load_(cgroup_root && parent ? load : nullptr), key_(std::move(key)) {
        if (load_) load_->track(key_, *cgroup_root, *parent);
    }
    ~LoadTracking() {
        if (load_) load_->untrack(key_);
    }
    LoadTracking(const LoadTracking&) = delete;
    LoadTracking& operator=(const LoadTracking&) = delete;

private:
    LoadWatch* load_;
    std::string key_;
};

/// The record of a case before any judgement: what it is and where it ran.
Record case_record(const PlanItem& item, const RunConfig& cfg) {
    Record r;
    describe_case(r, *item.spec);
    r.script = cfg.checkout.relative(item.spec->path);
    r.image = item.image;
    r.repetition = item.repetition;
    r.container_name = item.container_name;
    r.profile_name = cfg.profile_label;
    return r;
}

/// The kernel's records of OOM kills in the container since `mark` (core/kernel_oom.h): which
/// process the limit killed, and the kill itself when the engine lost its "oom" event. When the
/// exit status looks like a kill that nothing shows, a note says why the kernel log could not tell.
void check_kernel_oom(Observation& obs, const std::string& container_id, KernelLog& log, std::size_t mark) {
    std::vector<long> candidates;
    for (const auto& pid : {obs.script.init_pid, obs.script.script_pid})
        if (pid) candidates.push_back(*pid);
    obs.oom_killed_pids = log.oom_killed_pids(container_id, mark, candidates);
    if (!obs.oom_killed && !obs.oom_killed_pids.empty()) {
        obs.oom_killed = true;
        obs.notes.push_back(fmt::format("OOM kill seen in the kernel log only (pid {}): the engine's oom event was "
                                        "lost",
                                        fmt::join(obs.oom_killed_pids, ", ")));
    }
    if (oom_killed_script(obs.oom_killed_pids, obs.script) || obs.exit_code != 128 + SIGKILL) return;
    if (log.unavailable()) {
        obs.notes.push_back("an OOM kill of the script's own process cannot be seen: the kernel log is unreadable (" +
                            *log.unavailable() + "; run as root, or set kernel.dmesg_restrict=0)");
        return;
    }
    if (!obs.script.script_pid && !obs.script.init_pid && !obs.script.dies_whole)
        obs.notes.push_back("the script's own process was not seen from outside when the container started (a "
                            "remote engine, or it was gone at once), so no OOM kill can be shown to be its own");
    if (const unsigned long lost = log.lost_records())
        obs.notes.push_back(fmt::format("the kernel log overwrote {} records before the harness read them: an OOM "
                                        "kill may be among them",
                                        lost));
    if (const unsigned long dropped = log.suppressed_summaries())
        obs.notes.push_back(fmt::format("the kernel's rate limit dropped {} OOM summaries this run (host-wide, about "
                                        "10 per 5 s); its per-kill line names only pids",
                                        dropped));
}

/// Observes what happened to the item's container once the launcher has returned.
Observation observe(const PlanItem& item, const Profile& effective, const LaunchResult& launch,
                    const RunConfig& cfg, RunContext& ctx,
                    const std::map<std::string, Fingerprint>& files_before,
                    const std::optional<std::string>& cgroup_parent, std::size_t canary_window,
                    std::chrono::steady_clock::time_point started, std::size_t kernel_mark) {
    Observation obs;
    obs.host = cfg.host_facts;
    // A launcher that reached Docker leaves create..destroy events; one that refused early leaves none.
    const bool reached_docker = launcher_reached_engine(launch);
    ContainerTimeline t = ctx.events.wait_destroyed(
        item.container_name, reached_docker ? std::chrono::milliseconds(5000)
                                            : std::chrono::milliseconds(300));
    if (auto away = ctx.events.outage_since(started)) {
        obs.engine_reachable = false;
        obs.notes.push_back(*away);
    }
    obs.container_id = t.id;
    obs.t_create = t.t_create;
    obs.t_start = t.t_start;
    obs.t_die = t.t_die;
    obs.t_destroy = t.t_destroy;
    obs.exit_code = t.exit_code;
    obs.oom_killed = t.oom;
    obs.script = t.script;
    obs.engine_actions = t.control_actions;
    if (t.inspect) {
        obs.inspected = true;
        obs.drift = compare_host_config(effective, *t.inspect);
        if (t.inspect->value("/State/OOMKilled"_json_pointer, false)) obs.oom_killed = true;
    } else if (t.t_create) {
        obs.notes.push_back("flags not verified: " + t.inspect_error.value_or("no inspect"));
    }
    if (t.id && ctx.kernel_log) check_kernel_oom(obs, *t.id, *ctx.kernel_log, kernel_mark);

    // Leftovers: the launcher must have removed its container on every path.
    try {
        if (auto still = ctx.docker.inspect_container(item.container_name)) {
            const std::string id = still->value("Id", item.container_name);
            obs.leftovers.push_back(id);
            ctx.docker.remove_container(id);
            obs.notes.push_back("container " + item.container_name +
                                " was still present after the launcher returned; removed it");
        }
        obs.container_gone = obs.leftovers.empty();
    } catch (const std::exception& e) {
        obs.engine_reachable = false;
        obs.notes.push_back(std::string("leftover check failed: ") + e.what());
    }

    if (cgroup_parent && cfg.cgroup_root && t.t_create) {
        std::string note;
        obs.memory_peak_bytes = take_memory_peak(*cfg.cgroup_root, *cgroup_parent, note);
        if (!note.empty()) obs.notes.push_back(note);
    }

    // The container is gone: whatever it sent is queued at the canary; take it all in, close the
    // case's window, and judge every hit in it (core/canary_evidence.h).
    ctx.canary_windows.close(canary_window, ctx.canary.sync(), t.id);
    obs.canary_hits = attribute(ctx.canary.hits(), ctx.canary_windows.windows(), canary_window);
    obs.host_file_changes = changed_files(files_before);
    return obs;
}

Record run_one(const PlanItem& item, const RunConfig& cfg, RunContext& ctx) {
    Record r = case_record(item, cfg);

    std::map<std::string, std::string> env = cfg.profile.values;
    for (const auto& [k, v] : item.env) env[k] = v;
    env["SANDBOX_PROFILE"] = cfg.profile.path;
    env["SANDBOX_NAME"] = item.container_name;
    env["SANDBOX_LABELS"] = join_key_values(item.labels) + " " + owner_labels_text();
    std::optional<std::string> cgroup_parent;
    if (auto it = item.env.find("SANDBOX_CGROUP_PARENT"); it != item.env.end()) cgroup_parent = it->second;
    const Profile effective = with_overrides(cfg.profile, env);

    std::vector<std::string> watched = item.spec->host_files;
    watched.push_back(item.spec->path);  // the script is mounted read-only: it must not change
    const auto files_before = fingerprint_all(watched);

    ProcessRequest req;
    req.argv = {cfg.checkout.launcher().string(), item.spec->path};
    req.argv.insert(req.argv.end(), item.args.begin(), item.args.end());
    req.env_set = env;
    req.output_cap_bytes = cfg.output_cap_bytes;
    req.watch_word = kProbeReportPrefix;  // report lines are counted in the whole stream, not the capture
    req.deadline = std::chrono::milliseconds(
        static_cast<long>(std::lround((item.spec->timeout_s + cfg.safety_margin_s) * 1000)));

    ctx.progress.case_started(item.spec->id + " [" + item.image + "]");
    // sync(), not hit_count(): a hit already queued in the kernel belongs before this window.
    const std::size_t canary_window = ctx.canary_windows.open(
        fmt::format("{}[{}]#{}", item.spec->id, item.image, item.repetition), item.container_name,
        ctx.canary.sync());
    const std::size_t kernel_mark = ctx.kernel_log ? ctx.kernel_log->mark() : 0;
    // The case's own tasks are counted apart, so that the load it made itself is not taken for
    // the host's (core/host_pressure.h).
    const LoadTracking own_load(ctx.load, cfg.cgroup_root, cgroup_parent, item.container_name);
    const auto started = std::chrono::steady_clock::now();
    r.launch = ctx.processes.run(req, &ctx.cancel);
    const auto ended = std::chrono::steady_clock::now();
    r.observation =
        observe(item, effective, r.launch, cfg, ctx, files_before, cgroup_parent, canary_window, started,
                kernel_mark);
    if (ctx.load) r.observation.host_load = ctx.load->window(started, ended, item.container_name);
    r.judgement = judge(*item.spec, r.launch, r.observation);
    after_judge(r.judgement, *item.spec,
                {.syscall_baseline = cfg.syscall_baseline ? &*cfg.syscall_baseline : nullptr,
                 .interrupted = ctx.cancel.load()});
    return r;
}

/// One case, run once more when it is a workload that timed out on an overloaded host
/// (core/host_pressure.h).
Record run_judged(const PlanItem& item, const RunConfig& cfg, RunContext& ctx) {
    Record first = run_one(item, cfg, ctx);
    if (ctx.cancel.load() || !deserves_rerun(first, cfg.overloaded_at)) return first;
    return settle_rerun(first, run_one(rerun_item(item), cfg, ctx));
}

}  // namespace

std::vector<Record> run_plan(const std::vector<PlanItem>& items, const RunConfig& cfg,
                             RunContext& ctx) {
    std::vector<std::optional<Record>> results(items.size());
    std::mutex mu;
    std::condition_variable may_start;
    // Which case starts next and how many run at once, by expected cost (core/schedule.h).
    Admission admission(expected_costs(items, cfg.cost_history, cfg.profile), cfg.jobs);
    const auto begin = std::chrono::steady_clock::now();
    std::size_t next = 0;  // cases started
    // Set when records.jsonl cannot take a record (a full disk): no further case starts, since its
    // record could not be kept; the cases running finish and are reported from memory.
    bool journal_failed = false;
    ctx.progress.begin(items.size());

    auto worker = [&] {
        for (;;) {
            std::size_t i;
            {
                std::unique_lock lock(mu);
                std::optional<std::size_t> picked;
                // Woken when a case finishes; a launch's share ends by the clock, so look again
                // every 50 ms.
                while (!(admission.all_started() || ctx.cancel.load() || journal_failed ||
                         (picked = admission.start_next(
                              std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count()))))
                    may_start.wait_for(lock, std::chrono::milliseconds(50));
                if (!picked) return;
                i = *picked;
                ++next;
            }
            const Finished finished{admission, mu, may_start, i};
            const PlanItem& item = items[i];
            Record rec;
            try {
                if (item.skip) {
                    rec = case_record(item, cfg);
                    rec.judgement = not_judged(item.skip_reason);
                } else {
                    rec = run_judged(item, cfg, ctx);
                }
            } catch (const std::exception& e) {
                // The harness broke on this case (the engine went away mid-observation, ...): the
                // case is an error, the run goes on.
                rec = case_record(item, cfg);
                rec.judgement = not_judged(e.what(), /*harness_failure=*/true);
            }
            try {
                ctx.records.append(rec);
            } catch (const std::exception& e) {
                // records.jsonl is a journal; the reports are written from the records kept here.
                std::lock_guard lock(mu);
                if (!journal_failed && ctx.harness_errors)
                    ctx.harness_errors->push_back(fmt::format(
                        "records.jsonl: {}; the run stopped there ({} of {} cases not started)", e.what(),
                        items.size() - next, items.size()));
                journal_failed = true;
            }
            ctx.progress.case_done(rec);
            results[i] = std::move(rec);
        }
    };
    // --jobs 1 keeps its old meaning, one case at a time (every canary hit then belongs to the one
    // case running); more jobs are a budget of cores that cases share by their expected cost.
    run_on_threads(cfg.jobs == 1 ? 1 : static_cast<int>(admission.max_in_flight()), worker);
    ctx.progress.end();

    std::vector<Record> out;
    for (auto& r : results)
        if (r) out.push_back(std::move(*r));
    return out;
}

std::vector<std::string> remove_run_containers(DockerEngine& docker, const std::string& run_id) {
    std::vector<std::string> removed;
    for (const auto& c : docker.list_containers("sandbox-harness.run=" + run_id)) {
        docker.remove_container(c.id);
        removed.push_back(c.id);
    }
    return removed;
}

}  // namespace sh
