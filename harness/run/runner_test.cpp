// The runner with both I/O boundaries faked: a FakeProcessRunner plays the launcher (and drives a
// FakeDocker the way the real launcher drives the engine); the canary, the event monitor and the
// records file are the real ones.
#include "run/runner.h"

#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include "io/canary.h"
#include "io/event_monitor.h"
#include "io/kernel_log.h"
#include "io/records_file.h"
#include "run/progress.h"
#include "testing/fake_docker.h"
#include "testing/fake_process_runner.h"
#include "testing/fake_world.h"

namespace sh {
namespace {

namespace fs = std::filesystem;

const std::string kClean = "SANDBOX-PROBE {\"escaped\": false, \"detail\": \"nothing reached\"}\n";

nlohmann::json hardened_inspect() {
    std::ifstream in(SH_TESTDATA_DIR "/profiles/inspect_hardened.json");
    return nlohmann::json::parse(in);
}

CaseSpec probe(std::string id, Expect expect = Expect::Report) {
    CaseSpec s;
    s.kind = CaseKind::Probe;
    s.id = std::move(id);
    s.family = "network";
    s.controls = {"network"};
    s.expect = expect;
    s.timeout_s = 5;
    s.path = "/nonexistent/" + s.id + ".py";  // never read: the launcher is fake
    return s;
}

void connect_to(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    EXPECT_EQ(0, ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a));
    ::close(fd);
}

constexpr long kScriptPid = 8438;  ///< the script's process in the fake host process tree

/// One run of `cases` through the runner, with `launcher` playing run_secure_python.sh.
struct Harness {
    FakeDocker docker;
    LoopbackCanary canary;
    CanaryLedger windows;
    std::atomic<bool> cancel{false};
    fs::path dir;
    Profile profile = with_overrides(default_profile(), {{"SANDBOX_IMAGE", "sandbox-dev:base"}});

    Harness() {
        dir = fs::temp_directory_path() / ("runner-test-" + std::to_string(::getpid()));
        fs::create_directories(dir);
    }
    ~Harness() { fs::remove_all(dir); }

    /// Runs the launcher's part: a container named as the harness asked, with the labels it asked for.
    FakeDocker::Launch container_for(const ProcessRequest& req, int exit_code = 0) {
        return sh::container_for(req, hardened_inspect(), exit_code);
    }

    fs::path records_path;  ///< empty: dir/records.jsonl
    std::vector<std::string> harness_errors;
    KernelLog* kernel_log = nullptr;

