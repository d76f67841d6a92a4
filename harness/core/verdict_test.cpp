#include "core/verdict.h"
#include "core/record.h"

#include <gtest/gtest.h>

#include <set>

namespace sh {
namespace {

CaseSpec probe(Expect expect, std::vector<std::string> controls = {"network"}) {
    CaseSpec s;
    s.kind = CaseKind::Probe;
    s.id = "p";
    s.family = "network";
    s.expect = expect;
    s.controls = std::move(controls);
    s.timeout_s = 2;
    return s;
}

CaseSpec workload(std::optional<std::string> out = "hello\n", int exit = 0) {
    CaseSpec s;
    s.kind = CaseKind::Workload;
    s.id = "w";
    s.family = "benign";
    s.expect_stdout = std::move(out);
    s.expect_exit = exit;
    return s;
}

LaunchResult exited(int code, std::string out = "", std::string err = "") {
    LaunchResult l;
    l.started = true;
    l.exit_code = code;
    l.stdout_text = std::move(out);
    l.stderr_text = std::move(err);
    l.wall_ms = 300;
    return l;
}

/// A clean observation: the container was created, inspected without drift, died with `code`, is gone.
Observation seen(std::optional<int> code) {
    Observation o;
    o.container_id = "0123456789abcdef";
    o.inspected = true;
    o.t_create = 1.0;
    o.exit_code = code;
    o.container_gone = true;
    return o;
}

constexpr long kInit = 4000, kScript = 4001, kChild = 4002;

/// The container exited `code` after its memory limit killed host pid `killed`; the harness saw
/// the script's process at start (kScript under init kInit) and the engine sent its oom event.
Observation oom_killed(int code, long killed = kScript) {
    Observation o = seen(code);
    o.oom_killed = true;
    o.oom_killed_pids = {killed};
    o.script = {kInit, kScript};
    return o;
}

/// No container: what an AST rejection (or an early launcher failure) leaves.
Observation none_seen() {
    Observation o;
    o.container_gone = true;
    return o;
}

const std::string kClean = "SANDBOX-PROBE {\"escaped\": false, \"detail\": \"connect: ENETUNREACH\"}\n";
const std::string kEscaped = "SANDBOX-PROBE {\"escaped\": true, \"detail\": \"connected\"}\n";

Judgement judge_exit(const CaseSpec& s, int code, const std::string& out = "") {
    return judge(s, exited(code, out), seen(code));
}

using Reasons = std::vector<std::string>;

TEST(VerdictNames, RoundTripTheClosedSet) {
    for (Verdict v : {Verdict::Pass, Verdict::Fail, Verdict::Contained, Verdict::Escaped, Verdict::AcceptedRisk,
                      Verdict::Error, Verdict::Skipped})
        EXPECT_EQ(v, verdict_from_string(to_string(v)));
    EXPECT_STREQ("accepted-risk", to_string(Verdict::AcceptedRisk));
    EXPECT_FALSE(verdict_from_string("Contained"));
    EXPECT_TRUE(is_failure(Verdict::Fail));
    EXPECT_TRUE(is_failure(Verdict::Escaped));
    EXPECT_FALSE(is_failure(Verdict::Error));
    EXPECT_FALSE(is_failure(Verdict::AcceptedRisk));
}

TEST(VerdictClasses, EachVerdictFallsInTheClassesItsNameSays) {
    struct Row {
        Verdict v;
        bool failure, run_fails, did_its_job, escape;
    };
    for (const Row& r : {Row{Verdict::Pass, false, false, true, false}, Row{Verdict::Fail, true, true, false, false},
                         Row{Verdict::Contained, false, false, true, false}, Row{Verdict::Escaped, true, true, false, true},
                         Row{Verdict::AcceptedRisk, false, false, true, true}, Row{Verdict::Error, false, true, false, false},
                         Row{Verdict::Skipped, false, false, false, false}}) {
        SCOPED_TRACE(to_string(r.v));
        EXPECT_EQ(r.failure, is_failure(r.v));
        EXPECT_EQ(r.run_fails, makes_run_fail(r.v));
        EXPECT_EQ(r.did_its_job, did_what_it_must(r.v));
        EXPECT_EQ(r.escape, shows_escape(r.v));
    }
}

TEST(LauncherOutcome, TrustsTheLaunchersCodesOnlyWhenTheContainerDidNotExitSoItself) {
    EXPECT_EQ(LauncherOutcome::AstRejected, classify_launch(exited(126), none_seen()));
    EXPECT_EQ(LauncherOutcome::Exited, classify_launch(exited(126), seen(126)));
    Observation blind = none_seen();
    blind.engine_reachable = false;
    EXPECT_EQ(LauncherOutcome::Exited, classify_launch(exited(126), blind));
    EXPECT_EQ(LauncherOutcome::Timeout, classify_launch(exited(124), seen(137)));
    EXPECT_EQ(LauncherOutcome::Exited, classify_launch(exited(124), seen(124)));
    EXPECT_EQ(LauncherOutcome::LauncherFailure, classify_launch(exited(125), none_seen()));
    EXPECT_EQ(LauncherOutcome::Exited, classify_launch(exited(125), seen(125)));
    EXPECT_EQ(LauncherOutcome::Exited, classify_launch(exited(0), seen(0)));
}

TEST(LauncherOutcome, OnlyALauncherThatStartedAndExitedNeither125Nor126ReachedTheEngine) {
    EXPECT_TRUE(launcher_reached_engine(exited(0)));
    EXPECT_TRUE(launcher_reached_engine(exited(124)));
    EXPECT_TRUE(launcher_reached_engine(exited(137)));
    EXPECT_FALSE(launcher_reached_engine(exited(125)));
    EXPECT_FALSE(launcher_reached_engine(exited(126)));
    EXPECT_FALSE(launcher_reached_engine(LaunchResult{}));
}

TEST(LauncherOutcome, RejectedByTheAstCheckMeansContainedByExit126WithoutAContainer) {
    const Judgement ast = judge(probe(Expect::Report), exited(126), none_seen());
    EXPECT_TRUE(rejected_by_ast_check(ast, exited(126), none_seen()));
    // A container was there: whatever stopped the script, it was not the AST check.
    EXPECT_FALSE(rejected_by_ast_check(ast, exited(126), seen(126)));
    // Contained by a control the report named, not by the launcher's 126.
    const Judgement clean = judge_exit(probe(Expect::Report), 0, kClean);
    ASSERT_EQ(Verdict::Contained, clean.verdict);
    EXPECT_FALSE(rejected_by_ast_check(clean, exited(0), none_seen()));
    // An error with exit 126 (the script does not parse) is no rejection of an attack.
    Judgement error = ast;
    error.verdict = Verdict::Error;
    EXPECT_FALSE(rejected_by_ast_check(error, exited(126), none_seen()));
}

TEST(ParseProbeReport, FindsExactlyOneWellFormedLine) {
    std::string problem;
    auto r = parse_probe_report("noise\nSANDBOX-PROBE {\"escaped\": false, \"detail\": \"d\", \"tries\": 3}\r\nmore\n",
                                problem);
    ASSERT_TRUE(r) << problem;
    EXPECT_FALSE(r->escaped);
    EXPECT_EQ("d", r->detail);
    EXPECT_EQ(3, r->raw["tries"]);
    EXPECT_EQ("", problem);
}

TEST(ParseProbeReport, SaysWhatIsWrong) {
    auto problem_of = [](const std::string& out) {
        std::string problem;
        EXPECT_FALSE(parse_probe_report(out, problem)) << out;
        return problem;
    };
    EXPECT_EQ("no SANDBOX-PROBE line on stdout", problem_of("hello\nSANDBOX-PROBEX {}\n x SANDBOX-PROBE {}\n"));
    EXPECT_EQ("2 SANDBOX-PROBE lines on stdout (a probe prints exactly one)", problem_of(kClean + kEscaped));
    EXPECT_EQ("the SANDBOX-PROBE line is not a JSON object", problem_of("SANDBOX-PROBE [1]\n"));
    EXPECT_EQ("the SANDBOX-PROBE report has no boolean \"escaped\"",
              problem_of("SANDBOX-PROBE {\"escaped\": \"no\", \"detail\": \"\"}"));
    EXPECT_EQ("the SANDBOX-PROBE report has no string \"detail\"", problem_of("SANDBOX-PROBE {\"escaped\": false}"));
    EXPECT_TRUE(problem_of("SANDBOX-PROBE {\"escaped\": fal").starts_with("malformed SANDBOX-PROBE line: "));
}

// expect: report

TEST(JudgeReport, ContainedWhenItExitsZeroReportingNoEscape) {
    Judgement j = judge_exit(probe(Expect::Report, {"network", "isolation"}), 0, kClean);
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ(Reasons{"the probe reports no escape: connect: ENETUNREACH"}, j.reasons);
    EXPECT_EQ("network", j.stopped_by);  // the spec's first control
    ASSERT_TRUE(j.report);
    EXPECT_EQ("connect: ENETUNREACH", j.report->detail);
}

TEST(JudgeReport, StoppedByComesFromTheReportWhenItNamesAControl) {
    Judgement j = judge_exit(probe(Expect::Report, {"pids", "memory"}), 0,
                             "SANDBOX-PROBE {\"escaped\": false, \"detail\": \"d\", \"stopped_by\": \"pids\"}\n");
    EXPECT_EQ("pids", j.stopped_by);
    j = judge_exit(probe(Expect::Report, {"memory"}), 0,
                   "SANDBOX-PROBE {\"escaped\": false, \"detail\": \"d\", \"stopped_by\": \"luck\"}\n");
    EXPECT_EQ("memory", j.stopped_by);
}

TEST(JudgeReport, TheReportCannotCreditAControlTheSpecDoesNotNameNorAst) {
    // The report is untrusted: out.report-injection claims "ast", which only exit 126 can show.
    for (const char* claimed : {"ast", "pids"}) {
        Judgement j = judge_exit(probe(Expect::Report, {"isolation", "ast"}), 0,
                                 std::string("SANDBOX-PROBE {\"escaped\": false, \"detail\": \"d\", \"stopped_by\": \"") +
                                     claimed + "\", \"verdict\": \"escaped\"}\n");
        EXPECT_EQ(Verdict::Contained, j.verdict);
        EXPECT_EQ("isolation", j.stopped_by) << claimed;
    }
}

TEST(JudgeReport, EscapedWhenTheReportSaysSo) {
    Judgement j = judge_exit(probe(Expect::Report), 0, kEscaped);
    EXPECT_EQ(Verdict::Escaped, j.verdict);
    EXPECT_EQ(Reasons{"the probe reports an escape: connected"}, j.reasons);
    EXPECT_FALSE(j.stopped_by);
}

TEST(JudgeReport, NoReportIsAnErrorNeverContained) {
    Judgement j = judge(probe(Expect::Report), exited(1, "", "Traceback...\nNameError: x\n"), seen(1));
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"the probe broke: no SANDBOX-PROBE line on stdout; exit 1; stderr: 'NameError: x'"}, j.reasons);
    EXPECT_EQ(Verdict::Error, judge_exit(probe(Expect::Report), 0, "").verdict);
}

