#pragma once
/// Test-only: a fixed RunReport with every verdict and hostile output (markup, terminal escapes,
/// NUL, invalid UTF-8, CDATA terminators, pipes), and a golden-file comparison.
/// Golden files live in tests/data/golden/; `SH_UPDATE_GOLDEN=1 unit_tests` rewrites them.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "core/coverage.h"
#include "core/run_diff.h"
#include "core/run_report.h"

namespace sh::fixture {

inline Record make_record(std::string id, std::string family, std::string image, int rep, Verdict v,
                          std::vector<std::string> reasons, double wall_ms, int exit_code = 0) {
    Record r;
    r.case_id = std::move(id);
    r.family = std::move(family);
    r.kind = r.family == "benign" ? CaseKind::Workload : CaseKind::Probe;
    r.image = std::move(image);
    r.repetition = rep;
    r.container_name = "sh-test-" + r.case_id + "-" + r.image + "-" + std::to_string(rep);
    r.profile_name = "default";
    r.launch.started = true;
    r.launch.exit_code = exit_code;
    r.launch.wall_ms = wall_ms;
    r.launch.start_unix_s = 1767225600.0;
    r.observation.container_gone = true;
    r.observation.exit_code = exit_code;
    r.judgement.verdict = v;
    r.judgement.reasons = std::move(reasons);
    return r;
}

inline void set_stdout(Record& r, std::string out) {
    r.launch.stdout_bytes = out.size();
    r.launch.stdout_text = std::move(out);
}

inline RunReport fixture_report() {
    RunReport rep;
    RunMeta& m = rep.meta;
    m.run_id = "20260101T000000Z-fixture";
    m.started_at = "2026-01-01T00:00:00Z";
    m.finished_at = "2026-01-01T00:01:00Z";
    m.wall_s = 60.5;
    m.host = "ci-host";
    m.kernel = "6.1.0-test";
    m.cores = 2;
    m.load_avg_1m_start = 0.5;
    m.load_avg_1m_end = 1.25;
    m.engine_version = "24.0.5";
    m.engine_api_version = "1.41";
    m.cgroup_version = "v2";
    m.profile_path = "/src/sandbox/profiles/default.env";
    m.profile = {{"SANDBOX_NETWORK", "none"}, {"SANDBOX_MEMORY", "256m"}};
    m.images.push_back({"base", "secure-python:latest", "sha256:0123456789abcdef0123456789abcdef", 123456789,
                        {{"python", "3.11.2"}}});
    m.images.push_back({"science", "secure-python-science:latest", "sha256:fedcba9876543210fedcba9876543210",
                        456789012, {{"numpy", "1.26.4"}}});
    m.command_line = "sandbox-harness run --suite all";
    m.extra = nlohmann::json::parse(R"json({
      "launch_latency": {"title": "Launch latency (python3 -c pass)", "note": "hardened profile, concurrency 1",
                         "cpu_s_per_launch": 0.29,
                         "samples_ms": [231, 236, 229, 240, 233, 279, 238, 235, 232, 250]},
      "throughput": {"columns": ["concurrency", "launches/s", "p95 ms"], "rows": [[1, 4.1, 280], [2, 6.5, 410]]}
    })json");

    Record hello = make_record("wl.hello", "benign", "base", 0, Verdict::Pass, {}, 240.5);
    set_stdout(hello, "hello\n");
    rep.records.push_back(hello);

    Record canary = make_record("net.tcp-canary", "network", "base", 0, Verdict::Contained,
                                {"report: escaped false (connect: network unreachable)"}, 310.25);
    canary.controls = {"network"};
    canary.judgement.stopped_by = "network";
    set_stdout(canary, "SANDBOX-PROBE {\"escaped\": false, \"detail\": \"connect: network unreachable\"}\n");
    rep.records.push_back(canary);

    Record esc = make_record("fs.write-etc", "filesystem", "base", 0, Verdict::Escaped,
                             {"report: escaped true (wrote /etc/x) <script>alert(1)</script>", "host file changed"},
                             412.0);
    esc.controls = {"read-only"};
    esc.observation.drift.push_back({"HostConfig.ReadonlyRootfs", "true", "false"});
    esc.observation.canary_hits.push_back("tcp 127.0.0.1:40001 from 172.17.0.2: token-abc ]]> |x|");
    esc.observation.host_file_changes.push_back("/etc/x: size 0 -> 12");
    set_stdout(esc, "<script>alert(1)</script>\n]]>\n| a | b |\nSANDBOX-PROBE {\"escaped\": true}\n");
    esc.launch.stderr_text = "`rm -rf` ok\n";
    esc.launch.stderr_bytes = esc.launch.stderr_text.size();
    rep.records.push_back(esc);

    Record term = make_record("out.terminal-escapes", "output", "base", 0, Verdict::Contained,
                              {"report: escaped false"}, 205.75);
    set_stdout(term, std::string("\x1b[31mred\x1b[0m bad:\xff\xfe nul:") + std::string(1, '\0') + " end\n");
    term.launch.stdout_truncated = true;
    term.launch.stdout_bytes = 1048576;
    rep.records.push_back(term);

    Record risk = make_record("kern.proc-kcore", "kernel", "science", 0, Verdict::AcceptedRisk,
                              {"report: escaped true (read the /proc/kcore header)"}, 520.0);
    risk.accepted_risk = 2;
    rep.records.push_back(risk);

    Record err = make_record("res.fork-bomb", "resource", "base", 0, Verdict::Error,
                             {"no SANDBOX-PROBE line in stdout"}, 10020.0, 137);
    err.launch.signal = std::nullopt;
    err.observation.oom_killed = false;
    err.observation.notes.push_back("memory peak unavailable: cgroup gone");
    rep.records.push_back(err);

