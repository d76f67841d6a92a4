#include "run/suite.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include <gtest/gtest.h>

#include "core/verdict.h"
#include "run/progress.h"
#include "testing/fake_world.h"

namespace sh {
namespace {

namespace fs = std::filesystem;

TEST(SourceCommit, ReadsHeadALooseRefOrPackedRefsAsGitWritesThem) {
    const fs::path root = fs::temp_directory_path() / ("sh-source-commit-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / ".git/refs/heads");
    const std::string a(40, 'a'), b(40, 'b'), c(40, 'c');
    EXPECT_EQ("", source_commit(root));  // no HEAD
    std::ofstream(root / ".git/HEAD") << a << "\n";  // detached
    EXPECT_EQ(a, source_commit(root));
    std::ofstream(root / ".git/HEAD") << "ref: refs/heads/main\n";
    std::ofstream(root / ".git/packed-refs") << "# pack-refs with: peeled fully-peeled sorted\n" << c << " refs/heads/main\n";
    EXPECT_EQ(c, source_commit(root));
    std::ofstream(root / ".git/refs/heads/main") << b << "\n";  // a loose ref wins
    EXPECT_EQ(b, source_commit(root));
    fs::remove_all(root);
}

TEST(SourceCommit, ThisCheckoutHasOne) {
    if (!fs::exists(SH_SOURCE_DIR "/.git/HEAD")) GTEST_SKIP() << "not a git checkout";
    EXPECT_EQ(40u, source_commit(SH_SOURCE_DIR).size());
}


// ---- the whole suite under a FakeWorld: options → records → exit status --------------------------

const std::string kClean = "SANDBOX-PROBE {\"escaped\": false, \"detail\": \"nothing reached\"}\n";

nlohmann::json hardened_inspect() {
    std::ifstream in(SH_TESTDATA_DIR "/profiles/inspect_hardened.json");
    nlohmann::json j = nlohmann::json::parse(in);
    j["Config"]["Image"] = "secure-python:latest";  // the shipped profile's image
    return j;
}

/// A checkout of its own: the shipped default profile, one workload and two probes.
struct FakeCheckout {
    fs::path root = fs::temp_directory_path() / ("sh-suite-world-" + std::to_string(::getpid()));
    FakeCheckout() {
        fs::remove_all(root);
        fs::create_directories(root / "sandbox/profiles");
        fs::copy_file(SH_SOURCE_DIR "/sandbox/profiles/default.env", root / "sandbox/profiles/default.env");
        write("workloads/hello.py",
              "# sandbox-harness: workload\n# id: wl.hello\n# image: base\n# expect-stdout: hello, world\n"
              "# summary: prints hello, world\nprint('hello, world')\n");
        for (const char* id : {"net.first", "net.second"})
            write(std::string("attacks/") + id + ".py",
                  std::string("# sandbox-harness: probe\n# id: ") + id +
                      "\n# family: network\n# controls: network\n# expect: report\n# image: base\n"
                      "# summary: tries the canary\nprint('probe')\n");
    }
    ~FakeCheckout() { fs::remove_all(root); }
    void write(const std::string& rel, const std::string& text) {
        fs::create_directories((root / rel).parent_path());
        std::ofstream(root / rel) << text;
    }
};

/// The script a request runs: "hello.py", "net.first.py", …
std::string script_of(const ProcessRequest& req) { return fs::path(req.argv.at(1)).filename().string(); }

struct SuiteUnderFakes {
    FakeCheckout checkout;
    std::atomic<bool> cancel{false};
    /// What each launch does beyond the clean one (the default: a clean container and output).
    std::function<LaunchResult(const ProcessRequest&)> launch;
    FakeWorld world{[this](const ProcessRequest& req, const std::atomic<bool>*) { return launch(req); }};

    SuiteUnderFakes() {
        world.docker.add_image("secure-python:latest");
        launch = [this](const ProcessRequest& req) { return clean(req); };
    }
    LaunchResult clean(const ProcessRequest& req) {
        world.docker.launch(container_for(req, hardened_inspect()));
        return exited(0, script_of(req) == "hello.py" ? "hello, world\n" : kClean);
    }
    /// `run --image base --jobs 1` on the checkout, as the CLI builds its request (cli/cli_common.h).
    SuiteResult run() {
        SuiteRequest req;
        req.setup = prepare_run({checkout.root}, {}, {"nightly", {}, "base"});
        req.jobs = 1;
        req.out_dir = checkout.root / "out";
        auto progress = make_silent_progress();
        return execute_suite(req, cancel, *progress, world);
    }
};

std::map<std::string, Verdict> verdicts(const std::vector<Record>& records) {
    std::map<std::string, Verdict> v;
    for (const auto& r : records) v[r.case_id] = r.judgement.verdict;
    return v;
}

TEST(SuiteUnderFakes, ACleanRunPassesEveryCaseAndLeavesNothing) {
    SuiteUnderFakes s;
    const SuiteResult result = s.run();
    EXPECT_EQ((std::map<std::string, Verdict>{{"net.first", Verdict::Contained},
                                              {"net.second", Verdict::Contained},
                                              {"wl.hello", Verdict::Pass}}),
              verdicts(result.records));
    EXPECT_EQ(0, run_exit_status(result.records, !result.harness_errors.empty()));
    // Every record was kept as it was judged, and names its script in the checkout.
    ASSERT_EQ(3u, s.world.records.records().size());
    for (const auto& r : s.world.records.records())
        EXPECT_TRUE(r.script == "workloads/hello.py" || r.script == "attacks/" + r.case_id + ".py") << r.script;
    EXPECT_EQ(std::vector<std::string>{(s.checkout.root / "out/records.jsonl").string()}, s.world.records_opened);
    // The meta comes from the world: its clock, its host, its engine.
    EXPECT_EQ("20261208t000000-f4ke", result.meta.run_id);
    EXPECT_EQ("2026-12-08T00:00:00Z", result.meta.started_at);
    EXPECT_EQ("fake-host", result.meta.host);
    EXPECT_EQ("20.10.24+fake", result.meta.engine_version);
    ASSERT_TRUE(result.meta.planned);
    EXPECT_EQ(3u, result.meta.planned->size());
    ASSERT_TRUE(result.meta.run_cost);
    EXPECT_EQ(3u, result.meta.run_cost->launches);
    // The run held its lease, swept what dead runs left, and no container of it is left.
    EXPECT_EQ(std::vector<std::string>{result.meta.run_id}, s.world.leases);
    EXPECT_EQ(std::vector<std::string>{result.meta.run_id}, s.world.swept_for);
    EXPECT_EQ(1, s.world.orphan_sweeps);
    EXPECT_TRUE(s.world.docker.list_containers("sandbox-harness.run").empty());
    EXPECT_TRUE(result.harness_errors.empty());
}

TEST(SuiteUnderFakes, ACanaryHitDuringAProbeIsAnEscapeAndTheRunFails) {
    SuiteUnderFakes s;
    s.launch = [&](const ProcessRequest& req) {
        if (script_of(req) == "net.second.py") s.world.canary.hit("GET / HTTP/1.0\r\n\r\n");
        return s.clean(req);  // the probe itself says it reached nothing
    };
    const SuiteResult result = s.run();
    const auto v = verdicts(result.records);
    EXPECT_EQ(Verdict::Escaped, v.at("net.second"));
    EXPECT_EQ(Verdict::Contained, v.at("net.first"));
    EXPECT_EQ(1, run_exit_status(result.records, !result.harness_errors.empty()));
}

TEST(SuiteUnderFakes, AHitWhileNoCaseRanFailsTheRunAsARecordOfItsOwn) {
    SuiteUnderFakes s;
    s.world.canary.hit("before any case");
    const SuiteResult result = s.run();
    const auto v = verdicts(result.records);
    EXPECT_EQ(Verdict::Error, v.at(kRunCanaryCaseId));
    EXPECT_EQ(Verdict::Contained, v.at("net.first"));
    EXPECT_EQ(2, run_exit_status(result.records, !result.harness_errors.empty()));
    EXPECT_EQ(4u, s.world.records.records().size());
}

TEST(SuiteUnderFakes, AnEngineThatDisappearsMidRunGivesErrorsNeverAPass) {
    SuiteUnderFakes s;
    int launches = 0;
    s.launch = [&](const ProcessRequest& req) {
        if (++launches == 1) return s.clean(req);
        s.world.docker.down = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock";
        s.world.docker.break_watches("the engine went away");
        return exited(125, "", "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n");
    };
    const SuiteResult result = s.run();
    ASSERT_EQ(3u, result.records.size());
    int errors = 0;
    for (std::size_t i = 1; i < result.records.size(); ++i) {
        EXPECT_EQ(Verdict::Error, result.records[i].judgement.verdict) << result.records[i].case_id;
        errors += result.records[i].judgement.verdict == Verdict::Error;
    }
    EXPECT_EQ(2, errors);
    // The final cleanup could not ask the engine: a harness error, and the reports still come.
    ASSERT_EQ(1u, result.harness_errors.size());
    EXPECT_NE(std::string::npos, result.harness_errors[0].find("final cleanup failed"));
    EXPECT_EQ(2, run_exit_status(result.records, !result.harness_errors.empty()));
}

TEST(SuiteUnderFakes, NoEngineAtTheStartIsAHarnessErrorBeforeAnyCase) {
    SuiteUnderFakes s;
    s.world.docker.down = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock";
    EXPECT_THROW(s.run(), DockerError);
    EXPECT_TRUE(s.world.launcher.requests().empty());
    EXPECT_TRUE(s.world.records_opened.empty());
}

TEST(SuiteUnderFakes, AFullDiskKeepsTheJudgedRecordsAndFailsTheRunWithExit2) {
    SuiteUnderFakes s;
    s.world.records.fills_after = 1;
    const SuiteResult result = s.run();
    // The run stops at the record the disk refused; the reports are written from the judged ones.
    EXPECT_EQ(2u, result.records.size());
    EXPECT_EQ(1u, s.world.records.records().size());
    EXPECT_EQ(2u, s.world.launcher.requests().size());
    ASSERT_EQ(1u, result.harness_errors.size());
    EXPECT_NE(std::string::npos, result.harness_errors[0].find("No space left on device")) << result.harness_errors[0];
    EXPECT_NE(std::string::npos, result.harness_errors[0].find("the run stopped there (1 of 3 cases not started)"))
        << result.harness_errors[0];
    EXPECT_EQ(2, run_exit_status(result.records, !result.harness_errors.empty()));
}

TEST(SuiteUnderFakes, AnInterruptStopsTheRunAndExitsWithTheSignal) {
    SuiteUnderFakes s;
    s.launch = [&](const ProcessRequest& req) {
        s.cancel = true;  // SIGINT while the first case runs
        return s.clean(req);
    };
    const SuiteResult result = s.run();
    EXPECT_TRUE(result.meta.interrupted);
    EXPECT_EQ(1u, s.world.launcher.requests().size());  // nothing started after it
    for (const auto& r : result.records)
        EXPECT_TRUE(r.judgement.verdict == Verdict::Skipped || r.observation.container_id) << r.case_id;
    EXPECT_EQ(130, run_exit_status(result.records, !result.harness_errors.empty(), 2));
    EXPECT_TRUE(s.world.docker.list_containers("sandbox-harness.run").empty());
}
}  // namespace
}  // namespace sh
