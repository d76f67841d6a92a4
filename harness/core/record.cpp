#include "core/record.h"

#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

namespace sh {

namespace {

using nlohmann::json;

template <typename T>
json optional_json(const std::optional<T>& v) {
    return v ? json(*v) : json(nullptr);
}

/// Reads the keys of one JSON object into C++ fields: a missing or null key keeps the field's
/// default; a key of the wrong type throws RecordError naming it ("launch.exit_code").
class Reader {
public:
    Reader(const json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {
        if (!j_.is_object())
            throw RecordError(fmt::format("bad {}: expected an object, got {}", prefix_.empty() ? "record" : prefix_,
                                          j_.type_name()));
    }

    template <typename T>
    void operator()(const char* key, T& out) const {
        const json* v = find(key);
        if (v) out = convert<T>(*v, key);
    }

    template <typename T>
    void operator()(const char* key, std::optional<T>& out) const {
        const json* v = find(key);
        out = v ? std::optional<T>(convert<T>(*v, key)) : std::nullopt;
    }

    /// The nested object at `key`, or an empty one.
    json object(const char* key) const {
        const json* v = find(key);
        if (!v) return json::object();
        if (!v->is_object()) fail(key, "an object", *v);
        return *v;
    }

    std::string name(const char* key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

    [[noreturn]] void fail(const char* key, const char* expected, const json& got) const {
        throw RecordError(fmt::format("bad record key '{}': expected {}, got {}", name(key), expected,
                                      got.is_string() ? "\"" + got.get<std::string>() + "\"" : got.type_name()));
    }

private:
    const json* find(const char* key) const {
        auto it = j_.find(key);
        return it == j_.end() || it->is_null() ? nullptr : &*it;
    }

    template <typename T>
    T convert(const json& v, const char* key) const {
        if constexpr (std::is_same_v<T, bool>) {
            if (!v.is_boolean()) fail(key, "a boolean", v);
        } else if constexpr (std::is_integral_v<T>) {
            if (!v.is_number_integer()) fail(key, "an integer", v);
        } else if constexpr (std::is_floating_point_v<T>) {
            if (!v.is_number()) fail(key, "a number", v);
        } else if constexpr (std::is_same_v<T, std::string>) {
            if (!v.is_string()) fail(key, "a string", v);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); }))
                fail(key, "an array of strings", v);
        } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
            if (!v.is_object() || !std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); }))
                fail(key, "an object of strings", v);
        }
        return v.get<T>();
    }

    const json& j_;
    std::string prefix_;
};

void check_schema(const Reader& read) {
    int version = kReportSchemaVersion;
    read("schema_version", version);
    if (version != kReportSchemaVersion)
        throw RecordError(fmt::format("unsupported schema_version {} (this build reads {})", version,
                                      kReportSchemaVersion));
}

template <typename E, typename Parse>
E enum_from(const Reader& read, const char* key, E fallback, Parse parse, const char* allowed) {
    std::string text;
    read(key, text);
    if (text.empty()) return fallback;
    if (auto v = parse(text)) return *v;
    throw RecordError(fmt::format("bad record key '{}': unknown value \"{}\" (allowed: {})", read.name(key), text, allowed));
}

}  // namespace

void describe_case(Record& r, const CaseSpec& spec) {
    r.case_id = spec.id;
    r.kind = spec.kind;
    r.family = spec.family;
    r.controls = spec.controls;
    r.accepted_risk = spec.accepted_risk;
    r.summary = spec.summary;
    r.expect = spec.expect;
    r.timeout_s = spec.timeout_s;
    r.tags = spec.tags;
}

json to_json(const LaunchResult& l) {
    return {{"started", l.started},
            {"start_error", l.start_error},
            {"exit_code", l.exit_code},
            {"signal", optional_json(l.signal)},
            {"harness_deadline_hit", l.harness_deadline_hit},
            {"stdout_text", l.stdout_text},
            {"stderr_text", l.stderr_text},
            {"stdout_truncated", l.stdout_truncated},
            {"stderr_truncated", l.stderr_truncated},
            {"stdout_bytes", l.stdout_bytes},
            {"stderr_bytes", l.stderr_bytes},
            {"wall_ms", l.wall_ms},
            {"start_unix_s", l.start_unix_s},
            {"cpu_user_ms", l.cpu_user_ms},
            {"cpu_sys_ms", l.cpu_sys_ms}};
}

