#pragma once
/// Judging: (CaseSpec, LaunchResult, Observation) → a verdict from a closed set, with reasons.
/// Pure logic: no I/O. The rules, in the order they are applied (attacks/README.md has the table).
/// Each says who produced its evidence and whether the script could have: a contained or pass
/// rests only on evidence the script cannot forge; what it can forge may only make a case worse.
///
///  1. Outside evidence of an escape (any canary hit that counts against the case, see
///     core/canary_evidence.h; a changed host file) → escaped (workloads: fail), whatever else happened.
///     Evidence: the harness's canary (the socket's owner, its own timers) and its own hashes of
///     host files. A script can forge a hit only by escaping; a flood or a forged token can only
///     add hits against itself.
///  2. The launcher could not be started → error. Evidence: the harness's own spawn.
///  3. AST rejection: launcher exit 126 with no container seen by a reachable engine → contained by
///     "ast" (workloads: fail). A script that exits 126 itself does not count: its container was seen.
///     Evidence: the launcher's status (the host's) and the engine's events; the script cannot
///     hide its container from the engine.
///  4. Harness or launcher faults → error: the harness's own deadline killed the launcher (but a
///     probe with expect=timeout escaped: the timeout control did not stop it), the launcher died of
///     a signal, exit 125 (not the script's own 125), engine unreachable, flag drift (the run did not
///     test the profile it claims), the launcher's status differs from the container's, the
///     container was killed, stopped, paused or restarted by someone else (interfered).
///     Evidence: the harness's timers and kills, the engine's events and inspect. A script can
///     exit 124 or 125 itself; the engine's die event then shows the same status, which makes it
///     the script's own.
///  5. A container left behind after the launcher returned → escaped (its cleanup failed);
///     workloads: fail. Not confirmed gone → error. Evidence: the engine's list of containers.
///  6. Probes by `expect` (report / killed / timeout); workloads by exit status and stdout.
///     A probe stopped by a control it names (OOM-killed with `memory`, launcher timeout with
///     `timeout`) is contained even without a report; otherwise a missing report is error. An
///     exit status alone (137, 152, 153) never shows a kill: without the OOM kill or the
///     launcher's timeout it is error.
///     Evidence of a kill: for `memory`, the kernel log's records naming the script's own process
///     (the pid the harness read from outside at the container's start, or the container's init:
///     core/kernel_oom.h); the engine's oom event and State.OOMKilled only say that some process
///     of the container died, which a script arranges by forking a child for the limit, so alone
///     they never credit the control. For `timeout`, the launcher's exit 124 with a container that
///     did not exit 124 itself. The exit status and the report are the script's: a report can only
///     claim an escape (never prove containment on its own: a clean report needs exit 0 too, and
///     its "stopped_by" may only name one of the spec's controls, never "ast").
///  7. Host claims (core/host_claims.h), when the observation carries the host's own values: a
///     value the probe took for the runtime's own (is_host false) that is the host's → escaped,
///     whatever rules 2-6 said; an escape reported by the probe (rule 6) that rests only on
///     is_host claims whose values all differ from the host's → error; claims that hold change
///     nothing. Every claim checked, or not checkable, is added to the reasons. Evidence: the
///     host's values, read by the harness; the claims are the script's and can only be refuted.
///  8. Escaped + the spec's accepted-risk → accepted-risk, the evidence kept as reasons.
/// After judge(), the runner compares kernel.syscall-sweep with its runtime's golden baseline
/// (core/syscall_baseline.h). The report is checked against itself first: its reached_sha256_16
/// is recomputed from its own reached list, and a hash that is not the list's (or a report with
/// one of the two only) turns contained into error, naming both hashes: the report is forged or
/// broken, so neither the list nor the hash can be believed and the case cannot be judged (not
/// fail, which would take the list for the truth and say the control changed; never contained,
/// which would take the hash for it). Then only the list is compared, never the reported hash or
/// count: a changed set on the baseline's engine and kernel turns contained into fail.
/// A workload that timed out is run again only when the host was overloaded by others
/// (core/host_pressure.h): the load figure is the host's procs_running less the runnable tasks of
/// the case's own cgroup, both read by the harness, so the case's own threads cannot earn it.
/// `stopped_by` is the control the evidence shows (ast, timeout, memory), else the
/// report's "stopped_by" when it is one of the spec's controls (never "ast"), else the first one.
///
/// Every change to a verdict after judge() is made here too (after_judge(), not_judged()), and
/// what the verdicts make of a run's exit status (exit_status()): run/ only carries results.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/case_spec.h"
#include "core/launch_result.h"
#include "core/observation.h"

