#include "core/record.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace sh {
namespace {

using nlohmann::json;

Record full_record() {
    Record r;
    r.case_id = "resource.memory-balloon";
    r.kind = CaseKind::Probe;
    r.family = "resource";
    r.controls = {"memory", "cgroup"};
    r.image = "science";
    r.repetition = 2;
    r.container_name = "sh-r1-7";
    r.profile_name = "weakened-memory";
    r.accepted_risk = 4;
    r.summary = "allocates until stopped";
    r.expect = Expect::Killed;
    r.timeout_s = 2.5;
    r.tags = {"smoke"};
    LaunchResult& l = r.launch;
    l.started = true;
    l.exit_code = 137;
    l.signal = 9;
    l.harness_deadline_hit = true;
    l.stdout_text = "SANDBOX-PROBE {\"escaped\": false, \"detail\": \"é\"}\n\x01";
    l.stderr_text = "Killed\n";
    l.stdout_truncated = true;
    l.stdout_bytes = 1u << 20;
    l.stderr_bytes = 7;
    l.wall_ms = 1234.5678901234;
    l.start_unix_s = 1764275278.123456789;
    l.cpu_user_ms = 12.25;
    l.cpu_sys_ms = 3.5;
    Observation& o = r.observation;
    o.engine_reachable = true;
    o.container_id = "abcdef0123456789";
    o.inspected = true;
    o.drift = {{"HostConfig.Memory", "268435456 (SANDBOX_MEMORY=256m)", "0"}};
    o.exit_code = 137;
    o.oom_killed = true;
    o.oom_killed_pids = {30357};
    o.script = {30356, 30357};
    o.t_create = 1764275278.200000001;
    o.t_start = 1764275278.3;
    o.t_die = 1764275279.4;
    o.t_destroy = 1764275279.5;
    o.memory_peak_bytes = 268435456;
    o.container_gone = true;
    o.leftovers = {"x"};
    o.canary_hits = {"tcp 127.0.0.1:1 from 127.0.0.1:2: sht-r1-000007"};
    o.host_file_changes = {"/etc/hostname"};
    o.notes = {"note"};
    Judgement& j = r.judgement;
    j.verdict = Verdict::AcceptedRisk;
    j.reasons = {"accepted risk", "evidence"};
    j.stopped_by = "memory";
    j.report = ProbeReport{false, "é", json{{"escaped", false}, {"detail", "é"}, {"extra", {1, 2}}}};
    return r;
}

TEST(RecordJson, RoundTripsEveryField) {
    const Record r = full_record();
    const json j = to_json(r);
    const Record back = record_from_json(json::parse(j.dump()));
    EXPECT_EQ(j, to_json(back));
    EXPECT_EQ(CaseKind::Probe, back.kind);
    EXPECT_EQ(Expect::Killed, back.expect);
    EXPECT_EQ(2.5, back.timeout_s);
    EXPECT_EQ(4, back.accepted_risk);
    EXPECT_EQ(9, back.launch.signal);
    EXPECT_EQ(r.launch.stdout_text, back.launch.stdout_text);
    EXPECT_EQ(r.launch.start_unix_s, back.launch.start_unix_s);  // exact: doubles keep 17 digits
    EXPECT_EQ(r.observation.t_create, back.observation.t_create);
    EXPECT_EQ(1u << 20, back.launch.stdout_bytes);
    ASSERT_EQ(1u, back.observation.drift.size());
    EXPECT_EQ("HostConfig.Memory", back.observation.drift[0].field);
    EXPECT_EQ(std::vector<long>{30357}, back.observation.oom_killed_pids);
    EXPECT_EQ(30356, back.observation.script.init_pid);
    EXPECT_EQ(30357, back.observation.script.script_pid);
    EXPECT_EQ(Verdict::AcceptedRisk, back.judgement.verdict);
    EXPECT_EQ("memory", back.judgement.stopped_by);
    ASSERT_TRUE(back.judgement.report);
    EXPECT_EQ("é", back.judgement.report->detail);
    EXPECT_EQ(json({1, 2}), back.judgement.report->raw["extra"]);
}

TEST(RecordJson, StableKeysWithNullForAbsentOptionals) {
    Record r;
    r.case_id = "w";
    r.kind = CaseKind::Workload;
    r.judgement.verdict = Verdict::Skipped;
    const json j = to_json(r);
    EXPECT_EQ(R"({"accepted_risk":null,"case_id":"w","container_name":"","controls":[],"expect":null,"family":"","first_attempt":null,)"
              R"("image":"","judgement":{"reasons":[],"report":null,"stopped_by":null,"verdict":"skipped"},"kind":"workload",)"
              R"("launch":{"cpu_sys_ms":0.0,"cpu_user_ms":0.0,"exit_code":-1,"harness_deadline_hit":false,"signal":null,)"
              R"("start_error":"","start_unix_s":0.0,"started":false,"stderr_bytes":0,"stderr_text":"",)"
              R"("stderr_truncated":false,"stdout_bytes":0,"stdout_text":"","stdout_truncated":false,"wall_ms":0.0},)"
              R"("observation":{"canary_hits":[],"container_gone":false,"container_id":null,"drift":[],)"
              R"("engine_actions":[],"engine_reachable":true,"exit_code":null,"host_file_changes":[],"host_load":null,"inspected":false,"leftovers":[],)"
              R"("memory_peak_bytes":null,"notes":[],"oom_killed":false,"oom_killed_pids":[],)"
              R"("script":{"dies_whole":false,"init_pid":null,"script_pid":null},"t_create":null,"t_destroy":null,)"
              R"("t_die":null,"t_start":null},"profile_name":"","repetition":0,"schema_version":1,"script":"","summary":"",)"
              R"("tags":[],"timeout_s":null})",
              j.dump());
    const Record back = record_from_json(j);
    EXPECT_FALSE(back.expect);
    EXPECT_FALSE(back.judgement.report);
    EXPECT_FALSE(back.observation.exit_code);
    EXPECT_EQ(j, to_json(back));
}

TEST(RecordJson, MissingKeysTakeDefaults) {
    Record r = record_from_json(json{{"case_id", "old"}, {"judgement", {{"verdict", "contained"}}}});
    EXPECT_EQ("old", r.case_id);
    EXPECT_EQ(Verdict::Contained, r.judgement.verdict);
    EXPECT_EQ(-1, r.launch.exit_code);
    EXPECT_TRUE(r.observation.engine_reachable);
    EXPECT_FALSE(r.timeout_s);
}

TEST(RecordJson, ErrorsNameTheKey) {
    auto error_of = [](const json& j) -> std::string {
        try {
            record_from_json(j);
        } catch (const RecordError& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_EQ("bad record key 'launch.exit_code': expected an integer, got \"0\"",
              error_of(json{{"launch", {{"exit_code", "0"}}}}));
    EXPECT_EQ("bad record key 'judgement.verdict': unknown value \"safe\" (allowed: pass, fail, contained, escaped, "
              "accepted-risk, error, skipped, flaky)",
              error_of(json{{"judgement", {{"verdict", "safe"}}}}));
    EXPECT_EQ("bad record key 'kind': unknown value \"attack\" (allowed: probe, workload)",
              error_of(json{{"kind", "attack"}}));
    EXPECT_EQ("bad record key 'observation.leftovers': expected an array of strings, got array",
              error_of(json{{"observation", {{"leftovers", {1}}}}}));
    EXPECT_EQ("bad record key 'observation': expected an object, got array", error_of(json{{"observation", json::array()}}));
    EXPECT_EQ("bad record key 'launch.wall_ms': expected a number, got boolean", error_of(json{{"launch", {{"wall_ms", true}}}}));
    EXPECT_EQ("unsupported schema_version 2 (this build reads 1)", error_of(json{{"schema_version", 2}}));
    EXPECT_EQ("bad record: expected an object, got array", error_of(json::array()));
}

TEST(RecordJson, NestedErrorsNameTheirPath) {
    auto error_of = [](const json& j) -> std::string {
        try {
            record_from_json(j);
        } catch (const RecordError& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_EQ("bad record key 'observation.drift': expected an array, got object",
              error_of(json{{"observation", {{"drift", json::object()}}}}));
    EXPECT_EQ("bad observation.drift[]: expected an object, got number", error_of(json{{"observation", {{"drift", {1}}}}}));
    EXPECT_EQ("bad record key 'observation.drift[].field': expected a string, got number",
              error_of(json{{"observation", {{"drift", {{{"field", 2}}}}}}}));
    EXPECT_EQ("bad record key 'judgement.report': expected an object, got \"x\"",
              error_of(json{{"judgement", {{"report", "x"}}}}));
    EXPECT_EQ("bad record key 'judgement.report.escaped': expected a boolean, got \"no\"",
              error_of(json{{"judgement", {{"report", {{"escaped", "no"}}}}}}));
    EXPECT_EQ("bad record key 'expect': expected a string, got number", error_of(json{{"expect", 3}}));
}

std::string record_error(const json& j) {
    try {
        record_from_json(j);
    } catch (const RecordError& e) {
        return e.what();
    }
    return "";
}

TEST(RecordJson, ANegativeDurationTimeSizeOrCountIsAnErrorNamingTheCaseAndTheField) {
    const json whole = to_json(full_record());
    EXPECT_EQ("", record_error(whole));  // the positive control: every field as written reads back
    auto with = [&](const json::json_pointer& at, const json& value) {
        json j = whole;
        j[at] = value;
        return record_error(j);
    };
    EXPECT_EQ("case resource.memory-balloon [science] #2: bad record key 'launch.wall_ms': got -5.0, which cannot "
              "be negative",
              with("/launch/wall_ms"_json_pointer, -5.0));
    EXPECT_EQ("case resource.memory-balloon [science] #2: bad record key 'launch.stdout_bytes': got -1, which "
              "cannot be negative",
              with("/launch/stdout_bytes"_json_pointer, -1));  // unsigned: it would wrap to 2^64-1
    for (const char* at : {"/launch/start_unix_s", "/launch/cpu_user_ms", "/launch/cpu_sys_ms", "/launch/stderr_bytes",
                           "/observation/t_create", "/observation/t_start", "/observation/t_die",
                           "/observation/t_destroy", "/observation/memory_peak_bytes", "/timeout_s", "/repetition"}) {
        const std::string error = with(json::json_pointer(at), -1);
        EXPECT_NE(std::string::npos, error.find("which cannot be negative")) << at << ": " << error;
        EXPECT_EQ(0u, error.find("case resource.memory-balloon ")) << error;
    }
    json load = whole;
    load["observation"]["host_load"] = {{"runnable_mean", 1.5}, {"runnable_max", -2}, {"cores", 2}, {"samples", 3}};
    EXPECT_EQ("case resource.memory-balloon [science] #2: bad record key 'observation.host_load.runnable_max': got "
              "-2, which cannot be negative",
              record_error(load));
    json first = whole;
    first["first_attempt"] = {{"verdict", "fail"}, {"wall_ms", -0.5}};
    EXPECT_NE(std::string::npos, record_error(first).find("'first_attempt.wall_ms': got -0.5")) << record_error(first);
    // Zero is a value like any other (a case that never started took 0 ms).
    EXPECT_EQ("", with("/launch/wall_ms"_json_pointer, 0));
    // A negative exit status or signal number is not a count: -1 is "none".
    EXPECT_EQ("", with("/launch/exit_code"_json_pointer, -1));
}

TEST(RunMetaJson, ANegativeWallTimeOrCountIsAnError) {
    for (const char* key : {"wall_s", "cores", "load_avg_1m_start", "load_avg_1m_end"}) {
        try {
            run_meta_from_json(json{{key, -1}});
            ADD_FAILURE() << key;
        } catch (const RecordError& e) {
            EXPECT_EQ(0u, std::string(e.what()).find(fmt::format("bad record key 'run_meta.{}': got -1", key)))
                << e.what();
        }
    }
    EXPECT_THROW(run_meta_from_json(json{{"images", {{{"size_bytes", -1}}}}}), RecordError);
    EXPECT_EQ(0.0, run_meta_from_json(json{{"wall_s", 0}}).wall_s);
}

TEST(ParseReportJson, AKeyTwiceInAnyObjectIsAnErrorNamingIt) {
    EXPECT_EQ(2u, parse_report_json(R"({"meta": {"shard": "1/2"}, "records": [{"case_id": "a"}]})").size());
    auto error_of = [](std::string_view text) -> std::string {
        try {
            parse_report_json(text);
        } catch (const RecordError& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_EQ("the key \"records\" appears twice in the top-level object (a reader would see only one of them)",
              error_of(R"({"records": [{"case_id": "a"}], "records": []})"));
    EXPECT_EQ("the key \"interrupted\" appears twice in meta (a reader would see only one of them)",
              error_of(R"({"meta": {"interrupted": true, "shard": "1/2", "interrupted": false}})"));
    EXPECT_EQ("the key \"verdict\" appears twice in records[].judgement (a reader would see only one of them)",
              error_of(R"({"records": [{}, {"judgement": {"verdict": "fail", "verdict": "pass"}}]})"));
    // The same key in two objects is no duplicate.
    EXPECT_EQ("", error_of(R"({"records": [{"case_id": "a"}, {"case_id": "b"}], "x": [[{"k": 1}], {"k": 2}]})"));
}

TEST(ParseReportJson, ANulByteOrAnythingAfterTheValueIsAnError) {
    using namespace std::string_literals;
    EXPECT_EQ(1u, parse_report_json("{\"a\": 1}\n  \n").size());
    try {
        parse_report_json("{\"a\": 1}\0{\"a\": 2}"s);
        FAIL() << "a NUL byte was taken as the end";
    } catch (const RecordError& e) {
        EXPECT_NE(std::string::npos, std::string(e.what()).find("a NUL byte at offset 8")) << e.what();
    }
    EXPECT_THROW(parse_report_json("{\"a\": 1} {\"a\": 2}"), RecordError);
    EXPECT_THROW(parse_report_json("{\"a\": 1} x"), RecordError);
    EXPECT_THROW(parse_report_json(""), RecordError);
    // A NUL inside a string is an escape, \u0000, and stays allowed.
    EXPECT_EQ("a\0b"s, parse_report_json(R"({"s": "a\u0000b"})")["s"].get<std::string>());
}

TEST(RecordJson, NullReadsAsAbsent) {
    const Record r = record_from_json(json{{"launch", nullptr}, {"observation", nullptr}, {"timeout_s", nullptr},
                                           {"kind", nullptr}, {"tags", nullptr}, {"schema_version", nullptr}});
    EXPECT_EQ(-1, r.launch.exit_code);
    EXPECT_TRUE(r.observation.engine_reachable);
    EXPECT_FALSE(r.timeout_s);
    EXPECT_EQ(CaseKind::Probe, r.kind);
    EXPECT_TRUE(r.tags.empty());
}

TEST(RecordJson, ThePartsReadAloneNameThemselvesInErrors) {
    try {
        launch_from_json(json{{"started", 1}});
        FAIL();
    } catch (const RecordError& e) {
        EXPECT_STREQ("bad record key 'launch.started': expected a boolean, got number", e.what());
    }
    const Record r = full_record();
    EXPECT_EQ(to_json(r.observation), to_json(observation_from_json(to_json(r.observation))));
    EXPECT_EQ(to_json(r.judgement), to_json(judgement_from_json(to_json(r.judgement))));
    EXPECT_EQ(to_json(r.launch), to_json(launch_from_json(to_json(r.launch))));
}

TEST(RecordJson, InvalidUtf8InOutputCanBeWrittenWithReplacement) {
    Record r;
    r.launch.stdout_text = "bad \xff\xfe bytes";
    const std::string line = to_json(r).dump(-1, ' ', false, json::error_handler_t::replace);
    EXPECT_EQ("bad \xEF\xBF\xBD\xEF\xBF\xBD bytes", record_from_json(json::parse(line)).launch.stdout_text);
}

TEST(DescribeCase, CopiesTheHeader) {
    CaseSpec s;
    s.id = "net.tcp";
    s.kind = CaseKind::Probe;
    s.family = "network";
    s.controls = {"network"};
    s.accepted_risk = 1;
    s.summary = "tries TCP";
    s.expect = Expect::Report;
    s.timeout_s = 5;
    s.tags = {"smoke"};
    Record r;
    describe_case(r, s);
    EXPECT_EQ("net.tcp", r.case_id);
    EXPECT_EQ("network", r.family);
    EXPECT_EQ(std::vector<std::string>{"network"}, r.controls);
    EXPECT_EQ(1, r.accepted_risk);
    EXPECT_EQ("tries TCP", r.summary);
    EXPECT_EQ(Expect::Report, r.expect);
    EXPECT_EQ(5.0, r.timeout_s);
    EXPECT_EQ(std::vector<std::string>{"smoke"}, r.tags);
}

TEST(RunMetaJson, RoundTripsEveryField) {
    RunMeta m;
    m.run_id = "20261127T202758Z-ab12";
    m.started_at = "2026-11-27T20:27:58Z";
    m.finished_at = "2026-11-27T20:37:58Z";
    m.wall_s = 600.25;
    m.host = "ci";
    m.kernel = "6.1.0";
    m.cores = 2;
    m.load_avg_1m_start = 0.5;
    m.load_avg_1m_end = 1.75;
    m.engine_version = "20.10.24";
    m.engine_api_version = "1.41";
    m.cgroup_version = "1";
    m.profile_path = "/src/sandbox/profiles/default.env";
    m.profile = {{"SANDBOX_NETWORK", "none"}};
    m.images = {{"base", "secure-python:latest", "sha256:00", 209000000, {{"python", "3.11.2"}}}};
    m.command_line = "sandbox-harness run";
    m.shard = "2/4";
    m.interrupted = true;
    m.planned = std::vector<std::string>{"fs.write-etc [base] #0", "net.tcp-canary [science] #1"};
    m.extra = {{"launch_latency", {{"p50_ms", 236.5}}}};
    const json j = to_json(m);
    EXPECT_EQ(1, j["schema_version"]);
    const RunMeta back = run_meta_from_json(json::parse(j.dump()));
    EXPECT_EQ(j, to_json(back));
    ASSERT_EQ(1u, back.images.size());
    EXPECT_EQ(209000000, back.images[0].size_bytes);
    EXPECT_EQ("3.11.2", back.images[0].labels.at("python"));
    EXPECT_TRUE(back.interrupted);
    EXPECT_EQ(m.planned, back.planned);
    EXPECT_EQ(236.5, back.extra["launch_latency"]["p50_ms"]);
}

TEST(RunMetaJson, AMissingPlanStaysUnsetNotEmpty) {
    // Older reports have no "planned": merge must tell that apart from a shard that planned nothing.
    EXPECT_FALSE(run_meta_from_json(json::object()).planned);
    EXPECT_EQ(nullptr, to_json(RunMeta{})["planned"]);
    const auto none = run_meta_from_json(json{{"planned", json::array()}}).planned;
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST(RunMetaJson, ErrorsNameTheKey) {
    try {
        run_meta_from_json(json{{"images", {{{"size_bytes", "big"}}}}});
        FAIL();
    } catch (const RecordError& e) {
        EXPECT_STREQ("bad record key 'run_meta.images[].size_bytes': expected an integer, got \"big\"", e.what());
    }
    EXPECT_TRUE(run_meta_from_json(json{{"extra", nullptr}}).extra.is_object());
}

}  // namespace
}  // namespace sh
