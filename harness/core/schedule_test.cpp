#include "core/schedule.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

CaseSpec probe(std::string id, Expect expect, double timeout_s = 10, std::vector<std::string> controls = {"isolation"}) {
    CaseSpec s;
    s.kind = CaseKind::Probe;
    s.id = std::move(id);
    s.expect = expect;
    s.timeout_s = timeout_s;
    s.controls = std::move(controls);
    return s;
}

PlanItem item(const CaseSpec& spec, std::string image = "base") {
    PlanItem i;
    i.spec = &spec;
    i.image = std::move(image);
    return i;
}

Record past(std::string id, std::string image, double wall_ms, double cpu_ms, int exit_code, bool container) {
    Record r;
    r.case_id = std::move(id);
    r.image = std::move(image);
    r.launch.started = true;
    r.launch.exit_code = exit_code;
    r.launch.wall_ms = wall_ms;
    r.launch.cpu_user_ms = cpu_ms;
    if (container) r.observation.container_id = "c0ffee";
    r.judgement.verdict = Verdict::Contained;
    if (exit_code == kLauncherAstRejected && !container) r.judgement.stopped_by = "ast";
    return r;
}

CaseCost computing(double wall_s, double cores = 1) { return {wall_s, cores, false}; }
CaseCost waiting(double wall_s, double launch_cores = 0) { return {wall_s, launch_cores, true}; }
CaseCost measured(double wall_s) { return {wall_s, 1, false, true}; }

/// Starts every case that may start at `now_s`; returns their plan indices in start order.
std::vector<std::size_t> start_all(Admission& a, double now_s = 0) {
    std::vector<std::size_t> out;
    while (auto i = a.start_next(now_s)) out.push_back(*i);
    return out;
}

// --- the cost model ---

TEST(ExpectedCost, ATimeoutProbeLaunchesOnAWholeCoreThenWaitsUntilItsTimeout) {
    const CaseSpec s = probe("timeout.sleep", Expect::Timeout, 2, {"timeout"});
    EXPECT_EQ(waiting(2 + kLaunchWallS, 1), expected_cost(item(s), {}, true));
}

TEST(ExpectedCost, AProbeTakesHalfACoreAndAWorkloadAWholeOneAndIsMeasured) {
    EXPECT_EQ(computing(kLaunchWallS, kProbeCores), expected_cost(item(probe("fs.mount", Expect::Report)), {}, true));
    CaseSpec w;
    w.kind = CaseKind::Workload;
    w.id = "wl.hello";
    EXPECT_EQ(measured(kLaunchWallS), expected_cost(item(w), {}, true));
}

TEST(ExpectedCost, ALongerTimeoutThanTheDefaultMeansALongerRun) {
    const CaseSpec s = probe("out.stdout-flood", Expect::Report, 30);
    EXPECT_EQ(computing(3 * kLaunchWallS, kProbeCores), expected_cost(item(s), {}, true));
}

TEST(ExpectedCost, AProbeStoppedByTheAstCheckWaitsOnlyWhileTheCheckIsOn) {
    const CaseSpec s = probe("ast.exec-base64", Expect::Report, 10, {"ast", "ulimits"});
    EXPECT_EQ(waiting(kLaunchWallS), expected_cost(item(s), {}, true));
    EXPECT_EQ(computing(kLaunchWallS, kProbeCores), expected_cost(item(s), {}, false));
}

TEST(ExpectedCost, ASkippedCaseCostsNothing) {
    const CaseSpec s = probe("net.external-no-route", Expect::Report);
    PlanItem i = item(s);
    i.skip = true;
    EXPECT_EQ((CaseCost{0, 0, false}), expected_cost(i, {}, true));
}

TEST(ExpectedCost, HistoryGivesTheWallTimeOfTheSameCaseOnTheSameImage) {
    const CaseSpec s = probe("out.stdout-flood", Expect::Report, 30);
    const CostHistory h({past("out.stdout-flood", "base", 4000, 300, 0, true),
                         past("out.stdout-flood", "science", 6000, 300, 0, true)});
    EXPECT_EQ(computing(4, kProbeCores), expected_cost(item(s, "base"), h, true));
    EXPECT_EQ(computing(6, kProbeCores), expected_cost(item(s, "science"), h, true));
    EXPECT_EQ(computing(3 * kLaunchWallS, kProbeCores), expected_cost(item(probe("other", Expect::Report, 30)), h, true));
}

TEST(ExpectedCost, ACaseTheAstCheckRejectedLastTimeWaits) {
    const CaseSpec s = probe("ast.getattr-built-name", Expect::Report, 10, {"read-only"});
    EXPECT_EQ(waiting(0.04),
              expected_cost(item(s), CostHistory({past(s.id, "base", 40, 30, kLauncherAstRejected, false)}), true));
}

TEST(ExpectedCost, HistoryOverridesTheHeaderGuessOfAnAstRejection) {
    // The script changed and passes the check now: it runs a container and takes its share.
    const CaseSpec s = probe("ast.rot13-compile", Expect::Report, 10, {"ast", "pids"});
    EXPECT_EQ(computing(0.7, kProbeCores),
              expected_cost(item(s), CostHistory({past(s.id, "base", 700, 50, 0, true)}), true));
}