TEST(JudgeReport, ANonZeroExitAfterACleanReportIsAnError) {
    Judgement j = judge_exit(probe(Expect::Report), 3, kClean);
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"the probe reported no escape but then ended with exit 3"}, j.reasons);
}

TEST(JudgeReport, StoppedByANamedControlIsContainedWithoutAReport) {
    Observation oom = oom_killed(137);
    Judgement j = judge(probe(Expect::Report, {"memory"}), exited(137), oom);
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("memory", j.stopped_by);
    EXPECT_EQ(Reasons{"OOM-killed (exit 137), before it reported"}, j.reasons);
    // The same kill is an error for a probe that does not name memory: it broke.
    EXPECT_EQ(Verdict::Error, judge(probe(Expect::Report, {"network"}), exited(137), oom).verdict);

    j = judge(probe(Expect::Report, {"network", "timeout"}), exited(124), seen(137));
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("timeout", j.stopped_by);
    EXPECT_EQ(Verdict::Error, judge(probe(Expect::Report, {"network"}), exited(124), seen(137)).verdict);
}

// expect: killed

TEST(JudgeKilled, OomKillIsContainedByMemory) {
    Observation oom = oom_killed(137);
    Judgement j = judge(probe(Expect::Killed, {"memory"}), exited(137), oom);
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("memory", j.stopped_by);
    EXPECT_EQ(Reasons{"OOM-killed (exit 137)"}, j.reasons);
    // A kill of the container's init ends the script with it (under runsc the Sentry is the carrier).
    EXPECT_EQ(Verdict::Contained, judge(probe(Expect::Killed, {"memory"}), exited(137), oom_killed(137, kInit)).verdict);
}