LaunchResult launch_from_json(const json& j) {
    const Reader read(j, "launch");
    LaunchResult l;
    read("started", l.started);
    read("start_error", l.start_error);
    read("exit_code", l.exit_code);
    read("signal", l.signal);
    read("harness_deadline_hit", l.harness_deadline_hit);
    read("stdout_text", l.stdout_text);
    read("stderr_text", l.stderr_text);
    read("stdout_truncated", l.stdout_truncated);
    read("stderr_truncated", l.stderr_truncated);
    read("stdout_bytes", l.stdout_bytes);
    read("stderr_bytes", l.stderr_bytes);
    read("wall_ms", l.wall_ms);
    read("start_unix_s", l.start_unix_s);
    read("cpu_user_ms", l.cpu_user_ms);
    read("cpu_sys_ms", l.cpu_sys_ms);
    return l;
}

json to_json(const Observation& o) {
    json drift = json::array();
    for (const auto& d : o.drift) drift.push_back({{"field", d.field}, {"expected", d.expected}, {"actual", d.actual}});
    return {{"engine_reachable", o.engine_reachable},
            {"container_id", optional_json(o.container_id)},
            {"inspected", o.inspected},
            {"drift", drift},
            {"exit_code", optional_json(o.exit_code)},
            {"oom_killed", o.oom_killed},
            {"engine_actions", o.engine_actions},
            {"t_create", optional_json(o.t_create)},
            {"t_start", optional_json(o.t_start)},
            {"t_die", optional_json(o.t_die)},
            {"t_destroy", optional_json(o.t_destroy)},
            {"memory_peak_bytes", optional_json(o.memory_peak_bytes)},
            {"container_gone", o.container_gone},
            {"leftovers", o.leftovers},
            {"canary_hits", o.canary_hits},
            {"host_file_changes", o.host_file_changes},
            {"notes", o.notes}};
}

Observation observation_from_json(const json& j) {
    const Reader read(j, "observation");
    Observation o;
    read("engine_reachable", o.engine_reachable);
    read("container_id", o.container_id);
    read("inspected", o.inspected);
    if (auto it = j.find("drift"); it != j.end() && !it->is_null()) {
        if (!it->is_array()) read.fail("drift", "an array", *it);
        for (const auto& d : *it) {
            const Reader one(d, "observation.drift[]");
            FlagDrift f;
            one("field", f.field);
            one("expected", f.expected);
            one("actual", f.actual);
            o.drift.push_back(std::move(f));
        }
    }
    read("exit_code", o.exit_code);
    read("oom_killed", o.oom_killed);
    read("engine_actions", o.engine_actions);
    read("t_create", o.t_create);
    read("t_start", o.t_start);
    read("t_die", o.t_die);
    read("t_destroy", o.t_destroy);
    read("memory_peak_bytes", o.memory_peak_bytes);
    read("container_gone", o.container_gone);
    read("leftovers", o.leftovers);
    read("canary_hits", o.canary_hits);
    read("host_file_changes", o.host_file_changes);
    read("notes", o.notes);
    return o;
}

json to_json(const Judgement& jd) {
    return {{"verdict", to_string(jd.verdict)},
            {"reasons", jd.reasons},
            {"stopped_by", optional_json(jd.stopped_by)},
            {"report", jd.report ? jd.report->raw : json(nullptr)}};
}

Judgement judgement_from_json(const json& j) {
    const Reader read(j, "judgement");
    Judgement jd;
    jd.verdict = enum_from(read, "verdict", Verdict::Error, verdict_from_string,
                           "pass, fail, contained, escaped, accepted-risk, error, skipped");
    read("reasons", jd.reasons);
    read("stopped_by", jd.stopped_by);
    if (auto it = j.find("report"); it != j.end() && !it->is_null()) {
        if (!it->is_object()) read.fail("report", "an object", *it);
        ProbeReport r;
        r.raw = *it;
        const Reader report(*it, "judgement.report");
        report("escaped", r.escaped);
        report("detail", r.detail);
        jd.report = std::move(r);
    }
    return jd;
}

