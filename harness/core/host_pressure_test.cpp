#include "core/host_pressure.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

/// `mean` runnable tasks on average, `own` of them the case's own.
HostLoadDuring load(double mean, int cores = 2, double own = 0) {
    return HostLoadDuring{.runnable_mean = mean, .runnable_max = static_cast<int>(mean) + 1, .cores = cores,
                          .samples = 30, .own_runnable_mean = own, .own_counted = true};
}

/// A workload the launcher's timeout stopped (exit 124, the container seen running and killed).
Record timed_out_workload(std::optional<HostLoadDuring> during) {
    Record r;
    r.case_id = "wl.spin";
    r.kind = CaseKind::Workload;
    r.launch.started = true;
    r.launch.exit_code = kLauncherTimeout;
    r.launch.wall_ms = 3100;
    r.observation.container_id = "abc";
    r.observation.t_create = 1;
    r.observation.exit_code = 137;
    r.observation.host_load = during;
    r.judgement.verdict = Verdict::Fail;
    r.judgement.reasons = {"timed out after its 3 s timeout (launcher exit 124)"};
    return r;
}

TEST(Overloaded, IsRunnableTasksPerCpuAtOrAboveTheThreshold) {
    EXPECT_TRUE(overloaded(load(4.0), 2));
    EXPECT_FALSE(overloaded(load(3.9), 2));
    EXPECT_TRUE(overloaded(load(3.9, 1), 2));
    EXPECT_FALSE(overloaded(load(100), 0)) << "0 turns it off";
    EXPECT_FALSE(overloaded(HostLoadDuring{.runnable_mean = 9, .cores = 2, .samples = 0}, 2)) << "no sample, no claim";
    EXPECT_EQ(describe(load(17.94)),
              "runnable tasks mean 17.9 (the case's own 0.0, others 17.9), max 18 on 2 CPUs (others 9.0 per CPU)");
}

TEST(Overloaded, TheCasesOwnTasksNeverCount) {
    // A workload that starts tens of threads shows 4-9 runnable tasks per CPU by itself.
    EXPECT_FALSE(overloaded(load(17.9, 2, 16.5), 2)) << "its own load is no excuse";
    EXPECT_TRUE(overloaded(load(17.9, 2, 9.0), 2)) << "others' 8.9 on 2 CPUs is";
    HostLoadDuring unknown = load(17.94);
    unknown.own_counted = false;
    EXPECT_FALSE(overloaded(unknown, 2)) << "without its own count, no load is known to be someone else's";
    EXPECT_EQ(describe(unknown), "runnable tasks mean 17.9, max 18 on 2 CPUs (9.0 per CPU; the case's own not counted)");
    EXPECT_FALSE(deserves_rerun(timed_out_workload(load(17.9, 2, 16.5)), 2));
}

TEST(DeservesRerun, OnlyAWorkloadStoppedByItsTimeoutOnAnOverloadedHost) {
    EXPECT_TRUE(deserves_rerun(timed_out_workload(load(10)), 2));
    EXPECT_FALSE(deserves_rerun(timed_out_workload(load(1)), 2)) << "a quiet host: the workload is slow";
    EXPECT_FALSE(deserves_rerun(timed_out_workload(std::nullopt), 2)) << "no figures: no excuse";
    EXPECT_FALSE(deserves_rerun(timed_out_workload(load(10)), 0));

    Record probe = timed_out_workload(load(10));
    probe.kind = CaseKind::Probe;
    probe.judgement.verdict = Verdict::Escaped;
    EXPECT_FALSE(deserves_rerun(probe, 2)) << "a probe's verdict is never retried away";

    Record wrong_output = timed_out_workload(load(10));
    wrong_output.launch.exit_code = 1;
    EXPECT_FALSE(deserves_rerun(wrong_output, 2)) << "a failure that is not a timeout is the workload's own";

    Record script_exit_124 = timed_out_workload(load(10));
    script_exit_124.observation.exit_code = kLauncherTimeout;
    EXPECT_FALSE(deserves_rerun(script_exit_124, 2)) << "the script's own exit 124 is no timeout";

    Record canary = timed_out_workload(load(10));
    canary.observation.canary_hits = {"tcp connection"};
    EXPECT_FALSE(deserves_rerun(canary, 2)) << "outside evidence is never retried away";
}

TEST(SettleRerun, APassAfterAnOverloadedTimeoutIsFlakyWithBothLoads) {
    Record again;
    again.case_id = "wl.spin";
    again.kind = CaseKind::Workload;
    again.judgement.verdict = Verdict::Pass;
    again.judgement.reasons = {"exit 0"};
    again.observation.host_load = load(1.2);
    const Record r = settle_rerun(timed_out_workload(load(17.94)), again);
    EXPECT_EQ(r.judgement.verdict, Verdict::Flaky);
    ASSERT_FALSE(r.judgement.reasons.empty());
    EXPECT_NE(r.judgement.reasons.front().find("9.0 per CPU"), std::string::npos) << r.judgement.reasons.front();
    EXPECT_NE(r.judgement.reasons.front().find("0.6 per CPU"), std::string::npos) << r.judgement.reasons.front();
    ASSERT_TRUE(r.first_attempt);
    EXPECT_EQ(r.first_attempt->verdict, Verdict::Fail);
    EXPECT_EQ(r.first_attempt->wall_ms, 3100);
    EXPECT_TRUE(did_what_it_must(r.judgement.verdict));
    EXPECT_FALSE(makes_run_fail(r.judgement.verdict));
}

TEST(SettleRerun, ASecondFailureStaysAFailureAndSaysItRanTwice) {
    Record again = timed_out_workload(load(12));
    const Record r = settle_rerun(timed_out_workload(load(17.94)), again);
    EXPECT_EQ(r.judgement.verdict, Verdict::Fail);
    EXPECT_TRUE(r.judgement.reasons.front().starts_with("run twice")) << r.judgement.reasons.front();
    EXPECT_TRUE(r.first_attempt);
}

TEST(RerunItem, GetsItsOwnContainerAndCgroupParentWithTheRunIdStillReadable) {
    PlanItem item;
    item.container_name = "sh-20261201-abc-7";
    item.env = {{"SANDBOX_NAME", "sh-20261201-abc-7"}, {"SANDBOX_CGROUP_PARENT", "/sandbox-harness/sh-20261201-abc-7"}};
    const PlanItem again = rerun_item(item);
    EXPECT_EQ(again.container_name, "sh-20261201-abc-7r");
    EXPECT_EQ(again.env.at("SANDBOX_NAME"), "sh-20261201-abc-7r");
    EXPECT_EQ(again.env.at("SANDBOX_CGROUP_PARENT"), "/sandbox-harness/sh-20261201-abc-7r");
    const std::string name = again.container_name;
    EXPECT_EQ(name.substr(3, name.rfind('-') - 3), "20261201-abc") << "the dead-run sweep reads the run id so";
}

TEST(FirstAttempt, RoundTripsThroughTheRecordJson) {
    Record again;
    again.judgement.verdict = Verdict::Pass;
    const Record r = settle_rerun(timed_out_workload(load(17.94)), again);
    const Record back = record_from_json(to_json(r));
    EXPECT_EQ(back.judgement.verdict, Verdict::Flaky);
    ASSERT_TRUE(back.first_attempt);
    ASSERT_TRUE(back.first_attempt->host_load);
    EXPECT_DOUBLE_EQ(back.first_attempt->host_load->runnable_mean, 17.94);
    EXPECT_EQ(to_json(back), to_json(r));
}

}  // namespace
}  // namespace sh