// An OOM kill in the container counts for the script only when it was the script's own process:
// a script can fork a child for the memory limit to kill and then do what it likes.

TEST(JudgeOomOfAChild, ATimeoutProbeThatThenFinishesOnItsOwnEscaped) {
    const Judgement j = judge(probe(Expect::Timeout, {"timeout", "memory"}), exited(0), oom_killed(0, kChild));
    EXPECT_EQ(Verdict::Escaped, j.verdict);
    EXPECT_NE(std::string::npos, j.reasons.at(0).find("finished on its own (exit 0)")) << j.reasons.at(0);
    EXPECT_NE(std::string::npos, j.reasons.back().find("not shown to be of the script's own process")) << j.reasons.back();
}

TEST(JudgeOomOfAChild, AProbeThatThenCrashesWithoutAReportIsAnError) {
    const Judgement j = judge(probe(Expect::Report, {"memory"}), exited(1), oom_killed(1, kChild));
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_NE(std::string::npos, j.reasons.at(0).find("the probe broke")) << j.reasons.at(0);
}

TEST(JudgeOomOfAChild, AKilledProbeWhoseParentExits137ItselfIsAnError) {
    Judgement j = judge(probe(Expect::Killed, {"memory"}), exited(137), oom_killed(137, kChild));
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_NE(std::string::npos, j.reasons.at(0).find("nothing outside shows a kill")) << j.reasons.at(0);
    // The engine's event with no kernel record of any pid, or a script whose process was never
    // seen from outside: which process died cannot be told, so it is not the script's.
    Observation unknown = oom_killed(137);
    unknown.oom_killed_pids.clear();
    EXPECT_EQ(Verdict::Error, judge(probe(Expect::Killed, {"memory"}), exited(137), unknown).verdict);
    unknown = oom_killed(137);
    unknown.script = {};
    EXPECT_EQ(Verdict::Error, judge(probe(Expect::Killed, {"memory"}), exited(137), unknown).verdict);
}

