#pragma once
/// A record: everything known about one judged case, and the run it belongs to.
/// Records are appended to records.jsonl as they are judged; reports are rendered from them.
///
/// JSON schema, version 1. Keys are the C++ field names (snake_case) and are always written;
/// an absent optional is `null`; numbers are JSON numbers; enums are their to_string() text
/// (kind "probe"/"workload", expect "report"/"killed"/"timeout"/"exit", verdict "pass"/"fail"/
/// "contained"/"escaped"/"accepted-risk"/"error"/"skipped"/"flaky"). Reading is lenient about missing keys
/// (they take the C++ defaults, so older files stay readable) and strict about types: a key of the
/// wrong type, an unknown enum text or another schema_version is an error naming the key.
///
///   record      {schema_version, case_id, kind, family, controls[], image, repetition,
///                container_name, profile_name, launch{}, observation{}, judgement{},
///                accepted_risk|null, summary, script, expect|null, timeout_s|null, tags[],
///                first_attempt|null}
///   first_attempt {verdict, reasons[], wall_ms, host_load|null}: a workload run a second time
///                because it timed out on an overloaded host (core/host_pressure.h)
///   launch      {started, start_error, exit_code, signal|null, harness_deadline_hit, stdout_text,
///                stderr_text, stdout_truncated, stderr_truncated, stdout_bytes, stderr_bytes,
///                wall_ms, start_unix_s, cpu_user_ms, cpu_sys_ms}
///   observation {engine_reachable, container_id|null, inspected, drift[{field, expected, actual}],
///                exit_code|null, oom_killed, t_create|null, t_start|null, t_die|null,
///                t_destroy|null, memory_peak_bytes|null, container_gone, leftovers[],
///                canary_hits[], host_file_changes[], notes[], host_load|null}
///   host_load   {runnable_mean, runnable_max, cores, samples}: runnable tasks on the host while
///                the case ran
///   judgement   {verdict, reasons[], stopped_by|null, report|null}: report is the probe's whole
///                report object as printed (it holds "escaped" and "detail")
///   run meta    {schema_version, run_id, started_at, finished_at, wall_s, host, kernel, cores,
///                load_avg_1m_start, load_avg_1m_end, engine_version, engine_api_version,
///                cgroup_version, profile_path, profile{}, images[{name, tag, id, size_bytes,
///                labels{}}], command_line, shard, commit, catalogue_hash, interrupted,
///                planned[]|null, extra{}}

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

#include <nlohmann/json.hpp>

#include "core/case_spec.h"
#include "core/launch_result.h"
#include "core/observation.h"
#include "core/run_cost.h"
#include "core/verdict.h"

namespace sh {

inline constexpr int kReportSchemaVersion = 1;

/// A record or run meta that cannot be read: the message names the key.
class RecordError : public Error {
public:
    using Error::Error;
};

/// The first run of a case that was run again (core/host_pressure.h); the record holds the second.
struct FirstAttempt {
    Verdict verdict = Verdict::Error;
    std::vector<std::string> reasons;
    double wall_ms = 0;
    std::optional<HostLoadDuring> host_load;
};

struct Record {
    std::string case_id;
    CaseKind kind = CaseKind::Probe;
    std::string family;
    std::vector<std::string> controls;
    std::string image;          ///< "base" or "science"
    int repetition = 0;         ///< 0-based
    std::string container_name;
    std::string profile_name;   ///< e.g. "default", or an ablation name
    LaunchResult launch;
    Observation observation;
    Judgement judgement;
    std::optional<int> accepted_risk;
    // From the case's header, so a report needs no catalogue (fill them with describe_case()).
    std::string summary;
    /// The case's script, relative to the checkout ("attacks/net/raw_socket.py"): where an
    /// annotation or a code-scanning result points.
    std::string script;
    std::optional<Expect> expect;
    std::optional<double> timeout_s;
    std::vector<std::string> tags;
    std::optional<FirstAttempt> first_attempt;
};

/// The case id of the record a run adds for canary hits that arrived while none of its cases ran:
/// the run's own record, never a planned case.
inline constexpr const char* kRunCanaryCaseId = "run.canary";

/// Copies what the header says (id, kind, family, controls, accepted-risk, summary, expect,
/// timeout, tags) into `r`.
void describe_case(Record& r, const CaseSpec&);

struct ImageInfo {
    std::string name;        ///< "base" / "science"
    std::string tag;         ///< e.g. "secure-python:latest"
    std::string id;
    std::int64_t size_bytes = 0;
    std::map<std::string, std::string> labels;  ///< recipe hash, python and package versions
};

struct RunMeta {
    std::string run_id;
    std::string started_at;     ///< ISO 8601 UTC
    std::string finished_at;
    double wall_s = 0;
    std::string host;           ///< hostname
    std::string kernel;         ///< uname -r
    int cores = 0;
    double load_avg_1m_start = 0, load_avg_1m_end = 0;
    std::string engine_version;
    std::string engine_api_version;
    std::string cgroup_version;
    std::string profile_path;
    std::map<std::string, std::string> profile;  ///< effective SANDBOX_* values
    std::vector<ImageInfo> images;
    std::string command_line;
    std::string shard;          ///< "K/N" or empty
    std::string commit;         ///< the checkout's git commit, when it has one
    std::string catalogue_hash; ///< FNV-1a 64 of every case script (path and content), hex
    bool interrupted = false;   ///< stopped by SIGINT/SIGTERM: the records are what was judged so far
    /// Every case this run planned, as core/plan.h case_key ("id [image] #repetition"), in plan
    /// order: merge checks a shard's records against it. Unset in reports of older versions and of
    /// commands that plan no cases.
    std::optional<std::vector<std::string>> planned;
    /// What the run cost, measured around it (a merge: the shards' sums); the run_efficiency
    /// section of `extra` is derived from it and the records (core/run_figures.h).
    std::optional<RunCost> run_cost;
    nlohmann::json extra = nlohmann::json::object();  ///< perf figures and the like, by section
};

/// Parses the JSON text of a report or a record as the harness reads one back: strictly. A key
/// twice in one object is an error naming it (nlohmann would keep the last, so a second "records"
/// could replace the first), and so is a NUL byte, which nlohmann takes as the end of the input
/// and would let anything after it pass unread; anything but whitespace after the value is too.
/// Throws RecordError.
nlohmann::json parse_report_json(std::string_view text);

nlohmann::json to_json(const Record&);
/// Throws RecordError naming the key and, when the record says which it is, the case
/// ("case fs.write-etc [base] #0: bad record key 'launch.wall_ms': ..."). Durations, times,
/// sizes and counts below zero are errors too.
Record record_from_json(const nlohmann::json&);
nlohmann::json to_json(const RunMeta&);
RunMeta run_meta_from_json(const nlohmann::json&);

// The parts, for renderers that show one of them.
nlohmann::json to_json(const LaunchResult&);
LaunchResult launch_from_json(const nlohmann::json&);
nlohmann::json to_json(const Observation&);
Observation observation_from_json(const nlohmann::json&);
nlohmann::json to_json(const Judgement&);
Judgement judgement_from_json(const nlohmann::json&);

}  // namespace sh
