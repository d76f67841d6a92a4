#include "core/verdict.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "core/flag_drift.h"
#include "core/host_claims.h"
#include "core/record.h"
#include "core/syscall_baseline.h"
#include "util/escape.h"
#include "util/text.h"

namespace sh {

namespace {

constexpr int kSigKill = 9, kSigXcpu = 24, kSigXfsz = 25;

/// `s` on one line, escaped (util/escape.h), cut to about `max` characters with an ellipsis.
std::string quoted(std::string_view s, std::size_t max = 60) { return "'" + ellipsize(one_line(s), max) + "'"; }

std::string last_line(const std::string& text) {
    std::string_view s = text;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
    const auto nl = s.rfind('\n');
    return std::string(nl == std::string_view::npos ? s : s.substr(nl + 1));
}

std::string seconds(double s) { return fmt::format("{} s", s); }

class Judge {
public:
    Judge(const CaseSpec& spec, const LaunchResult& launch, const Observation& obs)
        : spec_(spec), launch_(launch), obs_(obs), probe_(spec.kind == CaseKind::Probe) {}

    Judgement run() {
        if (probe_) {
            std::string problem;
            j_.report = parse_probe_report(launch_, problem);
            report_problem_ = problem;
        }
        decide();
        if (probe_ && obs_.oom_killed && !oom_killed_script(obs_.oom_killed_pids, obs_.script))
            j_.reasons.push_back(oom_not_the_scripts());
        if (j_.report && obs_.host) check_claims();
        if (j_.verdict == Verdict::Escaped && spec_.accepted_risk) {
            j_.verdict = Verdict::AcceptedRisk;
            j_.reasons.insert(j_.reasons.begin(),
                              fmt::format("accepted risk: Known Weakness {} in sandbox/README.md covers this escape",
                                          *spec_.accepted_risk));
        }
        if (j_.verdict != Verdict::Contained) j_.stopped_by.reset();
        if (obs_.t_create && !obs_.inspected)
            j_.reasons.push_back("the container's flags were not verified (it could not be inspected)");
        return std::move(j_);
    }

private:
    void set(Verdict v, std::string reason) {
        j_.verdict = v;
        j_.reasons.insert(j_.reasons.begin(), std::move(reason));
    }
    void escaped_or_fail(std::string reason) { set(probe_ ? Verdict::Escaped : Verdict::Fail, std::move(reason)); }
    void contained(std::string control, std::string reason) {
        set(Verdict::Contained, std::move(reason));
        j_.stopped_by = std::move(control);
    }
    void error(std::string reason) { set(Verdict::Error, std::move(reason)); }

    std::string stderr_hint() const {
        const std::string line = last_line(launch_.stderr_text);
        return line.empty() ? "" : "; stderr: " + quoted(line, 160);
    }