TEST(JudgeOomOfAChild, UnderARuntimeThatDiesWholeAnyKillByTheLimitIsTheScripts) {
    // gVisor: a guest child's stub killed by the limit takes the whole sandbox down.
    Observation runsc = oom_killed(137, kChild);
    runsc.script = {kInit, std::nullopt, true};
    const Judgement j = judge(probe(Expect::Killed, {"memory"}), exited(137), runsc);
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("memory", j.stopped_by);
    runsc.oom_killed_pids.clear();  // the engine's event alone still names no kill by the limit
    EXPECT_EQ(Verdict::Error, judge(probe(Expect::Killed, {"memory"}), exited(137), runsc).verdict);
}

TEST(JudgeKilled, AKillStatusWithoutOutsideEvidenceIsAnErrorNeverContained) {
    // sys.exit(137), sys.exit(152), sys.exit(153), or someone else's `docker kill`: the status is
    // the same as a kill by a limit, and nothing outside shows one.
    for (int status : {137, 152, 153}) {
        for (const std::string& out : {std::string(), kClean}) {
            for (Expect expect : {Expect::Killed, Expect::Report}) {
                Judgement j = judge_exit(probe(expect, {"pids", "memory", "ulimits"}), status, out);
                EXPECT_EQ(Verdict::Error, j.verdict) << status;
                ASSERT_FALSE(j.reasons.empty());
                EXPECT_NE(std::string::npos, j.reasons[0].find("nothing outside shows a kill")) << j.reasons[0];
                EXPECT_FALSE(j.stopped_by);
            }
        }
    }
}

TEST(JudgeFaults, AKillStopOrPauseByAnyoneButTheLauncherIsInterferenceNeverContained) {
    // `docker kill` of a memory probe by someone else: exit 137, a kill event, no OOM event.
    Observation o = seen(137);
    o.engine_actions = {"kill (signal 9)"};
    Judgement j = judge(probe(Expect::Killed, {"memory"}), exited(137), o);
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"interfered: the engine carried out kill (signal 9) on the container, which neither the "
                      "launcher nor the harness asked for"},
              j.reasons);
    o = seen(0);
    o.engine_actions = {"pause", "unpause"};
    EXPECT_EQ(Verdict::Error, judge(probe(Expect::Report), exited(0, kClean), o).verdict);
    // The launcher's own kill at its timeout is the timeout control at work.
    o = seen(137);
    o.engine_actions = {"kill (signal 9)"};
    EXPECT_EQ(Verdict::Contained, judge(probe(Expect::Timeout, {"timeout"}), exited(124), o).verdict);
}

TEST(JudgeReport, ReportLinesAreCountedInTheWholeStreamNotOnlyTheCapture) {
    // "escaped": false, 300 KB, then "escaped": true: the capture holds only the first line.
    LaunchResult l = exited(0, kClean + std::string(1000, 'x'));
    l.stdout_truncated = true;
    l.lines_watched = true;
    l.watched_line_count = 2;
    l.watched_lines = {kClean.substr(0, kClean.size() - 1), kEscaped.substr(0, kEscaped.size() - 1)};
    Judgement j = judge(probe(Expect::Report), l, seen(0));
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"the probe broke: 2 SANDBOX-PROBE lines on stdout (a probe prints exactly one) (stdout was "
                      "truncated); exit 0"},
              j.reasons);
    // One line, wherever it was: judged from what the runner watched.
    l.stdout_text = std::string(1000, 'x');
    l.watched_line_count = 1;
    l.watched_lines = {kEscaped.substr(0, kEscaped.size() - 1)};
    EXPECT_EQ(Verdict::Escaped, judge(probe(Expect::Report), l, seen(0)).verdict);
}

TEST(JudgeKilled, ACleanReportIsContainedAndAnEscapeReportIsEscaped) {
    EXPECT_EQ(Verdict::Contained, judge_exit(probe(Expect::Killed, {"pids"}), 0, kClean).verdict);
    EXPECT_EQ(Verdict::Escaped, judge_exit(probe(Expect::Killed, {"pids"}), 0, kEscaped).verdict);
}

TEST(JudgeKilled, NeitherKilledNorReportedIsAnError) {
    Judgement j = judge_exit(probe(Expect::Killed, {"pids"}), 0, "done\n");
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"neither killed nor reported: no SANDBOX-PROBE line on stdout; exit 0"}, j.reasons);
}

// expect: timeout

