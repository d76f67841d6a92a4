#pragma once
/// A record: everything known about one judged case, and the run it belongs to.
/// Records are appended to records.jsonl as they are judged; reports are rendered from them.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "case_spec.h"
#include "launch_result.h"
#include "observation.h"
#include "verdict.h"

namespace sh {

inline constexpr int kReportSchemaVersion = 1;

struct Record {
    std::string case_id;
    CaseKind kind = CaseKind::Probe;
    std::string family;
    std::vector<std::string> controls;
    std::string image;          ///< "base" or "science"
    int repetition = 0;
    std::string container_name;
    std::string profile_name;   ///< e.g. "default", or an ablation name
    LaunchResult launch;
    Observation observation;
    Judgement judgement;
    std::optional<int> accepted_risk;
};

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
    bool interrupted = false;   ///< stopped by SIGINT/SIGTERM: the records are what was judged so far
    nlohmann::json extra = nlohmann::json::object();  ///< perf figures and the like, by section
};

nlohmann::json to_json(const Record&);
Record record_from_json(const nlohmann::json&);
nlohmann::json to_json(const RunMeta&);
RunMeta run_meta_from_json(const nlohmann::json&);

}  // namespace sh