    void decide() {
        // 1. Outside evidence outweighs everything the run itself says.
        if (!obs_.canary_hits.empty() || !obs_.host_file_changes.empty()) {
            j_.verdict = probe_ ? Verdict::Escaped : Verdict::Fail;
            for (const auto& hit : obs_.canary_hits) j_.reasons.push_back("canary hit: " + hit);
            for (const auto& f : obs_.host_file_changes) j_.reasons.push_back("host file changed: " + f);
            for (const auto& d : obs_.drift) j_.reasons.push_back("flag drift: " + describe(d));
            return;
        }
        // 2-4. The run must have happened as the launcher contract says.
        if (!launch_.started) return error("the launcher could not be started: " + launch_.start_error);
        const LauncherOutcome outcome = classify_launch(launch_, obs_);
        if (outcome == LauncherOutcome::AstRejected) {
            // A script that does not parse never ran: it tells nothing about the sandbox.
            if (launch_.stderr_text.find(": syntax-error: ") != std::string::npos)
                return error("the script does not parse, so it never ran (the AST check found a syntax error)" +
                             stderr_hint());
            if (probe_) return contained("ast", "the AST check rejected the script (launcher exit 126, no container)");
            return set(Verdict::Fail, "the AST check rejected this benign workload (launcher exit 126)" + stderr_hint());
        }
        if (launch_.harness_deadline_hit) {
            if (probe_ && spec_.expect == Expect::Timeout)
                return escaped_or_fail(fmt::format("still running after {}: its {} timeout did not stop it, the "
                                                   "harness's own deadline killed the launcher",
                                                   seconds(launch_.wall_ms / 1000), seconds(spec_.timeout_s)));
            return error(fmt::format("the harness's own deadline killed the launcher after {} (the case allows {})",
                                     seconds(launch_.wall_ms / 1000), seconds(spec_.timeout_s)));
        }
        if (launch_.signal) return error(fmt::format("the launcher died of signal {}", *launch_.signal));
        // The launcher asks the engine to kill only when its own timeout fires (exit 124) or it is
        // stopped (the harness's deadline and cancel, judged above and by the runner). Any other
        // kill, stop, pause or restart came from someone else: the outcome is not the sandbox's.
        if (!obs_.engine_actions.empty() && outcome != LauncherOutcome::Timeout)
            return error(fmt::format("interfered: the engine carried out {} on the container, which neither the "
                                     "launcher nor the harness asked for",
                                     join(obs_.engine_actions, ", ")));
        if (outcome == LauncherOutcome::LauncherFailure)
            return error("launcher or Docker failure (exit 125)" + stderr_hint());
        if (!obs_.engine_reachable) {
            for (const auto& n : obs_.notes) j_.reasons.push_back(n);
            return error("the Docker engine could not be reached, so the outcome cannot be confirmed");
        }
        if (!obs_.drift.empty()) {
            for (const auto& d : obs_.drift) j_.reasons.push_back(describe(d));
            return error(fmt::format("the container did not run with the profile's flags ({} difference{})",
                                     obs_.drift.size(), obs_.drift.size() == 1 ? "" : "s"));
        }
        if (outcome == LauncherOutcome::Exited && obs_.exit_code && *obs_.exit_code != launch_.exit_code)
            return error(fmt::format("the launcher exited {} but the container exited {}: the script's status must "
                                     "pass through", launch_.exit_code, *obs_.exit_code));
        // 5. Cleanup is a control too: the container must be gone on every path.
        if (!obs_.leftovers.empty()) {
            std::string ids;
            for (const auto& id : obs_.leftovers) ids += (ids.empty() ? "" : ", ") + id.substr(0, 12);
            return escaped_or_fail("container " + ids + " outlived its launcher: the launcher's cleanup failed");
        }
        if (!obs_.container_gone) return error("could not confirm that the container was removed");
        // 6.
        if (probe_) return judge_probe(outcome);
        judge_workload(outcome);
    }

    /// 7. The probe's host claims against the host's own values (core/host_claims.h). A value of
    /// the host's seen inside is an escape whatever rules 2-6 said, as a canary hit is; an escape
    /// the probe reports on claims the host's values refute is an error, not the probe's word.
    void check_claims() {
        HostClaimsCheck c = check_host_claims(j_.report->raw, *obs_.host);
        if (c.outcome == ClaimOutcome::Escaped) set(Verdict::Escaped, std::move(c.reason));
        if (c.outcome == ClaimOutcome::Error && j_.verdict == Verdict::Escaped && escape_rests_on_report_)
            set(Verdict::Error, std::move(c.reason));
        for (auto& note : c.notes) j_.reasons.push_back(std::move(note));
    }

    /// The control that stopped the script from outside, if outside evidence shows one: an OOM kill
    /// of the script's own process by the container's memory limit (the kernel log's records naming
    /// the pid the harness saw carry the script, core/kernel_oom.h), or the launcher's own timeout.
    /// The engine's oom event alone does not: it says that some process of the container was
    /// killed, and a script can fork a child for the limit to kill. An exit status alone never
    /// does either: a script can exit 137, 152 or 153 itself, and someone else's `docker kill`
    /// leaves the same status.
    std::optional<std::string> killed_by(LauncherOutcome outcome) const {
        if (oom_killed_script(obs_.oom_killed_pids, obs_.script)) return "memory";
        if (outcome == LauncherOutcome::Timeout) return "timeout";
        return std::nullopt;
    }

    /// "exit 137 looks like SIGKILL" for the statuses a kill by a limit would leave, else "".
    std::string unproven_kill() const {
        const int status = launch_.exit_code;
        const char* name = status == 128 + kSigKill   ? "SIGKILL"
                           : status == 128 + kSigXcpu ? "SIGXCPU"
                           : status == 128 + kSigXfsz ? "SIGXFSZ"
                                                      : nullptr;
        if (!name) return "";
        return fmt::format("exit {} looks like a {} death, but nothing outside shows a kill by the sandbox (no OOM "
                           "kill of the script's own process in the kernel log, no launcher timeout): a script can "
                           "exit {} itself, and a kill by someone else leaves the same status",
                           status, name, status);
    }

