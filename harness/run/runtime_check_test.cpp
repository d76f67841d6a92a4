#include "run/runtime_check.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "testing/fake_process_runner.h"

namespace sh {
namespace {

namespace fs = std::filesystem;

Profile profile_with_runtime(const std::string& runtime) {
    Profile p = with_overrides(default_profile(), {{"SANDBOX_RUNTIME", runtime}});
    p.path = "/src/sandbox/profiles/runsc.env";
    return p;
}

RuntimeCheckOptions options(const std::string& runtime) {
    RuntimeCheckOptions o;
    o.launcher = "/src/sandbox/run_secure_python.sh";
    o.profile = profile_with_runtime(runtime);
    o.image_ref = "secure-python:latest";
    o.run_id = "20261201t040000-abcd";
    return o;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A launcher that prints what the trial script would (it reads the script the harness wrote).
LaunchResult runs_the_script(const ProcessRequest& req) {
    const std::string text = read_file(req.argv.at(1));
    const auto open = text.find("print(\"");
    const auto close = text.rfind("\")");
    return exited(0, text.substr(open + 7, close - open - 7) + "\n");
}

const std::string kCrunSays =
    "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: cgroups in hybrid "
    "mode not supported, drop all controllers from cgroupv2: unknown\n\nRun 'docker run --help' for more "
    "information\n";

std::vector<PlanItem> plan_of(int n) {
    std::vector<PlanItem> plan(n);
    for (int i = 0; i < n; ++i) plan[i].image_ref = i == 0 ? "secure-python-science:latest" : "secure-python:latest";
    return plan;
}

TEST(RuntimeCheck, TheDefaultRuntimeIsNotChecked) {
    FakeProcessRunner processes([](const ProcessRequest&, const std::atomic<bool>*) { return exited(125); });
    const RuntimeCheck c = check_runtime(options("runc"), processes);
    EXPECT_FALSE(c.checked);
    EXPECT_TRUE(c.available);
    EXPECT_EQ("runc", c.runtime);
    EXPECT_TRUE(processes.requests().empty());
}

TEST(RuntimeCheck, AWorkingRuntimeRunsOneTrialWithTheProfilesFlags) {
    std::string script;
    FakeProcessRunner processes([&](const ProcessRequest& req, const std::atomic<bool>*) {
        script = req.argv.at(1);
        struct stat st {};
        EXPECT_EQ(0, ::stat(script.c_str(), &st));
        EXPECT_EQ(0644u, st.st_mode & 07777) << "the container's uid 65534 must read it";
        return runs_the_script(req);
    });
    const RuntimeCheck c = check_runtime(options("runsc"), processes);
    EXPECT_TRUE(c.checked);
    EXPECT_TRUE(c.available);
    EXPECT_EQ("", c.reason);
    EXPECT_NE(std::string::npos, c.note.find("runtime runsc: sandbox/run_secure_python.sh ran a one-line script")) << c.note;
    ASSERT_EQ(1u, processes.requests().size());
    const ProcessRequest req = processes.requests()[0];  // requests() returns a copy
    EXPECT_EQ("/src/sandbox/run_secure_python.sh", req.argv.at(0));
    EXPECT_EQ(2u, req.argv.size());
    const auto& env = req.env_set;
    EXPECT_EQ("runsc", env.at("SANDBOX_RUNTIME"));
    EXPECT_EQ("/src/sandbox/profiles/runsc.env", env.at("SANDBOX_PROFILE"));
    EXPECT_EQ("secure-python:latest", env.at("SANDBOX_IMAGE"));
    EXPECT_EQ("none", env.at("SANDBOX_NETWORK"));  // every flag of the profile, as the cases get them
    EXPECT_EQ("64", env.at("SANDBOX_PIDS_LIMIT"));
    EXPECT_EQ("15", env.at("SANDBOX_TIMEOUT"));
    EXPECT_EQ("0", env.at("SANDBOX_AST_CHECK"));
    EXPECT_EQ("sh-20261201t040000-abcd-runtime-check", env.at("SANDBOX_NAME"));
    EXPECT_EQ("sandbox-harness.runtime-check=20261201t040000-abcd", env.at("SANDBOX_LABELS"));
    EXPECT_EQ(std::chrono::milliseconds(20000), req.deadline);
    EXPECT_FALSE(fs::exists(script)) << "the trial script is removed afterwards";
}

TEST(RuntimeCheck, ARuntimeTheHostCannotRunIsUnavailableWithTheEnginesReason) {
    FakeProcessRunner processes([](const ProcessRequest& req, const std::atomic<bool>*) {
        if (req.env_set.at("SANDBOX_RUNTIME") == "crun") return exited(125, "", kCrunSays);
        return runs_the_script(req);
    });
    const RuntimeCheck c = check_runtime(options("crun"), processes);
    EXPECT_TRUE(c.checked);
    EXPECT_FALSE(c.available);
    EXPECT_EQ("docker: Error response from daemon: failed to create shim task: OCI runtime create failed: cgroups in "
              "hybrid mode not supported, drop all controllers from cgroupv2: unknown (launcher exit 125)",
              c.reason);
    ASSERT_EQ(2u, processes.requests().size());  // then the same under runc: it is the runtime
    EXPECT_EQ("runc", processes.requests()[1].env_set.at("SANDBOX_RUNTIME"));
    EXPECT_EQ("sh-20261201t040000-abcd-runtime-check-runc", processes.requests()[1].env_set.at("SANDBOX_NAME"));
    EXPECT_NE(std::string::npos, c.note.find("the same script ran under runc")) << c.note;

    const nlohmann::json section = runtime_check_section(c);
    EXPECT_EQ("crun", section["runtime"]);
    EXPECT_EQ(false, section["available"]);
    EXPECT_EQ(c.reason, section["reason"]);
}

TEST(RuntimeCheck, AnUnregisteredRuntimeNamesWhatTheEngineHas) {
    FakeProcessRunner processes([](const ProcessRequest& req, const std::atomic<bool>*) {
        if (req.env_set.at("SANDBOX_RUNTIME") != "runsc") return runs_the_script(req);
        return exited(125, "", "docker: Error response from daemon: Unknown runtime specified runsc.\n"
                               "See 'docker run --help'.\nrun_secure_python: runtime runsc is not registered with "
                               "the engine (it has: runc): ci/setup-host.sh registers runsc\n");
    });
    const RuntimeCheck c = check_runtime(options("runsc"), processes);
    EXPECT_FALSE(c.available);
    EXPECT_EQ("docker: Error response from daemon: Unknown runtime specified runsc.; run_secure_python: runtime runsc is not registered with the engine (it has: runc): ci/setup-host.sh "
              "registers runsc (launcher exit 125)",
              c.reason);
}

TEST(RuntimeCheck, AHangingRuntimeIsUnavailableWithinTheDeadline) {
    RuntimeCheckOptions o = options("runsc-kvm");
    o.timeout = std::chrono::milliseconds(3000);
    o.deadline = std::chrono::milliseconds(5000);
    o.grace = std::chrono::milliseconds(500);
    FakeProcessRunner processes([](const ProcessRequest& req, const std::atomic<bool>*) {
        if (req.env_set.at("SANDBOX_RUNTIME") == "runc") return runs_the_script(req);
        LaunchResult r;  // the harness's deadline killed the launcher, stuck in `docker rm -f`
        r.started = true;
        r.signal = 9;
        r.harness_deadline_hit = true;
        r.stderr_text = "run_secure_python: got SIGTERM: container sh-x removed\n";
        r.wall_ms = 5500;
        return r;
    });
    const RuntimeCheck c = check_runtime(o, processes);
    EXPECT_FALSE(c.available);
    EXPECT_EQ("a one-line script did not finish within 5 s under runtime runsc-kvm (the runtime hangs at start, or "
              "the engine is overloaded): run_secure_python: got SIGTERM: container sh-x removed; its container "
              "sh-20261201t040000-abcd-runtime-check may remain while the runtime's processes do",
              c.reason);
    EXPECT_EQ("3", processes.requests()[0].env_set.at("SANDBOX_TIMEOUT"));
    EXPECT_EQ(std::chrono::milliseconds(5000), processes.requests()[0].deadline);
    EXPECT_EQ(std::chrono::milliseconds(500), processes.requests()[0].grace);

    // The launcher's own timeout (exit 124) reads the same way.
    FakeProcessRunner timed_out([](const ProcessRequest& req, const std::atomic<bool>*) {
        if (req.env_set.at("SANDBOX_RUNTIME") == "runc") return runs_the_script(req);
        return exited(124, "", "run_secure_python: timed out after 3s: container sh-x killed and removed\n");
    });
    const RuntimeCheck t = check_runtime(o, timed_out);
    EXPECT_FALSE(t.available);
    EXPECT_NE(std::string::npos, t.reason.find("did not finish within 3 s under runtime runsc-kvm")) << t.reason;
}

TEST(RuntimeCheck, WhenTheDefaultRuntimeFailsTooItIsNotTheRuntimesFault) {
    FakeProcessRunner processes([](const ProcessRequest&, const std::atomic<bool>*) {
        return exited(125, "", "docker: Error response from daemon: Range of CPUs is from 0.01 to 2.00.\n");
    });
    const RuntimeCheck c = check_runtime(options("runsc"), processes);
    EXPECT_TRUE(c.checked);
    EXPECT_TRUE(c.available);  // the cases run, and show the failure as errors
    EXPECT_EQ(2u, processes.requests().size());
    EXPECT_NE(std::string::npos, c.note.find("not a runtime problem")) << c.note;

    std::vector<PlanItem> plan = plan_of(2);
    skip_unavailable_runtime(plan, c);
    EXPECT_FALSE(plan[0].skip);
    EXPECT_FALSE(plan[1].skip);
}

TEST(RuntimeCheck, ALauncherThatCannotRunIsNotTheRuntimesFault) {
    FakeProcessRunner processes([](const ProcessRequest&, const std::atomic<bool>*) {
        LaunchResult r;
        r.start_error = "cannot execute /src/sandbox/run_secure_python.sh: No such file or directory";
        return r;
    });
    const RuntimeCheck c = check_runtime(options("runsc"), processes);
    EXPECT_TRUE(c.available);
    EXPECT_NE(std::string::npos, c.note.find("the launcher could not run: cannot execute")) << c.note;
}

TEST(RuntimeCheck, AnInterruptedCheckDecidesNothing) {
    std::atomic<bool> cancel{false};
    FakeProcessRunner processes([&](const ProcessRequest&, const std::atomic<bool>*) {
        cancel = true;
        return exited(143, "", "run_secure_python: got SIGTERM: container x removed\n");
    });
    const RuntimeCheck c = check_runtime(options("runsc"), processes, &cancel);
    EXPECT_FALSE(c.checked);
    EXPECT_TRUE(c.available);
    EXPECT_EQ(1u, processes.requests().size());
}

TEST(SkipIfRuntimeUnavailable, SkipsEveryCaseWithTheReasonAndRecordsTheCheck) {
    FakeProcessRunner processes([](const ProcessRequest& req, const std::atomic<bool>*) {
        if (req.env_set.at("SANDBOX_RUNTIME") == "crun") return exited(125, "", kCrunSays);
        return runs_the_script(req);
    });
    std::vector<PlanItem> plan = plan_of(3);
    plan[2].skip = true;
    plan[2].skip_reason = "aims at an external address";
    RunMeta meta;
    meta.run_id = "r1";
    const std::atomic<bool> cancel{false};
    plan = skip_if_runtime_unavailable(std::move(plan), "/src/sandbox/run_secure_python.sh",
                                       profile_with_runtime("crun"), meta, processes, cancel);
    EXPECT_EQ("secure-python-science:latest", processes.requests().at(0).env_set.at("SANDBOX_IMAGE"));  // the plan's
    for (int i : {0, 1}) {
        EXPECT_TRUE(plan[i].skip);
        EXPECT_EQ("runtime crun is unavailable on this host: docker: Error response from daemon: failed to create shim "
                  "task: OCI runtime create failed: cgroups in hybrid mode not supported, drop all controllers from "
                  "cgroupv2: unknown (launcher exit 125)",
                  plan[i].skip_reason);
    }
    EXPECT_EQ("aims at an external address", plan[2].skip_reason);  // a reason of its own is kept
    ASSERT_TRUE(meta.extra.contains("runtime_check"));
    EXPECT_EQ("crun", meta.extra["runtime_check"]["runtime"]);
    EXPECT_EQ(false, meta.extra["runtime_check"]["available"]);
}

TEST(SkipIfRuntimeUnavailable, RuncAndAnEmptyPlanCostNothing) {
    FakeProcessRunner processes([](const ProcessRequest&, const std::atomic<bool>*) { return exited(0); });
    RunMeta meta;
    const std::atomic<bool> cancel{false};
    auto plan = skip_if_runtime_unavailable(plan_of(2), "/l", profile_with_runtime("runc"), meta, processes, cancel);
    EXPECT_FALSE(plan[0].skip);
    EXPECT_TRUE(skip_if_runtime_unavailable({}, "/l", profile_with_runtime("runsc"), meta, processes, cancel).empty());
    EXPECT_TRUE(processes.requests().empty());
    EXPECT_FALSE(meta.extra.contains("runtime_check"));
}

TEST(SkipIfRuntimeUnavailable, AnAvailableRuntimeIsRecordedAndSkipsNothing) {
    FakeProcessRunner processes([](const ProcessRequest& req, const std::atomic<bool>*) { return runs_the_script(req); });
    RunMeta meta;
    const std::atomic<bool> cancel{false};
    auto plan = skip_if_runtime_unavailable(plan_of(2), "/l", profile_with_runtime("runsc"), meta, processes, cancel);
    EXPECT_FALSE(plan[0].skip);
    EXPECT_FALSE(plan[1].skip);
    EXPECT_EQ(true, meta.extra["runtime_check"]["available"]);
    EXPECT_FALSE(meta.extra["runtime_check"].contains("reason"));
}

}  // namespace
}  // namespace sh