namespace sh {

/// The closed set. Probes end contained/escaped/accepted-risk (or fail: the syscall sweep against
/// its golden baseline, core/syscall_baseline.h); workloads pass/fail; any case can
/// end error (the harness or the probe itself broke: never counted as contained) or skipped.
/// Flaky is a workload that timed out while the host was overloaded and passed when run again
/// (core/host_pressure.h): it did its job, but the night's host did not let it the first time.
enum class Verdict { Pass, Fail, Contained, Escaped, AcceptedRisk, Error, Skipped, Flaky };

/// "pass", "fail", "contained", "escaped", "accepted-risk", "error", "skipped", "flaky".
const char* to_string(Verdict);
std::optional<Verdict> verdict_from_string(const std::string&);

// What a verdict counts as: the exit status, the reports and the coverage matrix all ask these,
// so that they cannot drift apart.

/// Fail or Escaped: the sandbox let a probe out, or a workload did not do its job (a run's exit
/// status 1, a JUnit failure).
bool is_failure(Verdict);
/// Fail, Escaped or Error: a verdict that makes a run fail, shown as a problem in every report.
bool makes_run_fail(Verdict);
/// Pass, Contained, AcceptedRisk or Flaky: the case did what it must.
bool did_what_it_must(Verdict);
/// Escaped or AcceptedRisk: the probe got out (an accepted risk is an escape of a documented
/// Known Weakness), so it is seen to be able to fail.
bool shows_escape(Verdict);

/// The prefix of a probe's report line.
inline constexpr const char* kProbeReportPrefix = "SANDBOX-PROBE";

/// The probe's own `SANDBOX-PROBE {...}` line, if it printed exactly one well-formed one.
struct ProbeReport {
    bool escaped = false;
    std::string detail;
    nlohmann::json raw;  ///< the whole object, kept as evidence
};

/// Finds and parses the report line in a probe's stdout. Returns nullopt and sets `problem`
/// when there is none, more than one, or it is malformed.
std::optional<ProbeReport> parse_probe_report(const std::string& stdout_text, std::string& problem);
/// The same for a launch: from the lines the process runner watched over the whole stream when it
/// did (two report lines anywhere, past the capture cap too, are an error), else from stdout_text.
std::optional<ProbeReport> parse_probe_report(const LaunchResult&, std::string& problem);

struct Judgement {
    Verdict verdict = Verdict::Error;
    std::vector<std::string> reasons;   ///< human-readable evidence, most important first
    std::optional<std::string> stopped_by;  ///< control that contained it, when known ("ast", "memory", "timeout", ...)
    std::optional<ProbeReport> report;
};

Judgement judge(const CaseSpec&, const LaunchResult&, const Observation&);

struct Record;
struct SyscallBaselineCheck;

/// What the harness learned of a case outside the evidence judge() weighs, in the order applied:
struct AfterJudge {
    /// kernel.syscall-sweep against its runtime's golden baseline (core/syscall_baseline.h):
    /// contained can become fail (another set) or error (a report that is not its own list's).
    const SyscallBaselineCheck* syscall_baseline = nullptr;
    /// The run was stopped while the case ran: whatever judge() said, the case tells nothing
    /// about the sandbox (error, no control credited).
    bool interrupted = false;
};
void after_judge(Judgement&, const CaseSpec&, const AfterJudge&);

/// The judgement of a case the harness did not judge: skipped (the plan's reason), or, with
/// `harness_failure`, an error because the harness itself broke on it ("the harness failed while
/// running this case: ..."), never anything the sandbox did.
Judgement not_judged(const std::string& reason, bool harness_failure = false);

/// A run's exit status from its verdicts: 2 when any case is an error (the harness could not
/// tell), else 1 when any failed or escaped, else 0.
int exit_status(const std::vector<Record>&);
/// A run command's exit status: 128 + the signal that interrupted it (`interrupted_by`, 0: none);
/// else 2 when the harness failed after judging (records it could not keep, a final cleanup the
/// engine refused); else exit_status().
int run_exit_status(const std::vector<Record>&, bool harness_failed, int interrupted_by = 0);

/// What the launcher's exit status means once the container has been observed, not trusting the
/// codes a script can exit with itself: 126 is an AST rejection only when a reachable engine saw
/// no container; 124 and 125 are the launcher's only when the container did not exit so itself.
enum class LauncherOutcome { Exited, AstRejected, Timeout, LauncherFailure };
LauncherOutcome classify_launch(const LaunchResult&, const Observation&);

/// Before anything is observed: whether the launcher got as far as the engine, so that the
/// container's create..destroy events are worth waiting for. False when it did not start or
/// exited 125 (launcher or Docker failure) or 126 (AST rejection); a script's own 125 or 126
/// reads as false too, which costs only a shorter wait for its events.
bool launcher_reached_engine(const LaunchResult&);

/// The AST check stopped the case before any container existed: contained, launcher exit 126
/// and no container id recorded, as opposed to a verdict merely attributed to the `ast` control.
bool rejected_by_ast_check(const Judgement&, const LaunchResult&, const Observation&);

/// Where two outputs first differ, in one line: "line 3: expected 'b', got 'c'"; "" when equal.
std::string first_difference(const std::string& expected, const std::string& actual);

}  // namespace sh