    std::vector<Record> run(const std::vector<const CaseSpec*>& cases, FakeProcessRunner::Script launcher, int jobs = 1) {
        PlanOptions opts;
        opts.run_id = "t1";
        opts.images = ImageChoice::Base;
        opts.image_refs = {{"base", "sandbox-dev:base"}, {"science", "sandbox-dev:science"}};
        opts.profile = profile;
        opts.canary_tcp_port = canary.tcp_port();
        opts.canary_udp_port = canary.udp_port();
        const auto plan = make_plan(cases, opts);
        FakeProcessRunner processes(std::move(launcher));
        // The host's process tree, played: the container's init has the script's process as its child.
        EventMonitor events(docker, opts.run_id, [](long) -> std::optional<long> { return kScriptPid; });
        RecordsWriter records(records_path.empty() ? dir / "records.jsonl" : records_path);
        auto progress = make_silent_progress();
        RunConfig cfg;
        cfg.checkout.root = "/fake";
        cfg.profile = profile;
        cfg.jobs = jobs;
        RunContext ctx{docker, processes, events, canary, windows, records, *progress, cancel, &harness_errors,
                       nullptr, kernel_log};
        return run_plan(plan, cfg, ctx);
    }
};

TEST(Runner, ACleanReportFromAContainerThatCameAndWentIsContained) {
    Harness h;
    const CaseSpec p = probe("net.a");
    const auto records = h.run({&p}, [&](const ProcessRequest& req, const std::atomic<bool>*) {
        h.docker.launch(h.container_for(req));
        return exited(0, kClean);
    });
    ASSERT_EQ(1u, records.size());
    EXPECT_EQ(Verdict::Contained, records[0].judgement.verdict) << records[0].judgement.reasons.at(0);
    EXPECT_TRUE(records[0].observation.inspected);
    EXPECT_TRUE(records[0].observation.canary_hits.empty());
}

TEST(Runner, ACanaryHitDuringTheCaseIsAnEscapeWhateverTheProbeReports) {
    Harness h;
    const CaseSpec p = probe("net.liar");
    const auto records = h.run({&p}, [&](const ProcessRequest& req, const std::atomic<bool>*) {
        h.docker.launch(h.container_for(req));
        connect_to(h.canary.tcp_port());  // no payload, no token
        return exited(0, kClean);
    });
    ASSERT_EQ(1u, records.size());
    EXPECT_EQ(Verdict::Escaped, records[0].judgement.verdict);
    ASSERT_EQ(1u, records[0].observation.canary_hits.size());
    EXPECT_NE(std::string::npos, records[0].observation.canary_hits[0].find("alone was running"));
}

TEST(Runner, AHitBetweenCasesBelongsToNeitherCase) {
    Harness h;
    const CaseSpec a = probe("net.a"), b = probe("net.b");
    connect_to(h.canary.tcp_port());  // before any case: the suite reports it as the run's
    const auto records = h.run({&a, &b}, [&](const ProcessRequest& req, const std::atomic<bool>*) {
        h.docker.launch(h.container_for(req));
        return exited(0, kClean);
    });
    ASSERT_EQ(2u, records.size());
    for (const auto& r : records) EXPECT_EQ(Verdict::Contained, r.judgement.verdict) << r.case_id;
    EXPECT_EQ(1u, unexplained_hits(h.canary.hits(), h.windows.windows(), h.canary.sync()).size());
}

TEST(Runner, AContainerLeftBehindIsAnEscapeAndIsRemoved) {
    Harness h;
    const CaseSpec p = probe("net.a");
    const auto records = h.run({&p}, [&](const ProcessRequest& req, const std::atomic<bool>*) {
        auto l = h.container_for(req);
        l.auto_remove = false;
        h.docker.launch(l);
        return exited(0, kClean);
    });
    ASSERT_EQ(1u, records.size());
    EXPECT_EQ(Verdict::Escaped, records[0].judgement.verdict);
    EXPECT_EQ(1u, h.docker.removed().size());
    EXPECT_FALSE(h.docker.exists(records[0].container_name));
}


/// A probe the memory limit stops: killed with exit 137, the engine's "oom" event lost, and the
/// kernel log (a file here) given `record_for`'s record, if any, once the container exists. The
/// log already holds a kill of the script's pid from before the case (a pid reused since).
Record memory_probe_with_lost_oom_event(Harness& h, const std::function<std::string(const std::string&)>& record_for) {
    const fs::path kmsg = h.dir / "kmsg";
    { std::ofstream(kmsg) << "6,1,100,-;Memory cgroup out of memory: Killed process 8438 (python3)\n"; }
    KernelLog log(kmsg.string());
    h.kernel_log = &log;
    CaseSpec p = probe("res.balloon");
    p.family = "resource";
    p.controls = {"memory"};
    const auto records = h.run({&p}, [&](const ProcessRequest& req, const std::atomic<bool>*) {
        auto l = h.container_for(req, 137);
        l.oom = false;
        const std::string id = h.docker.launch(l);
        std::ofstream(kmsg, std::ios::app) << record_for(id);
        return exited(137);
    });
    h.kernel_log = nullptr;
    EXPECT_EQ(1u, records.size());
    return records.at(0);
}

std::string kmsg_oom_kill(const std::string& memcg_id, const std::string& constraint = "CONSTRAINT_MEMCG",
                          long pid = kScriptPid) {
    return "3,2,200,-;oom-kill:constraint=" + constraint + ",nodemask=(null),cpuset=" + memcg_id +
           ",mems_allowed=0,oom_memcg=/docker/" + memcg_id + ",task_memcg=/docker/" + memcg_id +
           ",task=python3,pid=" + std::to_string(pid) + ",uid=65534\n";
}

std::string kmsg_killed_line(long pid) {
    return "3,3,201,-;Memory cgroup out of memory: Killed process " + std::to_string(pid) +
           " (python3) total-vm:79328kB, anon-rss:64600kB, file-rss:2376kB, shmem-rss:0kB, UID:65534\n";
}

TEST(Runner, AnOomKillTheEngineLostIsTakenFromTheKernelLogAndSaysSo) {
    Harness h;
    const Record r = memory_probe_with_lost_oom_event(h, [](const std::string& id) { return kmsg_oom_kill(id); });
    EXPECT_EQ(Verdict::Contained, r.judgement.verdict) << r.judgement.reasons.at(0);
    EXPECT_TRUE(r.observation.oom_killed);
    ASSERT_EQ(1u, r.observation.notes.size());
    EXPECT_NE(std::string::npos, r.observation.notes[0].find("OOM kill seen in the kernel log only")) << r.observation.notes[0];
}

TEST(Runner, AKillLineNamingTheScriptsPidStandsInForASummaryTheRateLimitDropped) {
    Harness h;
    const Record r = memory_probe_with_lost_oom_event(h, [](const std::string&) {
        return "4,2,150,-;oom_kill_process: 4 callbacks suppressed\n" + kmsg_killed_line(kScriptPid);
    });
    EXPECT_EQ(Verdict::Contained, r.judgement.verdict) << r.judgement.reasons.at(0);
    EXPECT_EQ(std::vector<long>{kScriptPid}, r.observation.oom_killed_pids);
    EXPECT_EQ(kScriptPid, r.observation.script.script_pid);
}

TEST(Runner, AnOomKillOfAnotherProcessOfTheContainerIsNotTheScripts) {
    // The script forked a child for the limit to kill (pid 9000), then exited 137 itself: the
    // engine's event and the summary say "OOM kill in this container", not "the script's".
    for (const bool engine_saw_it : {false, true}) {
        Harness h;
        const fs::path kmsg = h.dir / "kmsg";
        { std::ofstream(kmsg) << ""; }
        KernelLog log(kmsg.string());
        h.kernel_log = &log;
        CaseSpec p = probe("res.sacrifice");
        p.controls = {"memory"};
        p.expect = Expect::Killed;
        const auto records = h.run({&p}, [&](const ProcessRequest& req, const std::atomic<bool>*) {
            auto l = h.container_for(req, 137);
            l.oom = engine_saw_it;
            const std::string id = h.docker.launch(l);
            std::ofstream(kmsg, std::ios::app) << kmsg_oom_kill(id, "CONSTRAINT_MEMCG", 9000) << kmsg_killed_line(9000);
            return exited(137);
        });
        h.kernel_log = nullptr;
        ASSERT_EQ(1u, records.size());
        const Record& r = records[0];
        EXPECT_EQ(Verdict::Error, r.judgement.verdict) << r.judgement.reasons.at(0);
        EXPECT_TRUE(r.observation.oom_killed);
        EXPECT_EQ(std::vector<long>{9000}, r.observation.oom_killed_pids);
        EXPECT_TRUE(std::any_of(r.judgement.reasons.begin(), r.judgement.reasons.end(), [](const std::string& s) {
            return s.find("not shown to be of the script's own process") != std::string::npos;
        })) << r.judgement.reasons.back();
    }
}

TEST(Runner, WithoutTheKernelsRecordOfThisContainersOwnLimitExit137StaysUnproven) {
    for (const auto& record_for : std::vector<std::function<std::string(const std::string&)>>{
             [](const std::string&) { return std::string(); },                                   // nothing logged
             [](const std::string&) { return kmsg_oom_kill(std::string(64, 'f')); },              // another container
             [](const std::string& id) { return kmsg_oom_kill(id, "CONSTRAINT_NONE"); },          // the host's OOM
             [](const std::string& id) { return "4,3,300,-;python3: oom-kill:oom_memcg=/docker/" + id + "\n"; },
             [](const std::string&) { return kmsg_killed_line(9000); }}) {  // a line for another pid
        Harness h;
        const Record r = memory_probe_with_lost_oom_event(h, record_for);
        EXPECT_EQ(Verdict::Error, r.judgement.verdict);
        EXPECT_FALSE(r.observation.oom_killed);
        EXPECT_NE(std::string::npos, r.judgement.reasons.at(0).find("nothing outside shows a kill")) << r.judgement.reasons[0];
    }
}

TEST(Runner, AReportLinePastTheCaptureIsCountedFromTheWatchedStream) {
    Harness h;
    const CaseSpec p = probe("net.a");
    const auto records = h.run({&p}, [&](const ProcessRequest& req, const std::atomic<bool>*) {
        EXPECT_EQ("SANDBOX-PROBE", req.watch_word);
        h.docker.launch(h.container_for(req));
        LaunchResult r = exited(0, kClean);
        r.stdout_truncated = true;
        r.lines_watched = true;
        r.watched_line_count = 2;  // the second one lay beyond the cap
        r.watched_lines = {kClean.substr(0, kClean.size() - 1),
                           "SANDBOX-PROBE {\"escaped\": true, \"detail\": \"x\"}"};
        return r;
    });
    ASSERT_EQ(1u, records.size());
    EXPECT_EQ(Verdict::Error, records[0].judgement.verdict);
}

TEST(Runner, TheLauncherGetsTheCasesNameLabelsProfileAndADeadline) {
    Harness h;
    const CaseSpec p = probe("net.a");
    ProcessRequest seen;
    h.run({&p}, [&](const ProcessRequest& req, const std::atomic<bool>*) {
        seen = req;
        h.docker.launch(h.container_for(req));
        return exited(0, kClean);
    });
    ASSERT_EQ(2u, seen.argv.size());
    EXPECT_EQ("/fake/sandbox/run_secure_python.sh", seen.argv[0]);
    EXPECT_EQ(p.path, seen.argv[1]);
    EXPECT_EQ(0u, seen.env_set.at("SANDBOX_NAME").rfind("sh-t1-", 0)) << seen.env_set.at("SANDBOX_NAME");
    EXPECT_NE(std::string::npos, seen.env_set.at("SANDBOX_LABELS").find("sandbox-harness.run=t1"));
    EXPECT_EQ("none", seen.env_set.at("SANDBOX_NETWORK"));
    EXPECT_GT(seen.deadline.count(), 5000);
}

TEST(Runner, RecordsComeOutInPlanOrderWhateverOrderTheCasesStartIn) {
    Harness h;
    CaseSpec a = probe("net.a"), b = probe("net.b"), slow = probe("timeout.slow", Expect::Timeout);
    slow.timeout_s = 2;
    std::vector<std::string> started;
    std::mutex mu;
    const auto records = h.run({&a, &b, &slow}, [&](const ProcessRequest& req, const std::atomic<bool>*) {
        {
            std::lock_guard lock(mu);
            started.push_back(req.argv.at(1));
        }
        h.docker.launch(h.container_for(req));
        return exited(0, kClean);
    });
    // The timeout probe is picked first (core/schedule.h); when each launcher runs is the threads' affair.
    ASSERT_EQ(3u, started.size());
    ASSERT_EQ(3u, records.size());
    EXPECT_EQ("net.a", records[0].case_id);
    EXPECT_EQ("net.b", records[1].case_id);
    EXPECT_EQ("timeout.slow", records[2].case_id);
}

TEST(Runner, AJournalThatCannotTakeARecordStopsTheRunAndKeepsTheJudgedRecords) {
    // /dev/full: every write fails with ENOSPC, as on a full disk.
    Harness h;
    h.records_path = "/dev/full";
    const CaseSpec a = probe("net.a"), b = probe("net.b"), c = probe("net.c");
    std::atomic<int> launched = 0;
    std::set<std::string> scripts;
    std::mutex mu;
    const auto records = h.run({&a, &b, &c}, [&](const ProcessRequest& req, const std::atomic<bool>*) {
        ++launched;
        {
            std::lock_guard lock(mu);
            scripts.insert(req.argv.at(1));
        }
        h.docker.launch(h.container_for(req));
        return exited(0, kClean);
    });
    // One core holds two probes (core/schedule.h): the second may have started before the first
    // record failed; the third starts only when a share is freed, after that failure, so never.
    EXPECT_TRUE(launched == 1 || launched == 2) << launched;
    EXPECT_EQ(0u, scripts.count(c.path));
    ASSERT_EQ(static_cast<std::size_t>(launched.load()), records.size());
    for (const auto& r : records) EXPECT_EQ(Verdict::Contained, r.judgement.verdict);
    ASSERT_EQ(1u, h.harness_errors.size());
    EXPECT_NE(std::string::npos, h.harness_errors[0].find("/dev/full: No space left on device")) << h.harness_errors[0];
    EXPECT_NE(std::string::npos, h.harness_errors[0].find(fmt::format("{} of 3 cases not started", 3 - launched.load())))
        << h.harness_errors[0];
}

}  // namespace
}  // namespace sh
