#include "run/chaos.h"

#include <algorithm>
#include <csignal>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/record.h"
#include "io/docker_client.h"
#include "io/host_files.h"
#include "io/noisy_neighbour.h"
#include "io/process_runner.h"
#include "io/processes.h"
#include "io/records_file.h"
#include "io/report_file.h"
#include "util/error.h"
#include "util/text.h"
#include "util/threads.h"

namespace sh {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

/// How long a case's container may take to appear, and a run or a cleanup to end, before the
/// fault is called broken. Generous: machines here differ in speed by 3x and more.
constexpr auto kAppearWithin = std::chrono::seconds(60);
constexpr auto kRunEndsWithin = std::chrono::seconds(120);
/// A SIGKILLed harness's launchers must be gone long before the 110 s its case sleeps.
constexpr double kOrphanGoneWithinS = 30;
/// The launcher's deadline inside the container fires 3 s after the case's timeout
/// (sandbox/run_secure_python.sh, DEADLINE_MARGIN_S), its watchdog outside 5 s after it counted
/// from the launcher's start (earlier than the container's); the engine then needs time to kill it.
constexpr double kDeadlineOverrunLimitS = 5 + 3;

double now_s() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
void nap() { std::this_thread::sleep_for(std::chrono::milliseconds(50)); }

/// A checkout of its own for one fault: the real sandbox/, and only the chaos cases it names.
struct Scratch {
    Checkout checkout;
    Scratch(const ChaosRequest& req, const std::string& fault, const std::vector<std::string>& cases)
        : checkout{req.out_dir / fault / "checkout"} {
        fs::remove_all(checkout.root);
        for (const auto& dir : checkout.catalogue_dirs()) fs::create_directories(dir);
        fs::create_symlink(fs::absolute(req.checkout.sandbox()), checkout.sandbox());
        for (const auto& c : cases) fs::copy_file(req.checkout.chaos_cases() / c, checkout.root / c);
    }
    fs::path script(const std::string& c) const { return checkout.root / c; }
};

/// `sandbox-harness run` on a scratch checkout, as a child running in the background.
class HarnessRun {
public:
    HarnessRun(ProcessRunner& processes, const ChaosRequest& req, const Scratch& scratch, fs::path out,
               std::vector<std::string> extra)
        : out_(std::move(out)), needle_("--root " + scratch.checkout.root.string() + " ") {
        ProcessRequest p;
        p.argv = {req.harness.string(), "run", "--root", scratch.checkout.root.string(), "--image", "base", "--out", out_.string()};
        if (!req.profile.empty()) p.argv.insert(p.argv.end(), {"--profile", req.profile.string()});
        p.argv.insert(p.argv.end(), extra.begin(), extra.end());
        p.deadline = std::chrono::minutes(10);
        p.output_cap_bytes = 256 * 1024;
        task_.emplace([this, &processes, p] {
            result_ = processes.run(p, &stop_);
            ended_ = true;
        });
    }
    ~HarnessRun() {
        stop_ = true;
        if (task_) try { task_->wait(); } catch (...) {}
    }
    /// The run's own pid, found by its unique --root.
    std::optional<pid_t> pid() const {
        const auto found = find_processes(needle_);
        return found.empty() ? std::nullopt : std::optional(found.front());
    }
    /// The run's process has exited (its pid may be unknown before it starts: ask this, not pid()).
    bool ended() const { return ended_.load(); }
    const LaunchResult& wait() {
        task_->wait();
        return result_;
    }
    std::vector<Record> records() const { return read_records(out_ / "records.jsonl"); }
    const fs::path& out() const { return out_; }

private:
    fs::path out_;
    std::string needle_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> ended_{false};
    LaunchResult result_;
    std::optional<BackgroundTask> task_;  // last: started once everything it uses exists
};

/// The first running container of the case, within kAppearWithin.
std::optional<ContainerSummary> wait_running(DockerEngine& docker, const std::string& case_id, HarnessRun* run = nullptr) {
    const auto t0 = Clock::now();
    while (Clock::now() - t0 < kAppearWithin) {
        for (const auto& c : docker.list_containers("sandbox-harness.case=" + case_id))
            if (c.state == "running") return c;
        if (run && run->ended()) return std::nullopt;  // the run ended without it
        nap();
    }
    return std::nullopt;
}

std::string which(const std::string& program) {
    const char* path = std::getenv("PATH");
    for (const auto dir : split(path ? path : "/usr/local/bin:/usr/bin:/bin", ':'))
        if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return (fs::path(dir) / program).string();
    throw Error("chaos needs the `" + program + "` command, and it is not on PATH (apt-get install docker.io)");
}

/// The docker CLI, as an operator or another job would use it.
LaunchResult docker_cli(ProcessRunner& processes, std::vector<std::string> args) {
    ProcessRequest p;
    p.argv = {which("docker")};
    p.argv.insert(p.argv.end(), args.begin(), args.end());
    p.deadline = std::chrono::seconds(60);
    return processes.run(p);
}

/// The launcher's processes for one script: the launcher and its subshells (a SIGKILL of the
/// launcher that spared a subshell holding the host-side timeout would not test the deadline inside
/// the container). The docker client it started is not among them: its command line names the
/// script as a mount, not after the launcher's path.
std::vector<pid_t> launcher_processes(const fs::path& script) {
    return find_processes("run_secure_python.sh " + script.string());
}

/// A word for /bin/sh: single-quoted.
std::string shell_quote(const std::string& word) {
    std::string out = "'";
    for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string verdict_text(const Record& r) {
    std::string text = std::string(to_string(r.judgement.verdict));
    if (!r.judgement.reasons.empty()) text += " (" + r.judgement.reasons.front() + ")";
    return text;
}

std::string verdicts_text(const std::vector<Record>& records) {
    std::vector<std::string> parts;
    for (const auto& r : records) parts.push_back(r.case_id + ": " + verdict_text(r));
    return parts.empty() ? "no record" : fmt::format("{}", fmt::join(parts, "; "));
}

FaultResult held(FaultResult f) {
    f.status = FaultStatus::Held;
    return f;
}
FaultResult broken(FaultResult f, std::string why) {
    f.status = FaultStatus::Broken;
    f.reason = std::move(why);
    return f;
}
FaultResult skipped(FaultResult f, std::string why) {
    f.status = FaultStatus::Skipped;
    f.reason = std::move(why);
    return f;
}

/// The records of a finished run, with its exit status and the reports' presence checked.
struct Finished {
    int status = -1;
    std::vector<Record> records;
    std::string problem;  ///< non-empty: the run did not end as any run must
    std::string stderr_text;
};

Finished finish(HarnessRun& run) {
    Finished f;
    const LaunchResult& r = run.wait();
    f.stderr_text = r.stderr_text;
    if (!r.started) {
        f.problem = "the run did not start: " + r.start_error;
        return f;
    }
    if (r.signal || r.harness_deadline_hit) {
        f.problem = "the run did not end by itself" + std::string(r.signal ? fmt::format(" (signal {})", *r.signal) : "");
        return f;
    }
    f.status = r.exit_code;
    try {
        f.records = run.records();
    } catch (const std::exception& e) {
        f.problem = e.what();
    }
    return f;
}

/// A case's container interfered with from outside: the run must end 2 with the case an error
/// whose first reason starts "interfered".
FaultResult interference(const ChaosRequest& req, DockerEngine& docker, ProcessRunner& processes, const std::string& fault,
                         std::vector<std::vector<std::string>> actions, std::string injected) {
    FaultResult f{.fault = fault, .injected = std::move(injected),
                  .expected = "exit 2, the case an error whose reason names the interference"};
    const Scratch scratch(req, fault, {"attacks/waits_to_be_killed.py"});
    HarnessRun run(processes, req, scratch, req.out_dir / fault, {});
    const auto c = wait_running(docker, "chaos.waits-to-be-killed", &run);
    if (!c) return broken(f, "the case's container was never seen running: " + finish(run).stderr_text);
    const auto t0 = Clock::now();
    for (auto& a : actions) {
        if (a.front() == "sleep") {
            std::this_thread::sleep_for(std::chrono::seconds(1));
            continue;
        }
        a.push_back(c->id);
        const LaunchResult r = docker_cli(processes, a);
        if (!r.started || r.exit_code != 0)
            return broken(f, fmt::format("`docker {}` failed: {}{}", fmt::join(a, " "), r.start_error, r.stderr_text));
    }
    const Finished done = finish(run);
    f.recovery_s = since(t0);
    if (!done.problem.empty()) return broken(f, done.problem);
    f.observed = fmt::format("exit {}; {}", done.status, verdicts_text(done.records));
    if (done.records.size() != 1) return broken(f, "expected one record");
    const Record& r = done.records.front();
    if (r.judgement.verdict != Verdict::Error || r.judgement.reasons.empty() ||
        !r.judgement.reasons.front().starts_with("interfered"))
        return broken(f, "the interference was not named: the case was judged " + verdict_text(r));
    if (done.status != 2) return broken(f, fmt::format("exit {}, expected 2", done.status));
    return held(f);
}

/// The negative control: the same case with no fault must not be flagged.
FaultResult no_fault(const ChaosRequest& req, DockerEngine&, ProcessRunner& processes) {
    FaultResult f{.fault = "none", .injected = "Nothing: the interference faults' case, undisturbed.",
                  .expected = "exit 0, the case contained (no fault is flagged where there is none)"};
    const Scratch scratch(req, f.fault, {"attacks/waits_to_be_killed.py"});
    HarnessRun run(processes, req, scratch, req.out_dir / f.fault, {});
    const Finished done = finish(run);
    if (!done.problem.empty()) return broken(f, done.problem);
    f.observed = fmt::format("exit {}; {}", done.status, verdicts_text(done.records));
    if (done.status != 0 || done.records.size() != 1 || done.records[0].judgement.verdict != Verdict::Contained)
        return broken(f, "the undisturbed case was not judged contained with exit 0");
    return held(f);
}

/// A launcher SIGKILLed inside a run: its case is an error (the launcher died of a signal), and no
/// container of the run is left.
FaultResult launcher_killed_in_run(const ChaosRequest& req, DockerEngine& docker, ProcessRunner& processes) {
    FaultResult f{.fault = "launcher-sigkill-in-run",
                  .injected = "SIGKILL to the case's launcher (run_secure_python.sh and its subshells) while its container runs.",
                  .expected = "exit 2, the case an error (never contained), no container left"};
    const Scratch scratch(req, f.fault, {"attacks/waits_to_be_killed.py"});
    HarnessRun run(processes, req, scratch, req.out_dir / f.fault, {});
    if (!wait_running(docker, "chaos.waits-to-be-killed", &run))
        return broken(f, "the case's container was never seen running: " + finish(run).stderr_text);
    const auto launchers = launcher_processes(scratch.script("attacks/waits_to_be_killed.py"));
    if (launchers.empty()) return broken(f, "no launcher process was found");
    const auto t0 = Clock::now();
    for (const pid_t pid : launchers) send_signal(pid, SIGKILL);
    const Finished done = finish(run);
    f.recovery_s = since(t0);
    if (!done.problem.empty()) return broken(f, done.problem);
    f.observed = fmt::format("exit {}; {}", done.status, verdicts_text(done.records));
    if (done.records.size() != 1 || done.records[0].judgement.verdict != Verdict::Error)
        return broken(f, "a case whose launcher was killed was not judged an error");
    if (!docker.list_containers("sandbox-harness.case=chaos.waits-to-be-killed").empty())
        return broken(f, "the case's container is still there after the run");
    if (done.status != 2) return broken(f, fmt::format("exit {}, expected 2", done.status));
    return held(f);
}

/// The launcher alone, SIGKILLed once its container runs: nothing on the host stops the container
/// now but the launcher's watchdog (its own session); the deadline inside it, or that watchdog
/// when the script stopped PID 1 (gVisor lets it), must end it within a small bound past the
/// case's timeout. `script` is a chaos case of 4 s timeout that ignores signals and sleeps.
FaultResult launcher_killed_alone(const ChaosRequest& req, DockerEngine& docker, ProcessRunner& processes,
                                  const std::string& fault, const std::string& script, const std::string& case_id,
                                  const std::string& what) {
    constexpr double kTimeout = 4;
    FaultResult f{.fault = fault,
                  .injected = fmt::format("The launcher alone (no harness) on a script that {} under a {:.0f} s "
                                          "timeout; SIGKILL to the launcher and its subshells once the container runs.",
                                          what, kTimeout),
                  .expected = fmt::format("the container gone at most {:.0f} s past its timeout", kDeadlineOverrunLimitS)};
    const Scratch scratch(req, f.fault, {script});
    const std::string name = fmt::format("sh-chaos-{}-{}", self_pid(), fault);
    ProcessRequest p;
    p.argv = {req.checkout.launcher().string(), scratch.script(script).string()};
    p.env_set = {{"SANDBOX_NAME", name}, {"SANDBOX_TIMEOUT", fmt::format("{:.0f}", kTimeout)},
                 {"SANDBOX_LABELS", "sandbox-harness.case=" + case_id + " sandbox-harness.chaos=" + name}};
    if (!req.profile.empty()) p.env_set["SANDBOX_PROFILE"] = req.profile.string();
    p.deadline = std::chrono::minutes(3);
    std::atomic<bool> stop{false};
    LaunchResult launch;
    BackgroundTask launcher([&] { launch = processes.run(p, &stop); });
    const auto cleanup = [&] {
        stop = true;
        try { launcher.wait(); } catch (...) {}
        try { docker.remove_container(name); } catch (...) {}
    };
    std::optional<nlohmann::json> running;
    for (const auto t0 = Clock::now(); !running && Clock::now() - t0 < kAppearWithin; nap())
        if (auto c = docker.inspect_container(name); c && c->value("/State/Running"_json_pointer, false)) running = c;
    if (!running) {
        cleanup();
        return broken(f, "the container never ran: " + launch.stderr_text);
    }
    const auto started = parse_engine_time(running->value("/State/StartedAt"_json_pointer, std::string()));
    const auto launchers = launcher_processes(scratch.script(script));
    for (const pid_t pid : launchers) send_signal(pid, SIGKILL);
    const double killed_at = now_s();
    std::optional<double> gone_at;
    for (const auto t0 = Clock::now(); !gone_at && Clock::now() - t0 < std::chrono::seconds(60); nap()) {
        const auto c = docker.inspect_container(name);
        if (!c || !c->value("/State/Running"_json_pointer, false)) gone_at = now_s();
    }
    cleanup();
    if (launchers.empty()) return broken(f, "no launcher process was found");
    if (!started) return broken(f, "the engine gave no start time for the container");
    if (!gone_at) return broken(f, "the container still ran 60 s after its launcher was killed");
    f.recovery_s = *gone_at - killed_at;
    f.deadline_overrun_s = *gone_at - *started - kTimeout;
    f.observed = fmt::format("container ran {:.1f} s ({:.1f} s past its {:.0f} s timeout), ended {:.1f} s after the kill",
                             *gone_at - *started, *f.deadline_overrun_s, kTimeout, *f.recovery_s);
    if (*f.deadline_overrun_s > kDeadlineOverrunLimitS) return broken(f, "the container outlived its deadline by too much");
    return held(f);
}

/// After a run that was stopped or killed: a new run of a quick case must pass and find nothing
/// of the old one to remove. Held when it does; `f.observed` gets the new run's outcome.
FaultResult then_a_clean_run(const ChaosRequest& req, ProcessRunner& processes, FaultResult f) {
    const Scratch next(req, f.fault + "-next", {"workloads/says_hello.py"});
    HarnessRun run(processes, req, next, req.out_dir / f.fault / "next", {});
    const Finished done = finish(run);
    if (!done.problem.empty()) return broken(f, "next run: " + done.problem);
    f.observed += fmt::format("; next run: exit {}; {}", done.status, verdicts_text(done.records));
    if (done.stderr_text.find("left by an earlier run") != std::string::npos)
        return broken(f, "the next run still found something of the earlier run: " + done.stderr_text);
    if (done.status != 0) return broken(f, "the next run did not pass");
    return held(f);
}

/// The harness SIGKILLed mid-case: its launcher must learn of it and remove the container long
/// before the case would end, and the next run must find nothing of it.
FaultResult harness_killed(const ChaosRequest& req, DockerEngine& docker, ProcessRunner& processes) {
    FaultResult f{.fault = "harness-sigkill",
                  .injected = "SIGKILL to `sandbox-harness run` while its case (110 s of sleep) runs; then a new run.",
                  .expected = fmt::format("launcher and container gone within {:.0f} s; the next run exits 0 and finds "
                                          "nothing of the dead run to remove", kOrphanGoneWithinS)};
    const Scratch scratch(req, f.fault, {"attacks/sleeps_for_minutes.py"});
    const fs::path script = scratch.script("attacks/sleeps_for_minutes.py");
    {
        HarnessRun run(processes, req, scratch, req.out_dir / f.fault / "killed", {});
        if (!wait_running(docker, "chaos.sleeps-for-minutes", &run))
            return broken(f, "the case's container was never seen running: " + finish(run).stderr_text);
        const auto pid = run.pid();
        if (!pid) return broken(f, "the run's process was not found");
        send_signal(*pid, SIGKILL);
        const auto t0 = Clock::now();
        run.wait();
        std::optional<double> gone;
        while (!gone && since(t0) < kOrphanGoneWithinS) {
            if (launcher_processes(script).empty() && docker.list_containers("sandbox-harness.case=chaos.sleeps-for-minutes").empty())
                gone = since(t0);
            else
                nap();
        }
        if (!gone) {
            f.observed = fmt::format("launchers {}, containers {} after {:.0f} s", launcher_processes(script).size(),
                                     docker.list_containers("sandbox-harness.case=chaos.sleeps-for-minutes").size(),
                                     kOrphanGoneWithinS);
            return broken(f, "the dead harness's launcher or container outlived it");
        }
        f.recovery_s = gone;
    }
    f.observed = fmt::format("gone {:.1f} s after the kill", *f.recovery_s);
    return then_a_clean_run(req, processes, std::move(f));
}


/// Waits until the first attempt of the case is over: its first container came and went, or a
/// second one (the re-run) exists. False when no container of the case appeared within kAppearWithin.
bool wait_first_attempt_over(DockerEngine& docker, const std::string& case_id, HarnessRun& run) {
    std::optional<std::string> first;
    for (const auto t0 = Clock::now(); Clock::now() - t0 < kAppearWithin + kRunEndsWithin; nap()) {
        const auto now = docker.list_containers("sandbox-harness.case=" + case_id);
        if (!first) {
            if (!now.empty()) first = now.front().id;
            else if (Clock::now() - t0 > kAppearWithin || run.ended()) return false;
            continue;
        }
        const bool over = std::none_of(now.begin(), now.end(), [&](const auto& c) { return c.id == *first; }) ||
                          now.size() > 1;
        if (over || run.ended()) return true;
    }
    return false;
}

/// A benign workload that needs one CPU second under a 6 s timeout, on a host made overloaded.
/// First with re-runs off (--overloaded-at 0): it must fail, which shows the pressure is real;
/// then as the nightly runs it: the first attempt times out, the pressure is lifted, and the
/// re-run passes: flaky, with the load of both attempts, never pass.
FaultResult host_pressure(const ChaosRequest& req, DockerEngine& docker, ProcessRunner& processes) {
    FaultResult f{.fault = "host-pressure",
                  .injected = "8 busy loops per CPU at nice -15 in a session of their own and a quarter of the available memory held, while a workload "
                              "that needs 1 CPU-second runs under a 6 s timeout; once with re-runs off, then with "
                              "the pressure lifted after the first attempt.",
                  .expected = "re-runs off: exit 1, the workload failed (the pressure is real); default: exit 0, "
                              "the workload flaky with the load figures of both attempts, never pass"};
    const std::string case_id = "chaos.spins-a-cpu-second";
    const Scratch scratch(req, f.fault, {"workloads/spins_a_cpu_second.py"});
    Finished control, flaky;
    {
        NoisyNeighbour pressure;
        if (!pressure.started()) return skipped(f, "cannot start /usr/bin/timeout and /bin/sh for the busy loops");
        HarnessRun run(processes, req, scratch, req.out_dir / f.fault / "no-rerun", {"--overloaded-at", "0"});
        control = finish(run);
    }
    if (!control.problem.empty()) return broken(f, "re-runs off: " + control.problem);
    if (control.records.size() == 1 && control.records[0].judgement.verdict == Verdict::Pass)
        return skipped(f, "the workload passed under the pressure (" + verdict_text(control.records[0]) +
                              "): this host's scheduler shields containers from it (their cgroups outweigh the busy "
                              "loops), so a timeout under load cannot be produced here");
    const auto t0 = Clock::now();
    {
        std::optional<NoisyNeighbour> pressure;
        pressure.emplace();
        HarnessRun run(processes, req, scratch, req.out_dir / f.fault / "default", {});
        const bool over = wait_first_attempt_over(docker, case_id, run);
        pressure.reset();
        if (!over) return broken(f, "the workload's first container was never seen to run and end: " + finish(run).stderr_text);
        flaky = finish(run);
    }
    f.recovery_s = since(t0);  // pressure on, until the workload was judged
    if (!flaky.problem.empty()) return broken(f, flaky.problem);
    f.observed = fmt::format("re-runs off: exit {}; {} — default: exit {}; {}", control.status,
                             verdicts_text(control.records), flaky.status, verdicts_text(flaky.records));
    if (control.records.size() != 1 || control.records[0].judgement.verdict != Verdict::Fail || control.status != 1)
        return broken(f, "with re-runs off, the overloaded workload did not fail: the pressure did not bite here, so "
                         "the flaky check below shows nothing");
    if (flaky.records.size() != 1) return broken(f, "expected one record");
    const Record& r = flaky.records.front();
    if (r.judgement.verdict != Verdict::Flaky || !r.first_attempt || !r.first_attempt->host_load)
        return broken(f, "the workload was judged " + verdict_text(r) + ", not flaky with its first attempt's load");
    if (flaky.status != 0) return broken(f, fmt::format("exit {}, expected 0", flaky.status));
    return held(f);
}

/// The harness stopped by SIGINT or SIGTERM mid-case: it stops the case, removes its containers,
/// writes the reports of what it judged and exits 128 + the signal; the next run finds nothing.
FaultResult harness_signalled(const ChaosRequest& req, DockerEngine& docker, ProcessRunner& processes, int sig) {
    const std::string name = sig == SIGINT ? "SIGINT" : "SIGTERM";
    FaultResult f{.fault = sig == SIGINT ? "harness-sigint" : "harness-sigterm",
                  .injected = name + " to `sandbox-harness run` while its case (110 s of sleep) runs; then a new run.",
                  .expected = fmt::format("exit {}, the case an error (interrupted), report.json written and marked "
                                          "interrupted, no container left; the next run exits 0", 128 + sig)};
    const Scratch scratch(req, f.fault, {"attacks/sleeps_for_minutes.py"});
    Finished done;
    fs::path out = req.out_dir / f.fault / "signalled";
    {
        HarnessRun run(processes, req, scratch, out, {});
        if (!wait_running(docker, "chaos.sleeps-for-minutes", &run))
            return broken(f, "the case's container was never seen running: " + finish(run).stderr_text);
        const auto pid = run.pid();
        if (!pid) return broken(f, "the run's process was not found");
        const auto t0 = Clock::now();
        send_signal(*pid, sig);
        done = finish(run);
        f.recovery_s = since(t0);
    }
    if (!done.problem.empty()) return broken(f, done.problem);
    const bool left = !docker.list_containers("sandbox-harness.case=chaos.sleeps-for-minutes").empty();
    bool interrupted = false;
    try {
        interrupted = read_report(out / "report.json").meta.interrupted;
    } catch (const std::exception&) {
    }
    f.observed = fmt::format("exit {} after {:.1f} s; {}; report.json {}; containers left: {}", done.status,
                             *f.recovery_s, verdicts_text(done.records),
                             interrupted ? "marked interrupted" : "missing or not marked", left ? "yes" : "none");
    if (done.status != 128 + sig) return broken(f, fmt::format("exit {}, expected {}", done.status, 128 + sig));
    if (done.records.size() != 1 || done.records[0].judgement.verdict != Verdict::Error)
        return broken(f, "the interrupted case was not an error");
    if (!interrupted) return broken(f, "no report.json marked interrupted");
    if (left) return broken(f, "the case's container outlived the run");
    return then_a_clean_run(req, processes, std::move(f));
}

/// records.jsonl on a disk that fills up: the run stops with exit 2 naming the cause, and every
/// line that reached the disk is a whole record.
FaultResult disk_full(const ChaosRequest& req, DockerEngine& docker, ProcessRunner& processes) {
    FaultResult f{.fault = "disk-full",
                  .injected = "The run's output directory on a 16 KiB tmpfs; 40 quick cases.",
                  .expected = "exit 2 naming \"No space left on device\", the run stopped early, records.jsonl "
                              "whole records only, no container left"};
    const Scratch scratch(req, f.fault, {"workloads/says_hello.py"});
    const fs::path out = req.out_dir / f.fault / "out";
    fs::create_directories(out);
    if (const auto problem = mount_tmpfs(out, "size=16k")) return skipped(f, *problem + " (needs root)");
    Finished done;
    {
        HarnessRun run(processes, req, scratch, out, {"--repeat", "40"});
        done = finish(run);
    }
    std::string problem = done.problem;
    std::size_t lines = 0;
    if (problem.empty()) {
        try {
            lines = read_records(out / "records.jsonl").size();
        } catch (const std::exception& e) {
            problem = std::string("records.jsonl holds something that is not a record: ") + e.what();
        }
    }
    unmount(out);
    if (!problem.empty()) return broken(f, problem);
    const bool named = done.stderr_text.find("No space left on device") != std::string::npos;
    f.observed = fmt::format("exit {}; {} records on disk of 40; the cause {}", done.status, lines,
                             named ? "named" : "not named");
    if (done.status != 2 || !named) return broken(f, "stderr: " + done.stderr_text);
    if (lines == 0 || lines >= 40) return broken(f, "expected some records kept and the run stopped early");
    if (!docker.list_containers("sandbox-harness.case=chaos.says-hello").empty())
        return broken(f, "containers of the run are left");
    return held(f);
}

/// dockerd stopped (SIGTERM) and started again with the same command line while a run goes on.
FaultResult engine_restart(const ChaosRequest& req, DockerEngine& docker, ProcessRunner& processes) {
    FaultResult f{.fault = "engine-restart",
                  .injected = "SIGTERM to dockerd mid-run, then dockerd started again with its own command line.",
                  .expected = "cases during the gap errors that say the engine was away, cases after it judged "
                              "normally (one passes), reports written, exit 2"};
    std::string pid_text;
    std::ifstream("/var/run/docker.pid") >> pid_text;
    const pid_t dockerd = static_cast<pid_t>(std::atoi(pid_text.c_str()));
    if (dockerd <= 0 || !process_alive(dockerd))
        return skipped(f, "no dockerd pid in /var/run/docker.pid (an engine this host does not run: restart it yourself)");
    std::string cmdline;
    {
        std::ifstream in("/proc/" + std::to_string(dockerd) + "/cmdline", std::ios::binary);
        std::string arg;
        while (std::getline(in, arg, '\0')) cmdline += (cmdline.empty() ? "" : " ") + shell_quote(arg);
    }
    const Scratch scratch(req, f.fault, {"workloads/says_hello.py"});
    HarnessRun run(processes, req, scratch, req.out_dir / f.fault, {"--repeat", "30"});
    if (!wait_running(docker, "chaos.says-hello", &run)) return broken(f, "no case ran before the restart");
    send_signal(dockerd, SIGTERM);
    const double down_at = now_s();
    for (const auto t0 = Clock::now(); process_alive(dockerd) && Clock::now() - t0 < std::chrono::seconds(60);) nap();
    if (process_alive(dockerd)) return broken(f, "dockerd did not stop within 60 s of SIGTERM");
    ProcessRequest start;
    start.argv = {"/bin/sh", "-c", "setsid " + cmdline + " >>/var/log/sandbox-harness-dockerd.log 2>&1 </dev/null &"};
    if (const LaunchResult r = processes.run(start); r.exit_code != 0) return broken(f, "cannot start dockerd again: " + r.stderr_text);
    std::optional<double> up_at;
    for (const auto t0 = Clock::now(); !up_at && Clock::now() - t0 < std::chrono::seconds(60); nap()) {
        try {
            docker.version();
            up_at = now_s();
        } catch (const std::exception&) {
        }
    }
    if (!up_at) return broken(f, "the engine did not answer within 60 s of its restart");
    const Finished done = finish(run);
    if (!done.problem.empty()) return broken(f, done.problem);
    std::size_t away = 0, before = 0;
    std::optional<double> first_pass_after;
    for (const auto& r : done.records) {
        const double t = r.launch.start_unix_s;
        if (r.judgement.verdict == Verdict::Pass && t >= *up_at && !first_pass_after) first_pass_after = t;
        if (r.judgement.verdict == Verdict::Pass && t < down_at) ++before;
        if (r.judgement.verdict == Verdict::Error) ++away;
        if (r.judgement.verdict == Verdict::Pass && t >= down_at && t < *up_at)
            return broken(f, "a case that started while the engine was away was judged pass");
        if (r.judgement.verdict != Verdict::Pass && r.judgement.verdict != Verdict::Error)
            return broken(f, "a case was judged " + verdict_text(r));
    }
    const bool report = fs::exists(run.out() / "report.json");
    f.observed = fmt::format("engine away {:.1f} s; {} cases passed before, {} errors, first pass {} after it was "
                             "back; exit {}; report.json {}",
                             *up_at - down_at, before, away,
                             first_pass_after ? fmt::format("{:.1f} s", *first_pass_after - *up_at) : "never",
                             done.status, report ? "written" : "missing");
    if (first_pass_after) f.recovery_s = *first_pass_after - down_at;
    if (!report) return broken(f, "no report was written");
    if (!first_pass_after) return broken(f, "no case passed after the engine came back");
    if (done.status != 2 || away == 0) return broken(f, "the gap was not reported as errors with exit 2");
    return held(f);
}

}  // namespace

const std::vector<std::string>& chaos_faults() {
    static const std::vector<std::string> faults = {
        "none",           "docker-kill",     "docker-pause",    "docker-stop", "launcher-sigkill-in-run",
        "launcher-sigkill", "launcher-sigkill-pid1-stopped", "harness-sigint", "harness-sigterm",
        "harness-sigkill", "host-pressure", "disk-full", "engine-restart"};
    return faults;
}

std::vector<FaultResult> run_chaos(const ChaosRequest& req, DockerEngine& docker, ProcessRunner& processes,
                                   const std::atomic<bool>& cancel) {
    std::vector<std::string> faults = req.faults;
    if (faults.empty())
        for (const auto& f : chaos_faults())
            if (f != "engine-restart" || req.allow_engine_restart) faults.push_back(f);
    for (const auto& f : faults) {
        if (std::find(chaos_faults().begin(), chaos_faults().end(), f) == chaos_faults().end())
            throw Error(fmt::format("unknown fault '{}' (known: {})", f, fmt::join(chaos_faults(), ", ")));
        if (f == "engine-restart" && !req.allow_engine_restart)
            throw Error("the engine-restart fault stops every container on this host: add --allow-engine-restart");
    }
    docker.version();  // throws with the fix when no engine answers
    fs::create_directories(req.out_dir);
    std::vector<FaultResult> results;
    for (const auto& f : faults) {
        if (cancel.load()) break;
        if (f == "none") results.push_back(no_fault(req, docker, processes));
        else if (f == "docker-kill")
            results.push_back(interference(req, docker, processes, f, {{"kill"}}, "`docker kill` of the case's container by someone else."));
        else if (f == "docker-pause")
            results.push_back(interference(req, docker, processes, f, {{"pause"}, {"sleep"}, {"unpause"}},
                                           "`docker pause`, then `docker unpause` a second later, of the case's container."));
        else if (f == "docker-stop")
            results.push_back(interference(req, docker, processes, f, {{"stop", "--time", "1"}},
                                           "`docker stop` of the case's container by someone else."));
        else if (f == "launcher-sigkill-in-run") results.push_back(launcher_killed_in_run(req, docker, processes));
        else if (f == "launcher-sigkill")
            results.push_back(launcher_killed_alone(req, docker, processes, f, "attacks/sleeps_past_its_deadline.py",
                                                    "chaos.sleeps-past-its-deadline", "sleeps 100 s"));
        else if (f == "launcher-sigkill-pid1-stopped")
            results.push_back(launcher_killed_alone(req, docker, processes, f, "attacks/stops_its_deadline_keeper.py",
                                                    "chaos.stops-its-deadline-keeper",
                                                    "ignores signals, sends SIGTERM, SIGHUP, SIGINT and SIGSTOP to "
                                                    "PID 1 (the deadline keeper inside) and sleeps 100 s"));
        else if (f == "harness-sigint") results.push_back(harness_signalled(req, docker, processes, SIGINT));
        else if (f == "harness-sigterm") results.push_back(harness_signalled(req, docker, processes, SIGTERM));
        else if (f == "harness-sigkill") results.push_back(harness_killed(req, docker, processes));
        else if (f == "host-pressure") results.push_back(host_pressure(req, docker, processes));
        else if (f == "disk-full") results.push_back(disk_full(req, docker, processes));
        else if (f == "engine-restart") results.push_back(engine_restart(req, docker, processes));
    }
    return results;
}

}  // namespace sh