    /// Why a container's OOM kill did not count as the memory control stopping the script.
    std::string oom_not_the_scripts() const {
        const auto pid = [](const std::optional<long>& p) { return p ? std::to_string(*p) : std::string("unknown"); };
        return fmt::format("an OOM kill in the container was not shown to be of the script's own process, so it does "
                           "not count as the memory control stopping the script (killed: {}; the script's process: "
                           "{}, the container's init: {})",
                           obs_.oom_killed_pids.empty() ? "no pid in the kernel log"
                                                        : fmt::format("pid {}", fmt::join(obs_.oom_killed_pids, ", ")),
                           pid(obs_.script.script_pid), pid(obs_.script.init_pid));
    }

    std::string killed_reason(const std::string& control) const {
        if (control == "memory") return fmt::format("OOM-killed (exit {})", launch_.exit_code);
        if (control == "timeout")
            return fmt::format("the launcher's {} timeout stopped it (exit 124, container removed)",
                               seconds(spec_.timeout_s));
        return fmt::format("stopped by {} (exit {})", control, launch_.exit_code);
    }

    /// The control credited when the evidence does not single one out. The report comes from the
    /// untrusted side, so it may only pick one of the controls the spec names, and never "ast",
    /// which only the launcher's exit 126 can show.
    std::optional<std::string> default_control() const {
        if (j_.report) {
            auto it = j_.report->raw.find("stopped_by");
            if (it != j_.report->raw.end() && it->is_string()) {
                const std::string named = it->get<std::string>();
                if (named != "ast" && spec_.has_control(named)) return named;
            }
        }
        if (!spec_.controls.empty()) return spec_.controls.front();
        return std::nullopt;
    }

    void contained_by_default(std::string reason) {
        set(Verdict::Contained, std::move(reason));
        j_.stopped_by = default_control();
    }

    std::string no_report() const {
        return fmt::format("{}{}", report_problem_, launch_.stdout_truncated ? " (stdout was truncated)" : "");
    }

    void judge_probe(LauncherOutcome outcome) {
        const auto& report = j_.report;
        const int status = launch_.exit_code;
        if (report && report->escaped) {
            escape_rests_on_report_ = true;
            return escaped_or_fail("the probe reports an escape: " + report->detail);
        }
        const auto killer = killed_by(outcome);
        const bool named_killer = killer && spec_.has_control(*killer);

        switch (spec_.expect) {
            case Expect::Report:
            case Expect::Exit:
                if (report && outcome == LauncherOutcome::Exited && status == 0)
                    return contained_by_default("the probe reports no escape: " + report->detail);
                if (named_killer)
                    return contained(*killer, killed_reason(*killer) + (report ? "" : ", before it reported"));
                if (const std::string unproven = unproven_kill(); !unproven.empty()) return error(unproven);
                if (report)
                    return error(fmt::format("the probe reported no escape but then ended with exit {}", status) +
                                 stderr_hint());
                return error(fmt::format("the probe broke: {}; exit {}", no_report(), status) + stderr_hint());
            case Expect::Killed:
                if (killer && *killer != "timeout") return contained(*killer, killed_reason(*killer));
                if (const std::string unproven = unproven_kill(); !unproven.empty()) return error(unproven);
                if (report) return contained_by_default("the probe reports no escape: " + report->detail);
                if (named_killer) return contained(*killer, killed_reason(*killer));
                return error(fmt::format("neither killed nor reported: {}; exit {}", no_report(), status) +
                             stderr_hint());
            case Expect::Timeout:
                if (outcome == LauncherOutcome::Timeout) return contained("timeout", killed_reason("timeout"));
                if (named_killer) return contained(*killer, killed_reason(*killer));
                if (status == 0)
                    return escaped_or_fail(fmt::format("it finished on its own (exit 0) within its {} timeout",
                                                       seconds(spec_.timeout_s)));
                return error(fmt::format("it crashed (exit {}) instead of running into its {} timeout", status,
                                         seconds(spec_.timeout_s)) + stderr_hint());
        }
    }