    Record skip = make_record("net.external-dns", "network", "base", 0, Verdict::Skipped,
                              {"targets external: the profile's network is not none"}, 0);
    skip.launch = LaunchResult{};
    skip.observation = Observation{};
    rep.records.push_back(skip);

    Record fail = make_record("wl.numpy-sum", "benign", "science", 0, Verdict::Fail,
                              {"stdout differs: expected \"42\", got \"41\""}, 890.0);
    set_stdout(fail, "41\n");
    rep.records.push_back(fail);

    for (int rep_no : {1, 0}) {  // out of order on purpose: reports sort
        Record oom = make_record("res.memory-balloon", "resource", "base", rep_no, Verdict::Contained,
                                 {"container OOM-killed"}, rep_no == 0 ? 640.0 : 660.0, 137);
        oom.observation.oom_killed = true;
        oom.judgement.stopped_by = "memory";
        rep.records.push_back(oom);
    }
    return rep;
}

/// A record for run-comparison tests: `id` in family "network", judged `v` for a stated reason.
inline Record diff_record(const std::string& id, Verdict v, int rep = 0, double wall_ms = 100,
                          const std::string& image = "base") {
    return make_record(id, "network", image, rep, v, {"because " + std::string(to_string(v))}, wall_ms);
}

inline RunReport diff_run(const std::string& id, std::vector<Record> records, const std::string& profile = "default") {
    RunReport r;
    r.meta.run_id = id;
    for (auto& x : records) x.profile_name = profile;
    r.records = std::move(records);
    return r;
}

/// Two nights with every kind of verdict change, a hostile evidence line and a moved figure.
inline RunDiff golden_diff() {
    RunReport before = diff_run("20260101-night", {diff_record("net.tcp-canary", Verdict::Contained, 0, 300),
                                               diff_record("fs.write-etc", Verdict::Contained, 0, 400),
                                               diff_record("res.fork-bomb", Verdict::Contained, 0, 900),
                                               diff_record("wl.hello", Verdict::Fail, 0, 240),
                                               diff_record("out.pipes", Verdict::Contained, 0, 200),
                                               diff_record("old.gone", Verdict::Pass, 0, 100)},
                           "default");
    RunReport after = diff_run("20260102-night", {diff_record("net.tcp-canary", Verdict::Contained, 0, 310),
                                              diff_record("fs.write-etc", Verdict::Escaped, 0, 420),
                                              diff_record("res.fork-bomb", Verdict::Error, 0, 1900),
                                              diff_record("wl.hello", Verdict::Pass, 0, 245),
                                              diff_record("out.pipes", Verdict::AcceptedRisk, 0, 200),
                                              diff_record("new.case", Verdict::Contained, 0, 100)},
                          "proposed");
    after.records[1].judgement.reasons = {"report: escaped | wrote `/etc/x` <b>"};
    before.meta.extra = {{"launch", {{"p50_ms", 236.0}, {"p95_ms", 279.0}}}};
    after.meta.extra = {{"launch", {{"p50_ms", 310.0}, {"p95_ms", 281.0}}}};
    return diff_runs(before, after);
}

/// Three weakened controls × three probes: one uncovered control, one probe never failing.
inline CoverageMatrix coverage_matrix() {
    CoverageMatrix m;
    m.controls = {"network", "memory", "read-only"};
    m.probes = {"fs.write-etc", "net.tcp-canary", "res.balloon"};
    m.cells[{"network", "net.tcp-canary"}] = Verdict::Escaped;
    m.cells[{"network", "fs.write-etc"}] = Verdict::Contained;
    m.cells[{"network", "res.balloon"}] = Verdict::Contained;
    m.cells[{"memory", "res.balloon"}] = Verdict::Escaped;
    m.cells[{"memory", "net.tcp-canary"}] = Verdict::Contained;
    m.cells[{"read-only", "fs.write-etc"}] = Verdict::Error;  // an error is not a catch
    m.cells[{"read-only", "net.tcp-canary"}] = Verdict::Contained;
    m.weakening_description = {{"network", "SANDBOX_NETWORK=bridge"},
                               {"memory", "SANDBOX_MEMORY=8g | no swap limit"},
                               {"read-only", "SANDBOX_READ_ONLY=0"}};
    return m;
}

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Compares `actual` with tests/data/golden/`name`, or rewrites the file when SH_UPDATE_GOLDEN=1.
/// On a mismatch, reports the first differing line rather than two whole files.
inline void expect_golden(const std::string& name, const std::string& actual) {
    const std::filesystem::path p = std::filesystem::path(SH_TESTDATA_DIR) / "golden" / name;
    const char* update = std::getenv("SH_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << actual;
        return;
    }
    ASSERT_TRUE(std::filesystem::exists(p)) << p << " is missing: run unit_tests with SH_UPDATE_GOLDEN=1";
    const std::string expected = read_file(p);
    if (expected == actual) return;
    std::istringstream e(expected), a(actual);
    std::string el, al;
    for (int line = 1;; ++line) {
        const bool more_e = static_cast<bool>(std::getline(e, el)), more_a = static_cast<bool>(std::getline(a, al));
        if (!more_e && !more_a) break;
        if (el != al || more_e != more_a) {
            ADD_FAILURE() << name << ":" << line << " differs (SH_UPDATE_GOLDEN=1 rewrites the golden file)\n"
                          << "expected: " << (more_e ? el : "<end of file>") << "\n"
                          << "actual:   " << (more_a ? al : "<end of file>");
            return;
        }
    }
    ADD_FAILURE() << name << " differs (line endings?)";
}

}  // namespace sh::fixture