TEST(JudgeTimeout, LauncherTimeoutWithTheContainerGoneIsContained) {
    Judgement j = judge(probe(Expect::Timeout, {"timeout"}), exited(124), seen(137));
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("timeout", j.stopped_by);
    EXPECT_EQ(Reasons{"the launcher's 2 s timeout stopped it (exit 124, container removed)"}, j.reasons);
}

TEST(JudgeTimeout, FinishingOnItsOwnIsAnEscape) {
    Judgement j = judge_exit(probe(Expect::Timeout, {"timeout"}), 0);
    EXPECT_EQ(Verdict::Escaped, j.verdict);
    EXPECT_EQ(Reasons{"it finished on its own (exit 0) within its 2 s timeout"}, j.reasons);
}

TEST(JudgeTimeout, ACrashIsAnError) {
    Judgement j = judge(probe(Expect::Timeout, {"timeout"}), exited(1, "", "boom\n"), seen(1));
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"it crashed (exit 1) instead of running into its 2 s timeout; stderr: 'boom'"}, j.reasons);
}

TEST(JudgeTimeout, AScriptExiting124ItselfIsNotALauncherTimeout) {
    Judgement j = judge_exit(probe(Expect::Timeout, {"timeout"}), 124);
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"it crashed (exit 124) instead of running into its 2 s timeout"}, j.reasons);
}

TEST(JudgeTimeout, TheHarnessDeadlineMeansTheTimeoutControlFailed) {
    LaunchResult l = exited(-1);
    l.harness_deadline_hit = true;
    l.signal = 9;
    l.wall_ms = 32000;
    Judgement j = judge(probe(Expect::Timeout, {"timeout"}), l, seen(std::nullopt));
    EXPECT_EQ(Verdict::Escaped, j.verdict);
    EXPECT_EQ(Reasons{"still running after 32 s: its 2 s timeout did not stop it, the harness's own deadline "
                      "killed the launcher"},
              j.reasons);
    // For any other probe it is the harness's problem.
    j = judge(probe(Expect::Report), l, seen(std::nullopt));
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"the harness's own deadline killed the launcher after 32 s (the case allows 2 s)"}, j.reasons);
}

// AST rejection

TEST(JudgeAst, AScriptThatDoesNotParseNeverRanAndIsAnErrorNotContained) {
    Judgement j = judge(probe(Expect::Report),
                        exited(126, "", "run_secure_python.sh: /a/p.py:3:7: syntax-error: invalid syntax\n"), none_seen());
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_NE(std::string::npos, j.reasons.at(0).find("does not parse")) << j.reasons.at(0);
}

TEST(JudgeAst, Exit126WithoutAContainerIsContainedByAst) {
    Judgement j = judge(probe(Expect::Report), exited(126), none_seen());
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("ast", j.stopped_by);
    EXPECT_EQ(Reasons{"the AST check rejected the script (launcher exit 126, no container)"}, j.reasons);
}

TEST(JudgeAst, AWorkloadRejectedByTheAstCheckFails) {
    Judgement j = judge(workload(), exited(126, "", "ast_check: import of ctypes\n"), none_seen());
    EXPECT_EQ(Verdict::Fail, j.verdict);
    EXPECT_EQ(Reasons{"the AST check rejected this benign workload (launcher exit 126); stderr: 'ast_check: import "
                      "of ctypes'"},
              j.reasons);
}

TEST(JudgeAst, AScriptExiting126ItselfIsNotAnAstRejection) {
    Judgement j = judge_exit(probe(Expect::Report), 126, kClean);
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"the probe reported no escape but then ended with exit 126"}, j.reasons);
    // Nor when the engine could not say whether a container existed.
    Observation blind = none_seen();
    blind.engine_reachable = false;
    EXPECT_EQ(Verdict::Error, judge(probe(Expect::Report), exited(126), blind).verdict);
}

// Outside evidence and accepted risk

TEST(JudgeEvidence, ACanaryHitIsAnEscapeWhateverTheProbeSays) {
    Observation o = seen(0);
    o.canary_hits = {"tcp 127.0.0.1:4242 from 172.17.0.2:5555: sht-r1-000003"};
    Judgement j = judge(probe(Expect::Report), exited(0, kClean), o);
    EXPECT_EQ(Verdict::Escaped, j.verdict);
    EXPECT_EQ(Reasons{"canary hit: tcp 127.0.0.1:4242 from 172.17.0.2:5555: sht-r1-000003"},
              j.reasons);
    ASSERT_TRUE(j.report);  // kept as evidence
    EXPECT_EQ(Verdict::Escaped, judge(probe(Expect::Report), exited(126), o).verdict);
}