    void judge_workload(LauncherOutcome outcome) {
        std::vector<std::string> why;
        if (outcome == LauncherOutcome::Timeout)
            why.push_back(fmt::format("timed out after its {} timeout (launcher exit 124)", seconds(spec_.timeout_s)));
        else if (obs_.oom_killed)
            why.push_back(fmt::format("OOM-killed (exit {})", launch_.exit_code));
        else if (launch_.exit_code != spec_.expect_exit)
            why.push_back(fmt::format("exit {}, expected {}", launch_.exit_code, spec_.expect_exit));
        if (outcome != LauncherOutcome::Timeout && spec_.expect_stdout && launch_.stdout_text != *spec_.expect_stdout)
            why.push_back("stdout differs at " + first_difference(*spec_.expect_stdout, launch_.stdout_text) +
                          (launch_.stdout_truncated ? " (stdout was truncated)" : ""));
        if (why.empty()) {
            j_.verdict = Verdict::Pass;
            j_.reasons.push_back(spec_.expect_stdout ? fmt::format("exit {} and the expected stdout", launch_.exit_code)
                                                     : fmt::format("exit {}", launch_.exit_code));
            return;
        }
        if (const std::string hint = stderr_hint(); !hint.empty()) why.push_back(hint.substr(2));
        j_.verdict = Verdict::Fail;
        j_.reasons.insert(j_.reasons.begin(), why.begin(), why.end());
    }

    const CaseSpec& spec_;
    const LaunchResult& launch_;
    const Observation& obs_;
    const bool probe_;
    Judgement j_;
    std::string report_problem_;
    bool escape_rests_on_report_ = false;  ///< escaped by rule 6: the report said so
};

std::vector<std::string_view> lines_of(std::string_view s) {
    std::vector<std::string_view> out;
    if (s.empty()) return out;
    if (s.back() == '\n') s.remove_suffix(1);
    std::size_t start = 0;
    for (;;) {
        const auto nl = s.find('\n', start);
        out.push_back(s.substr(start, nl == std::string_view::npos ? nl : nl - start));
        if (nl == std::string_view::npos) return out;
        start = nl + 1;
    }
}

}  // namespace

const char* to_string(Verdict v) {
    switch (v) {
        case Verdict::Pass: return "pass";
        case Verdict::Fail: return "fail";
        case Verdict::Contained: return "contained";
        case Verdict::Escaped: return "escaped";
        case Verdict::AcceptedRisk: return "accepted-risk";
        case Verdict::Error: return "error";
        case Verdict::Skipped: return "skipped";
        case Verdict::Flaky: return "flaky";
    }
    return "?";
}

std::optional<Verdict> verdict_from_string(const std::string& s) {
    for (Verdict v : {Verdict::Pass, Verdict::Fail, Verdict::Contained, Verdict::Escaped, Verdict::AcceptedRisk,
                      Verdict::Error, Verdict::Skipped, Verdict::Flaky})
        if (s == to_string(v)) return v;
    return std::nullopt;
}

bool is_failure(Verdict v) { return v == Verdict::Fail || v == Verdict::Escaped; }

bool makes_run_fail(Verdict v) { return is_failure(v) || v == Verdict::Error; }

bool did_what_it_must(Verdict v) {
    return v == Verdict::Pass || v == Verdict::Contained || v == Verdict::AcceptedRisk || v == Verdict::Flaky;
}

bool shows_escape(Verdict v) { return v == Verdict::Escaped || v == Verdict::AcceptedRisk; }

LauncherOutcome classify_launch(const LaunchResult& launch, const Observation& obs) {
    const bool container_seen = obs.container_id || obs.t_create || obs.t_start || !obs.leftovers.empty();
    switch (launch.exit_code) {
        case kLauncherAstRejected:
            return obs.engine_reachable && !container_seen ? LauncherOutcome::AstRejected : LauncherOutcome::Exited;
        case kLauncherTimeout:
            return obs.exit_code == kLauncherTimeout ? LauncherOutcome::Exited : LauncherOutcome::Timeout;
        case kLauncherFailure:
            return obs.exit_code == kLauncherFailure ? LauncherOutcome::Exited : LauncherOutcome::LauncherFailure;
        default:
            return LauncherOutcome::Exited;
    }
}

bool launcher_reached_engine(const LaunchResult& launch) {
    return launch.started && launch.exit_code != kLauncherFailure && launch.exit_code != kLauncherAstRejected;
}

bool rejected_by_ast_check(const Judgement& j, const LaunchResult& launch, const Observation& obs) {
    return j.verdict == Verdict::Contained && launch.exit_code == kLauncherAstRejected && !obs.container_id;
}

namespace {

/// `found`: the report lines (after the prefix), the first few of `count` in all.
std::optional<ProbeReport> parse_report_lines(const std::vector<std::string_view>& found, std::size_t count,
                                              std::string& problem) {
    if (count == 0) {
        problem = "no SANDBOX-PROBE line on stdout";
        return std::nullopt;
    }
    if (count > 1) {
        problem = fmt::format("{} SANDBOX-PROBE lines on stdout (a probe prints exactly one)", count);
        return std::nullopt;
    }
    ProbeReport r;
    try {
        r.raw = nlohmann::json::parse(found.front());
    } catch (const nlohmann::json::exception& e) {
        problem = "malformed SANDBOX-PROBE line: " + ellipsize(e.what(), 300);
        return std::nullopt;
    }
    if (!r.raw.is_object()) {
        problem = "the SANDBOX-PROBE line is not a JSON object";
        return std::nullopt;
    }
    if (!r.raw.contains("escaped") || !r.raw["escaped"].is_boolean()) {
        problem = "the SANDBOX-PROBE report has no boolean \"escaped\"";
        return std::nullopt;
    }
    if (!r.raw.contains("detail") || !r.raw["detail"].is_string()) {
        problem = "the SANDBOX-PROBE report has no string \"detail\"";
        return std::nullopt;
    }
    r.escaped = r.raw["escaped"].get<bool>();
    r.detail = r.raw["detail"].get<std::string>();
    problem.clear();
    return r;
}

/// What follows the prefix on a report line (the prefix alone, or followed by a space), if it is one.
std::optional<std::string_view> after_prefix(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with(kProbeReportPrefix) &&
        (line.size() == std::strlen(kProbeReportPrefix) || line[std::strlen(kProbeReportPrefix)] == ' '))
        return line.substr(std::strlen(kProbeReportPrefix));
    return std::nullopt;
}

}  // namespace