TEST(ExpectedCost, AScriptExiting126ItselfIsNoAstRejection) {
    const CaseSpec s = probe("exit.126", Expect::Report);
    EXPECT_EQ(computing(0.3, kProbeCores),
              expected_cost(item(s), CostHistory({past(s.id, "base", 300, 50, kLauncherAstRejected, true)}), true));
}

TEST(ExpectedCost, HistoryOfATimeoutProbeGivesItsWallTime) {
    const CaseSpec s = probe("timeout.sleep", Expect::Timeout, 2, {"timeout"});
    EXPECT_EQ(waiting(2.7, 1), expected_cost(item(s), CostHistory({past(s.id, "base", 2700, 40, 124, true)}), true));
    // One the AST check rejects (it forks, say) launches nothing.
    EXPECT_EQ(waiting(0.03),
              expected_cost(item(s), CostHistory({past(s.id, "base", 30, 20, kLauncherAstRejected, false)}), true));
}

TEST(ExpectedCosts, ReadTheAstCheckFromTheProfile) {
    const CaseSpec s = probe("ast.exec-base64", Expect::Report, 10, {"ast", "ulimits"});
    Profile p;
    EXPECT_EQ(std::vector<CaseCost>{waiting(kLaunchWallS)}, expected_costs({item(s)}, {}, p));
    p.values["SANDBOX_AST_CHECK"] = "0";
    EXPECT_EQ(std::vector<CaseCost>{computing(kLaunchWallS, kProbeCores)}, expected_costs({item(s)}, {}, p));
}

TEST(CostHistory, LeavesOutSkippedCasesAndLaunchersThatNeverStarted) {
    Record skipped = past("a", "base", 0, 0, -1, false);
    skipped.judgement.verdict = Verdict::Skipped;
    Record unstarted = past("b", "base", 0, 0, -1, false);
    unstarted.launch.started = false;
    const CostHistory h({skipped, unstarted});
    EXPECT_TRUE(h.empty());
    EXPECT_EQ(nullptr, h.find("a", "base"));
}

// --- admission ---

TEST(Admission, StartsTheLongestFirstAndEqualsInPlanOrder) {
    Admission a({computing(1), computing(5), computing(1), computing(3)}, 64);
    EXPECT_EQ((std::vector<std::size_t>{1, 3, 0, 2}), a.order());
    EXPECT_EQ((std::vector<std::size_t>{1, 3, 0, 2}), start_all(a));
    EXPECT_TRUE(a.all_started());
}

TEST(Admission, RunsOneComputingCasePerCore) {
    Admission a({computing(1), computing(1), computing(1)}, 2);
    EXPECT_EQ((std::vector<std::size_t>{0, 1}), start_all(a));
    EXPECT_FALSE(a.all_started());
    a.finish(1);
    EXPECT_EQ((std::vector<std::size_t>{2}), start_all(a));
    EXPECT_EQ(2u, a.max_in_flight());
}

TEST(Admission, WaitingCasesRunBesideTheCoresUpToTheirOwnLimit) {
    std::vector<CaseCost> costs(2, computing(1));
    costs.resize(2 + 2 * kWaitingPerCore + 1, waiting(2.5));
    Admission a(costs, 2);
    // The waiting ones are longer: they start first, then the computing ones beside them.
    const auto started = start_all(a);
    ASSERT_EQ(2u + 2 * kWaitingPerCore, started.size());
    EXPECT_EQ(2u, started.front());
    EXPECT_EQ((std::vector<std::size_t>{0, 1}), std::vector<std::size_t>(started.end() - 2, started.end()));
    EXPECT_FALSE(a.all_started());
    a.finish(0);
    EXPECT_FALSE(a.start_next(0));  // a core is free, but the case left waits
    a.finish(3);
    EXPECT_EQ(costs.size() - 1, a.start_next(0));
    EXPECT_EQ(2u + 2 * kWaitingPerCore, a.max_in_flight());
}

TEST(Admission, LightCasesShareACore) {
    Admission a({computing(1), computing(0.4, 0.25), computing(0.4, 0.25), computing(0.4, 0.25), computing(0.4, 0.25),
                 computing(0.4, 0.25)},
                2);
    EXPECT_EQ((std::vector<std::size_t>{0, 1, 2, 3, 4}), start_all(a));
    a.finish(2);
    EXPECT_EQ((std::vector<std::size_t>{5}), start_all(a));
    EXPECT_EQ(6u, a.max_in_flight());  // all of them: eight quarters would fit
}

TEST(Admission, AWholeCoreCaseIsNotOvertakenByLighterOnes) {
    Admission a({computing(2, 0.5), computing(1), computing(0.5, 0.5)}, 1);
    EXPECT_EQ((std::vector<std::size_t>{0}), start_all(a));  // case 1 needs the whole core: case 2 waits behind it
    a.finish(0);
    EXPECT_EQ((std::vector<std::size_t>{1}), start_all(a));
    a.finish(1);
    EXPECT_EQ((std::vector<std::size_t>{2}), start_all(a));
}