json to_json(const Record& r) {
    return {{"schema_version", kReportSchemaVersion},
            {"case_id", r.case_id},
            {"kind", to_string(r.kind)},
            {"family", r.family},
            {"controls", r.controls},
            {"image", r.image},
            {"repetition", r.repetition},
            {"container_name", r.container_name},
            {"profile_name", r.profile_name},
            {"launch", to_json(r.launch)},
            {"observation", to_json(r.observation)},
            {"judgement", to_json(r.judgement)},
            {"accepted_risk", optional_json(r.accepted_risk)},
            {"summary", r.summary},
            {"expect", r.expect ? json(to_string(*r.expect)) : json(nullptr)},
            {"timeout_s", optional_json(r.timeout_s)},
            {"tags", r.tags}};
}

Record record_from_json(const json& j) {
    const Reader read(j, "");
    check_schema(read);
    Record r;
    read("case_id", r.case_id);
    r.kind = enum_from(read, "kind", CaseKind::Probe, case_kind_from_string, "probe, workload");
    read("family", r.family);
    read("controls", r.controls);
    read("image", r.image);
    read("repetition", r.repetition);
    read("container_name", r.container_name);
    read("profile_name", r.profile_name);
    r.launch = launch_from_json(read.object("launch"));
    r.observation = observation_from_json(read.object("observation"));
    r.judgement = judgement_from_json(read.object("judgement"));
    read("accepted_risk", r.accepted_risk);
    read("summary", r.summary);
    if (auto it = j.find("expect"); it != j.end() && !it->is_null())
        r.expect = enum_from(read, "expect", Expect::Exit, expect_from_string, "report, killed, timeout, exit");
    read("timeout_s", r.timeout_s);
    read("tags", r.tags);
    return r;
}

json to_json(const RunMeta& m) {
    json images = json::array();
    for (const auto& i : m.images)
        images.push_back({{"name", i.name}, {"tag", i.tag}, {"id", i.id}, {"size_bytes", i.size_bytes}, {"labels", i.labels}});
    return {{"schema_version", kReportSchemaVersion},
            {"run_id", m.run_id},
            {"started_at", m.started_at},
            {"finished_at", m.finished_at},
            {"wall_s", m.wall_s},
            {"host", m.host},
            {"kernel", m.kernel},
            {"cores", m.cores},
            {"load_avg_1m_start", m.load_avg_1m_start},
            {"load_avg_1m_end", m.load_avg_1m_end},
            {"engine_version", m.engine_version},
            {"engine_api_version", m.engine_api_version},
            {"cgroup_version", m.cgroup_version},
            {"profile_path", m.profile_path},
            {"profile", m.profile},
            {"images", images},
            {"command_line", m.command_line},
            {"shard", m.shard},
            {"commit", m.commit},
            {"catalogue_hash", m.catalogue_hash},
            {"interrupted", m.interrupted},
            {"extra", m.extra.is_null() ? json::object() : m.extra}};
}

RunMeta run_meta_from_json(const json& j) {
    const Reader read(j, "run_meta");
    check_schema(read);
    RunMeta m;
    read("run_id", m.run_id);
    read("started_at", m.started_at);
    read("finished_at", m.finished_at);
    read("wall_s", m.wall_s);
    read("host", m.host);
    read("kernel", m.kernel);
    read("cores", m.cores);
    read("load_avg_1m_start", m.load_avg_1m_start);
    read("load_avg_1m_end", m.load_avg_1m_end);
    read("engine_version", m.engine_version);
    read("engine_api_version", m.engine_api_version);
    read("cgroup_version", m.cgroup_version);
    read("profile_path", m.profile_path);
    read("profile", m.profile);
    if (auto it = j.find("images"); it != j.end() && !it->is_null()) {
        if (!it->is_array()) read.fail("images", "an array", *it);
        for (const auto& e : *it) {
            const Reader one(e, "run_meta.images[]");
            ImageInfo i;
            one("name", i.name);
            one("tag", i.tag);
            one("id", i.id);
            one("size_bytes", i.size_bytes);
            one("labels", i.labels);
            m.images.push_back(std::move(i));
        }
    }
    read("command_line", m.command_line);
    read("shard", m.shard);
    read("commit", m.commit);
    read("catalogue_hash", m.catalogue_hash);
    read("interrupted", m.interrupted);
    m.extra = read.object("extra");
    return m;
}

}  // namespace sh