TEST(JudgeEvidence, AChangedHostFileIsAnEscapeForProbesAndAFailureForWorkloads) {
    Observation o = seen(0);
    o.host_file_changes = {"/etc/hostname: size 10 -> 0"};
    o.drift = {{"HostConfig.ReadonlyRootfs", "true", "false"}};
    Judgement j = judge(probe(Expect::Report, {"read-only"}), exited(0, kClean), o);
    EXPECT_EQ(Verdict::Escaped, j.verdict);
    EXPECT_EQ((Reasons{"host file changed: /etc/hostname: size 10 -> 0",
                       "flag drift: HostConfig.ReadonlyRootfs: expected true, got false"}),
              j.reasons);
    EXPECT_EQ(Verdict::Fail, judge(workload(), exited(0, "hello\n"), o).verdict);
}

TEST(JudgeEvidence, AnAcceptedRiskKeepsItsEvidence) {
    CaseSpec s = probe(Expect::Report);
    s.accepted_risk = 2;
    Judgement j = judge_exit(s, 0, kEscaped);
    EXPECT_EQ(Verdict::AcceptedRisk, j.verdict);
    EXPECT_EQ((Reasons{"accepted risk: Known Weakness 2 in sandbox/README.md covers this escape",
                       "the probe reports an escape: connected"}),
              j.reasons);
    // It changes nothing when the probe is contained.
    EXPECT_EQ(Verdict::Contained, judge_exit(s, 0, kClean).verdict);
}

// Harness and launcher faults

TEST(JudgeFaults, LauncherNotStarted) {
    LaunchResult l;
    l.start_error = "execve: No such file or directory";
    Judgement j = judge(probe(Expect::Report), l, none_seen());
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"the launcher could not be started: execve: No such file or directory"}, j.reasons);
}

TEST(JudgeFaults, LauncherSignal) {
    LaunchResult l = exited(-1);
    l.signal = 15;
    EXPECT_EQ(Reasons{"the launcher died of signal 15"}, judge(workload(), l, seen(std::nullopt)).reasons);
}

TEST(JudgeFaults, LauncherFailure125ButNotTheScriptsOwn125) {
    Judgement j = judge(probe(Expect::Report), exited(125, "", "docker: Error: No such image\n"), none_seen());
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"launcher or Docker failure (exit 125); stderr: 'docker: Error: No such image'"}, j.reasons);
    EXPECT_EQ(Verdict::Pass, judge_exit(workload("hello\n", 125), 125, "hello\n").verdict);
}

TEST(JudgeFaults, EngineUnreachable) {
    Observation o = seen(0);
    o.engine_reachable = false;
    o.notes = {"event stream failed: connection refused"};
    Judgement j = judge(probe(Expect::Report), exited(0, kClean), o);
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ((Reasons{"the Docker engine could not be reached, so the outcome cannot be confirmed",
                       "event stream failed: connection refused"}),
              j.reasons);
}

TEST(JudgeFaults, FlagDriftMeansTheProfileWasNotTested) {
    Observation o = seen(0);
    o.drift = {{"HostConfig.NetworkMode", "none", "host"}, {"HostConfig.CapDrop", "ALL", "(none)"}};
    Judgement j = judge(probe(Expect::Report), exited(0, kClean), o);
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ((Reasons{"the container did not run with the profile's flags (2 differences)",
                       "HostConfig.NetworkMode: expected none, got host",
                       "HostConfig.CapDrop: expected ALL, got (none)"}),
              j.reasons);
}

TEST(JudgeFaults, TheScriptsStatusMustPassThrough) {
    Judgement j = judge(workload(), exited(0, "hello\n"), seen(1));
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_EQ(Reasons{"the launcher exited 0 but the container exited 1: the script's status must pass through"},
              j.reasons);
}

TEST(JudgeFaults, ALeftoverContainerIsACleanupFailure) {
    Observation o = seen(124);
    o.leftovers = {"0123456789abcdef0123"};
    o.container_gone = false;
    Judgement j = judge(probe(Expect::Timeout, {"timeout"}), exited(124), o);
    EXPECT_EQ(Verdict::Escaped, j.verdict);
    EXPECT_EQ(Reasons{"container 0123456789ab outlived its launcher: the launcher's cleanup failed"}, j.reasons);
    EXPECT_EQ(Verdict::Fail, judge(workload(), exited(0, "hello\n"), [] {
                  Observation w = seen(0);
                  w.leftovers = {"abc"};
                  return w;
              }()).verdict);
}

TEST(JudgeFaults, AContainerNotConfirmedGoneIsAnError) {
    Observation o = seen(0);
    o.container_gone = false;
    EXPECT_EQ(Reasons{"could not confirm that the container was removed"},
              judge(probe(Expect::Report), exited(0, kClean), o).reasons);
}

TEST(JudgeFaults, UnverifiedFlagsAreNotedButDoNotChangeTheVerdict) {
    Observation o = seen(0);
    o.inspected = false;
    Judgement j = judge(probe(Expect::Report), exited(0, kClean), o);
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("the container's flags were not verified (it could not be inspected)", j.reasons.back());
}