std::optional<ProbeReport> parse_probe_report(const std::string& stdout_text, std::string& problem) {
    std::vector<std::string_view> found;
    for (auto line : lines_of(stdout_text))
        if (auto rest = after_prefix(line)) found.push_back(*rest);
    return parse_report_lines(found, found.size(), problem);
}

std::optional<ProbeReport> parse_probe_report(const LaunchResult& launch, std::string& problem) {
    if (!launch.lines_watched) return parse_probe_report(launch.stdout_text, problem);
    // The process runner saw the whole stream: its count holds even past the capture cap.
    std::vector<std::string_view> found;
    for (const std::string& line : launch.watched_lines) found.push_back(after_prefix(line).value_or(""));
    return parse_report_lines(found, launch.watched_line_count, problem);
}

Judgement judge(const CaseSpec& spec, const LaunchResult& launch, const Observation& obs) {
    return Judge(spec, launch, obs).run();
}

void after_judge(Judgement& j, const CaseSpec& spec, const AfterJudge& after) {
    if (after.syscall_baseline) apply_syscall_baseline(j, spec.id, *after.syscall_baseline);
    if (after.interrupted) {
        j.verdict = Verdict::Error;
        j.stopped_by.reset();
        j.reasons.insert(j.reasons.begin(), "run interrupted: the harness stopped this case");
    }
}

Judgement not_judged(const std::string& reason, bool harness_failure) {
    Judgement j;
    j.verdict = harness_failure ? Verdict::Error : Verdict::Skipped;
    j.reasons = {harness_failure ? "the harness failed while running this case: " + reason : reason};
    return j;
}

int run_exit_status(const std::vector<Record>& records, bool harness_failed, int interrupted_by) {
    if (interrupted_by) return 128 + interrupted_by;
    return harness_failed ? 2 : exit_status(records);
}

int exit_status(const std::vector<Record>& records) {
    int status = 0;
    for (const auto& r : records) {
        if (r.judgement.verdict == Verdict::Error) return 2;
        if (is_failure(r.judgement.verdict)) status = 1;
    }
    return status;
}

std::string first_difference(const std::string& expected, const std::string& actual) {
    if (expected == actual) return "";
    const auto e = lines_of(expected), a = lines_of(actual);
    for (std::size_t i = 0; i < std::max(e.size(), a.size()); ++i) {
        if (i < e.size() && i < a.size() && e[i] == a[i]) continue;
        if (i >= a.size())
            return fmt::format("line {}: expected {}, got the end of the output", i + 1, quoted(e[i]));
        if (i >= e.size())
            return fmt::format("line {}: expected the end of the output, got {}", i + 1, quoted(a[i]));
        return fmt::format("line {}: expected {}, got {}", i + 1, quoted(e[i]), quoted(a[i]));
    }
    return expected.ends_with('\n') ? "the end: the final newline is missing" : "the end: an extra final newline";
}

}  // namespace sh