TEST(Admission, ATimeoutProbeTakesACoreOnlyWhileItLaunches) {
    Admission a({waiting(2.5, 1), waiting(2.5, 1), waiting(2.5, 1), computing(1, 0.5), computing(1, 0.5),
                 computing(1, 0.5)},
                2);
    EXPECT_EQ((std::vector<std::size_t>{0, 1}), start_all(a, 10.0));  // each launches on a core
    EXPECT_EQ((std::vector<std::size_t>{}), start_all(a, 10.0 + kLaunchWallS / 2));
    EXPECT_EQ((std::vector<std::size_t>{2, 3, 4}), start_all(a, 10.0 + kLaunchWallS));
    a.finish(2);  // its launch failed at once: its core is free again
    EXPECT_EQ((std::vector<std::size_t>{5}), start_all(a, 10.0 + kLaunchWallS));
}

TEST(Admission, ATimeoutProbeHeldBackByTheBudgetIsNotOvertakenByProbes) {
    Admission a({computing(3, 0.5), computing(3, 0.5), computing(3, 0.5), computing(3, 0.5), waiting(2.5, 1),
                 computing(1, 0.5), waiting(0.03)},
                2);
    // The AST rejection takes no share: it starts beside the held-back timeout probe.
    EXPECT_EQ((std::vector<std::size_t>{0, 1, 2, 3, 6}), start_all(a));
    a.finish(0);
    EXPECT_EQ((std::vector<std::size_t>{}), start_all(a));  // half a core is free, the timeout probe needs one
    a.finish(1);
    EXPECT_EQ((std::vector<std::size_t>{4}), start_all(a));
}

TEST(Admission, MeasuredCasesWaitForEveryOtherCaseToStartAndFinish) {
    Admission a({waiting(0.1), waiting(0.1), waiting(0.1), waiting(0.1), measured(1)}, 1);
    EXPECT_EQ((std::vector<std::size_t>{0, 1, 2}), start_all(a));  // kWaitingPerCore of them
    a.finish(0);
    a.finish(1);
    a.finish(2);  // nothing runs, but case 3 has not started
    EXPECT_EQ((std::vector<std::size_t>{3}), start_all(a));
    a.finish(3);
    EXPECT_EQ((std::vector<std::size_t>{4}), start_all(a));
}

TEST(Admission, MeasuredCasesRunLastBesideNothingButTheirLikes) {
    Admission a({measured(9), computing(1, 0.5), measured(1), waiting(2)}, 2);
    EXPECT_EQ((std::vector<std::size_t>{3, 1, 0, 2}), a.order());
    EXPECT_EQ((std::vector<std::size_t>{3, 1}), start_all(a));  // a core is free, but a probe runs
    a.finish(1);
    EXPECT_FALSE(a.start_next(0));  // and a timeout probe
    a.finish(3);
    EXPECT_EQ((std::vector<std::size_t>{0, 2}), start_all(a));  // one per core, as before
    EXPECT_TRUE(a.all_started());
}

TEST(Admission, ACaseLargerThanTheBudgetRunsAlone) {
    Admission a({computing(1, 3), computing(1)}, 2);
    EXPECT_EQ((std::vector<std::size_t>{0}), start_all(a));
    a.finish(0);
    EXPECT_EQ((std::vector<std::size_t>{1}), start_all(a));
}

TEST(Admission, CasesThatCostNothingStartOnAnyFreeWorker) {
    Admission a({computing(1), CaseCost{0, 0, false}, CaseCost{0, 0, false}}, 1);
    EXPECT_EQ((std::vector<std::size_t>{0, 1, 2}), start_all(a));
    EXPECT_EQ(1u, a.max_in_flight());
}

TEST(Admission, AnEmptyPlanHasNothingToStart) {
    Admission a({}, 2);
    EXPECT_TRUE(a.all_started());
    EXPECT_FALSE(a.start_next(0));
    EXPECT_EQ(1u, a.max_in_flight());
}

TEST(Admission, EveryCaseStartsOnceWhateverTheFinishingOrder) {
    std::vector<CaseCost> costs;
    for (int i = 0; i < 30; ++i)
        costs.push_back(i % 5 == 0 ? waiting(2 + i % 3) : computing(0.1 * (i % 7), i % 3 == 0 ? 0.25 : 1));
    Admission a(costs, 2);
    std::vector<int> starts(costs.size(), 0);
    std::vector<std::size_t> running;
    while (!a.all_started()) {
        for (std::size_t i : start_all(a)) {
            ++starts[i];
            running.push_back(i);
        }
        ASSERT_FALSE(running.empty()) << "nothing runs and nothing may start";
        ASSERT_LE(running.size(), a.max_in_flight());
        a.finish(running[running.size() / 2]);  // neither the oldest nor the newest
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(running.size() / 2));
    }
    for (int n : starts) EXPECT_EQ(1, n);
}

}  // namespace
}  // namespace sh