// Workloads

TEST(JudgeWorkload, PassesOnTheExpectedExitAndStdout) {
    Judgement j = judge_exit(workload(), 0, "hello\n");
    EXPECT_EQ(Verdict::Pass, j.verdict);
    EXPECT_EQ(Reasons{"exit 0 and the expected stdout"}, j.reasons);
    EXPECT_FALSE(j.report);
    EXPECT_EQ(Verdict::Pass, judge_exit(workload(std::nullopt, 3), 3, "anything").verdict);
}

TEST(JudgeWorkload, FailsOnAnotherExitOrStdoutShowingTheFirstDifference) {
    Judgement j = judge(workload("a\nb\nc\n"), exited(2, "a\nB\nc\n", "warning\nValueError: bad\n"), seen(2));
    EXPECT_EQ(Verdict::Fail, j.verdict);
    EXPECT_EQ((Reasons{"exit 2, expected 0", "stdout differs at line 2: expected 'b', got 'B'",
                       "stderr: 'ValueError: bad'"}),
              j.reasons);
    LaunchResult l = exited(0, "hel");
    l.stdout_truncated = true;
    EXPECT_EQ(Reasons{"stdout differs at line 1: expected 'hello', got 'hel' (stdout was truncated)"},
              judge(workload(), l, seen(0)).reasons);
}

TEST(JudgeWorkload, TimeoutAndOomFail) {
    Judgement j = judge(workload(), exited(124), seen(137));
    EXPECT_EQ(Verdict::Fail, j.verdict);
    EXPECT_EQ(Reasons{"timed out after its 10 s timeout (launcher exit 124)"}, j.reasons);
    Observation oom = oom_killed(137);
    EXPECT_EQ((Reasons{"OOM-killed (exit 137)", "stdout differs at line 1: expected 'hello', got the end of the output"}),
              judge(workload(), exited(137), oom).reasons);
}

// After judge(): every later change to a verdict is made in core.

TEST(AfterJudge, AnInterruptedCaseIsAnErrorWhateverItWasJudged) {
    Judgement j = judge(probe(Expect::Killed, {"memory"}), exited(137), oom_killed(137));
    ASSERT_EQ(Verdict::Contained, j.verdict);
    after_judge(j, probe(Expect::Killed, {"memory"}), {.interrupted = true});
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_FALSE(j.stopped_by) << "no control is credited for a case the harness stopped";
    EXPECT_EQ("run interrupted: the harness stopped this case", j.reasons.at(0));

    Judgement untouched = judge(probe(Expect::Killed, {"memory"}), exited(137), oom_killed(137));
    after_judge(untouched, probe(Expect::Killed, {"memory"}), {});
    EXPECT_EQ(Verdict::Contained, untouched.verdict) << "nothing learned after: the judgement stands";
}

TEST(AfterJudge, ACaseTheHarnessDidNotJudgeIsSkippedOrAnError) {
    const Judgement skipped = not_judged("the science image is not selected");
    EXPECT_EQ(Verdict::Skipped, skipped.verdict);
    EXPECT_EQ(Reasons{"the science image is not selected"}, skipped.reasons);
    const Judgement broke = not_judged("engine gone", true);
    EXPECT_EQ(Verdict::Error, broke.verdict);
    EXPECT_EQ(Reasons{"the harness failed while running this case: engine gone"}, broke.reasons);
}

TEST(ExitStatus, AnErrorIs2AFailureOrEscape1ElseZero) {
    auto with = [](std::initializer_list<Verdict> vs) {
        std::vector<Record> rs;
        for (Verdict v : vs) rs.emplace_back().judgement.verdict = v;
        return exit_status(rs);
    };
    EXPECT_EQ(0, with({}));
    EXPECT_EQ(0, with({Verdict::Pass, Verdict::Contained, Verdict::AcceptedRisk, Verdict::Flaky, Verdict::Skipped}));
    EXPECT_EQ(1, with({Verdict::Pass, Verdict::Escaped}));
    EXPECT_EQ(1, with({Verdict::Fail}));
    EXPECT_EQ(2, with({Verdict::Escaped, Verdict::Error})) << "an error outranks a failure: the run cannot be read";
}

TEST(FirstDifference, OneLineSaysWhere) {
    EXPECT_EQ("", first_difference("a\n", "a\n"));
    EXPECT_EQ("line 2: expected 'b', got 'x'", first_difference("a\nb\n", "a\nx\n"));
    EXPECT_EQ("line 3: expected 'c', got the end of the output", first_difference("a\nb\nc\n", "a\nb\n"));
    EXPECT_EQ("line 2: expected the end of the output, got 'extra'", first_difference("a\n", "a\nextra\n"));
    EXPECT_EQ("the end: the final newline is missing", first_difference("a\n", "a"));
    EXPECT_EQ("the end: an extra final newline", first_difference("a", "a\n"));
    EXPECT_EQ("line 1: expected 'tab\\there', got '" + std::string(60, 'x') + "…'",
              first_difference("tab\there\n", std::string(100, 'x')));
}

TEST(JudgeCoverage, EveryVerdictButSkippedIsReachableFromJudge) {
    // Skipped comes from the plan (MakePlan.ExternalTargetsAreSkippedUnlessTheNetworkIsNone), not from judge().
    CaseSpec risky = probe(Expect::Report);
    risky.accepted_risk = 1;
    const std::set<Verdict> reached = {
        judge_exit(workload(), 0, "hello\n").verdict,
        judge_exit(workload(), 1, "hello\n").verdict,
        judge_exit(probe(Expect::Report), 0, kClean).verdict,
        judge_exit(probe(Expect::Report), 0, kEscaped).verdict,
        judge_exit(risky, 0, kEscaped).verdict,
        judge_exit(probe(Expect::Report), 0, "").verdict,
    };
    EXPECT_EQ((std::set<Verdict>{Verdict::Pass, Verdict::Fail, Verdict::Contained, Verdict::Escaped,
                                 Verdict::AcceptedRisk, Verdict::Error}),
              reached);
}

// Host claims (rule 7), checked when the observation carries the host's values.

Judgement judge_claims(const CaseSpec& s, const std::string& escaped, const std::string& seen_release, bool is_host) {
    Observation o = seen(0);
    o.host = HostFacts{"6.18.44-fc-v669", 24684084, "Intel(R) Xeon(R) Processor", "b00t", "vm"};
    const std::string out = "SANDBOX-PROBE {\"escaped\": " + escaped + ", \"detail\": \"d\", \"host_claims\": "
                            "{\"kernel_release\": {\"seen\": \"" + seen_release + "\", \"is_host\": " +
                            (is_host ? "true" : "false") + "}}}\n";
    return judge(s, exited(0, out), o);
}

TEST(JudgeHostClaims, TheHostsValueTakenForTheRuntimesIsAnEscape) {
    Judgement j = judge_claims(probe(Expect::Report), "false", "6.18.44-fc-v669", false);
    EXPECT_EQ(Verdict::Escaped, j.verdict);
    EXPECT_EQ((Reasons{"the host's own kernel_release '6.18.44-fc-v669' seen inside the sandbox, where the probe "
                       "took it for the runtime's own (is_host false)",
                       "the probe reports no escape: d"}),
              j.reasons);
    EXPECT_FALSE(j.stopped_by);
    CaseSpec risky = probe(Expect::Report);
    risky.accepted_risk = 1;  // an escape of a Known Weakness stays one
    EXPECT_EQ(Verdict::AcceptedRisk, judge_claims(risky, "false", "6.18.44-fc-v669", false).verdict);
}

TEST(JudgeHostClaims, AnEscapeOnARefutedClaimIsAnErrorEvenWithAnAcceptedRisk) {
    CaseSpec risky = probe(Expect::Report);
    risky.accepted_risk = 1;
    for (const CaseSpec& s : {probe(Expect::Report), risky}) {
        Judgement j = judge_claims(s, "true", "0.0.1-made-up", true);
        EXPECT_EQ(Verdict::Error, j.verdict);
        ASSERT_EQ(3u, j.reasons.size());
        EXPECT_EQ("the probe reports an escape: d", j.reasons[1]);
        EXPECT_EQ("host claim contradicted: kernel_release: the probe took '0.0.1-made-up' for the host's, the host "
                  "has '6.18.44-fc-v669'",
                  j.reasons[2]);
    }
}

TEST(JudgeHostClaims, ClaimsThatHoldOnlyAddTheirNote) {
    Judgement escaped = judge_claims(probe(Expect::Report), "true", "6.18.44-fc-v669", true);
    EXPECT_EQ(Verdict::Escaped, escaped.verdict);
    EXPECT_EQ((Reasons{"the probe reports an escape: d",
                       "host claims checked against the host: kernel_release is the host's"}),
              escaped.reasons);
    Judgement contained = judge_claims(probe(Expect::Report), "false", "4.4.0", false);
    EXPECT_EQ(Verdict::Contained, contained.verdict);
    EXPECT_EQ("host claims checked against the host: kernel_release is not the host's", contained.reasons.back());
}

TEST(JudgeHostClaims, WithoutTheHostsValuesNothingIsChecked) {
    Observation o = seen(0);
    const std::string out = "SANDBOX-PROBE {\"escaped\": false, \"detail\": \"d\", \"host_claims\": "
                            "{\"kernel_release\": {\"seen\": \"6.18.44-fc-v669\", \"is_host\": false}}}\n";
    Judgement j = judge(probe(Expect::Report), exited(0, out), o);
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ(Reasons{"the probe reports no escape: d"}, j.reasons);
}

}  // namespace
}  // namespace sh
