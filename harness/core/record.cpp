#include "core/record.h"

#include <algorithm>
#include <concepts>
#include <set>
#include <type_traits>

#include <fmt/format.h>

namespace sh {

namespace {

using nlohmann::json;

// Each struct's keys are spelled once, in a `fields(io, value)` function below, which both
// directions walk: a Writer puts every field into a JSON object, a Reader takes what it finds.
// How one value is written and read is its Codec.

template <typename T, typename = void>
struct Codec;

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
        if (const json* v = find(key)) out = Codec<T>::read(*v, *this, key);
    }

    template <typename T>
    void operator()(const char* key, std::optional<T>& out) const {
        const json* v = find(key);
        out = v ? std::optional<T>(Codec<T>::read(*v, *this, key)) : std::nullopt;
    }

    /// A duration, a time since the epoch, a size or a count: below zero it is an error naming the key.
    template <typename T>
    void non_negative(const char* key, T& out) const {
        (*this)(key, out);
        check_non_negative(key, out);
    }

    template <typename T>
    void non_negative(const char* key, std::optional<T>& out) const {
        (*this)(key, out);
        if (out) check_non_negative(key, *out);
    }

    /// Another schema_version than this build's is an error; a missing one is taken as this build's.
    void schema_version() const {
        int version = kReportSchemaVersion;
        (*this)("schema_version", version);
        if (version != kReportSchemaVersion)
            throw RecordError(fmt::format("unsupported schema_version {} (this build reads {})", version,
                                          kReportSchemaVersion));
    }

    std::string name(const char* key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

    [[noreturn]] void negative(const char* key, const json& got) const {
        throw RecordError(fmt::format("bad record key '{}': got {}, which cannot be negative", name(key), got.dump()));
    }

    [[noreturn]] void fail(const char* key, const char* expected, const json& got) const {
        throw RecordError(fmt::format("bad record key '{}': expected {}, got {}", name(key), expected,
                                      got.is_string() ? "\"" + got.get<std::string>() + "\"" : got.type_name()));
    }

private:
    template <typename T>
    void check_non_negative(const char* key, const T& v) const {
        if constexpr (std::is_signed_v<T>)
            if (v < 0) negative(key, json(v));
    }

    const json* find(const char* key) const {
        auto it = j_.find(key);
        return it == j_.end() || it->is_null() ? nullptr : &*it;
    }

    const json& j_;
    std::string prefix_;
};

/// Writes every field into one JSON object; an absent optional is null.
class Writer {
public:
    template <typename T>
    void operator()(const char* key, const T& v) {
        j[key] = Codec<T>::write(v);
    }

    template <typename T>
    void operator()(const char* key, const std::optional<T>& v) {
        j[key] = v ? Codec<T>::write(*v) : json(nullptr);
    }

    template <typename T>
    void non_negative(const char* key, const T& v) {
        (*this)(key, v);
    }

    void schema_version() { j["schema_version"] = kReportSchemaVersion; }

    json j = json::object();
};

// ---- the keys of each struct, in reading order -------------------------------------------------

template <typename T, typename Struct>
concept Is = std::same_as<std::remove_const_t<T>, Struct>;

void fields(auto& io, Is<LaunchResult> auto& l) {
    io("started", l.started);
    io("start_error", l.start_error);
    io("exit_code", l.exit_code);
    io("signal", l.signal);
    io("harness_deadline_hit", l.harness_deadline_hit);
    io("stdout_text", l.stdout_text);
    io("stderr_text", l.stderr_text);
    io("stdout_truncated", l.stdout_truncated);
    io("stderr_truncated", l.stderr_truncated);
    io.non_negative("stdout_bytes", l.stdout_bytes);
    io.non_negative("stderr_bytes", l.stderr_bytes);
    io.non_negative("wall_ms", l.wall_ms);
    io.non_negative("start_unix_s", l.start_unix_s);
    io.non_negative("cpu_user_ms", l.cpu_user_ms);
    io.non_negative("cpu_sys_ms", l.cpu_sys_ms);
}

void fields(auto& io, Is<FlagDrift> auto& d) {
    io("field", d.field);
    io("expected", d.expected);
    io("actual", d.actual);
}

void fields(auto& io, Is<HostLoadDuring> auto& h) {
    io.non_negative("runnable_mean", h.runnable_mean);
    io.non_negative("runnable_max", h.runnable_max);
    io.non_negative("cores", h.cores);
    io.non_negative("samples", h.samples);
    io.non_negative("own_runnable_mean", h.own_runnable_mean);
    io("own_counted", h.own_counted);
}

void fields(auto& io, Is<ScriptProcess> auto& p) {
    io("init_pid", p.init_pid);
    io("script_pid", p.script_pid);
    io("dies_whole", p.dies_whole);
}

void fields(auto& io, Is<Observation> auto& o) {
    io("engine_reachable", o.engine_reachable);
    io("container_id", o.container_id);
    io("inspected", o.inspected);
    io("drift", o.drift);
    io("exit_code", o.exit_code);
    io("oom_killed", o.oom_killed);
    io("oom_killed_pids", o.oom_killed_pids);
    io("script", o.script);
    io("engine_actions", o.engine_actions);
    io.non_negative("t_create", o.t_create);
    io.non_negative("t_start", o.t_start);
    io.non_negative("t_die", o.t_die);
    io.non_negative("t_destroy", o.t_destroy);
    io.non_negative("memory_peak_bytes", o.memory_peak_bytes);
    io("container_gone", o.container_gone);
    io("leftovers", o.leftovers);
    io("canary_hits", o.canary_hits);
    io("host_file_changes", o.host_file_changes);
    io("notes", o.notes);
    io("host_load", o.host_load);
}

void fields(auto& io, Is<Judgement> auto& jd) {
    io("verdict", jd.verdict);
    io("reasons", jd.reasons);
    io("stopped_by", jd.stopped_by);
    io("report", jd.report);
}

void fields(auto& io, Is<FirstAttempt> auto& a) {
    io("verdict", a.verdict);
    io("reasons", a.reasons);
    io.non_negative("wall_ms", a.wall_ms);
    io("host_load", a.host_load);
}

void fields(auto& io, Is<Record> auto& r) {
    io.schema_version();
    io("case_id", r.case_id);
    io("kind", r.kind);
    io("family", r.family);
    io("controls", r.controls);
    io("image", r.image);
    io.non_negative("repetition", r.repetition);
    io("container_name", r.container_name);
    io("profile_name", r.profile_name);
    io("launch", r.launch);
    io("observation", r.observation);
    io("judgement", r.judgement);
    io("accepted_risk", r.accepted_risk);
    io("summary", r.summary);
    io("script", r.script);
    io("expect", r.expect);
    io.non_negative("timeout_s", r.timeout_s);
    io("tags", r.tags);
    io("first_attempt", r.first_attempt);
}

void fields(auto& io, Is<ImageInfo> auto& i) {
    io("name", i.name);
    io("tag", i.tag);
    io("id", i.id);
    io.non_negative("size_bytes", i.size_bytes);
    io("labels", i.labels);
}

void fields(auto& io, Is<RunCost> auto& c) {
    io.non_negative("wall_s", c.wall_s);
    io.non_negative("cases", c.cases);
    io.non_negative("launches", c.launches);
    io.non_negative("cores", c.cores);
    io.non_negative("engine_cpu_s", c.engine_cpu_s);
    io.non_negative("host_busy_cpu_s", c.host_busy_cpu_s);
    io.non_negative("harness_cpu_s", c.harness_cpu_s);
    io.non_negative("sampler_cpu_s", c.sampler_cpu_s);
    io.non_negative("launchers_cpu_s", c.launchers_cpu_s);
    io.non_negative("kernel_threads_cpu_s", c.kernel_threads_cpu_s);
}

void fields(auto& io, Is<RunMeta> auto& m) {
    io.schema_version();
    io("run_id", m.run_id);
    io("started_at", m.started_at);
    io("finished_at", m.finished_at);
    io.non_negative("wall_s", m.wall_s);
    io("host", m.host);
    io("kernel", m.kernel);
    io.non_negative("cores", m.cores);
    io.non_negative("load_avg_1m_start", m.load_avg_1m_start);
    io.non_negative("load_avg_1m_end", m.load_avg_1m_end);
    io("engine_version", m.engine_version);
    io("engine_api_version", m.engine_api_version);
    io("cgroup_version", m.cgroup_version);
    io("profile_path", m.profile_path);
    io("profile", m.profile);
    io("images", m.images);
    io("command_line", m.command_line);
    io("shard", m.shard);
    io("commit", m.commit);
    io("catalogue_hash", m.catalogue_hash);
    io("interrupted", m.interrupted);
    io("planned", m.planned);
    io("run_cost", m.run_cost);
    io("extra", m.extra);
}

// ---- how one value is written and read ---------------------------------------------------------

template <typename T>
concept Object = requires(Writer& w, const T& v) { fields(w, v); };

/// Booleans, numbers, strings: as JSON, of the right type.
template <typename T>
struct Codec<T, std::enable_if_t<std::is_arithmetic_v<T> || std::is_same_v<T, std::string>>> {
    static json write(const T& v) { return v; }
    static T read(const json& v, const Reader& at, const char* key) {
        if constexpr (std::is_same_v<T, bool>) {
            if (!v.is_boolean()) at.fail(key, "a boolean", v);
        } else if constexpr (std::is_integral_v<T>) {
            if (!v.is_number_integer()) at.fail(key, "an integer", v);
            // A negative number would wrap around in an unsigned field (a size or a count).
            if constexpr (std::is_unsigned_v<T>)
                if (!v.is_number_unsigned()) at.negative(key, v);
        } else if constexpr (std::is_floating_point_v<T>) {
            if (!v.is_number()) at.fail(key, "a number", v);
        } else {
            if (!v.is_string()) at.fail(key, "a string", v);
        }
        return v.get<T>();
    }
};

template <>
struct Codec<std::vector<std::string>> {
    static json write(const std::vector<std::string>& v) { return v; }
    static std::vector<std::string> read(const json& v, const Reader& at, const char* key) {
        if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); }))
            at.fail(key, "an array of strings", v);
        return v.get<std::vector<std::string>>();
    }
};

template <>
struct Codec<std::vector<long>> {
    static json write(const std::vector<long>& v) { return v; }
    static std::vector<long> read(const json& v, const Reader& at, const char* key) {
        if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number_integer(); }))
            at.fail(key, "an array of integers", v);
        return v.get<std::vector<long>>();
    }
};

template <>
struct Codec<std::map<std::string, std::string>> {
    static json write(const std::map<std::string, std::string>& v) { return v; }
    static std::map<std::string, std::string> read(const json& v, const Reader& at, const char* key) {
        if (!v.is_object() || !std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); }))
            at.fail(key, "an object of strings", v);
        return v.get<std::map<std::string, std::string>>();
    }
};

/// A free-form object (RunMeta::extra): null is written as {}.
template <>
struct Codec<json> {
    static json write(const json& v) { return v.is_null() ? json::object() : v; }
    static json read(const json& v, const Reader& at, const char* key) {
        if (!v.is_object()) at.fail(key, "an object", v);
        return v;
    }
};

/// An enum as its to_string() text. An empty text reads as `fallback`.
template <typename E, auto parse, E fallback>
struct EnumCodec {
    static json write(E v) { return to_string(v); }
    static E read(const json& v, const Reader& at, const char* key, const char* allowed) {
        if (!v.is_string()) at.fail(key, "a string", v);
        const std::string text = v.get<std::string>();
        if (text.empty()) return fallback;
        if (auto e = parse(text)) return *e;
        throw RecordError(
            fmt::format("bad record key '{}': unknown value \"{}\" (allowed: {})", at.name(key), text, allowed));
    }
};

template <>
struct Codec<Verdict> : EnumCodec<Verdict, verdict_from_string, Verdict::Error> {
    static Verdict read(const json& v, const Reader& at, const char* key) {
        return EnumCodec::read(v, at, key, "pass, fail, contained, escaped, accepted-risk, error, skipped, flaky");
    }
};

template <>
struct Codec<CaseKind> : EnumCodec<CaseKind, case_kind_from_string, CaseKind::Probe> {
    static CaseKind read(const json& v, const Reader& at, const char* key) {
        return EnumCodec::read(v, at, key, "probe, workload");
    }
};

template <>
struct Codec<Expect> : EnumCodec<Expect, expect_from_string, Expect::Exit> {
    static Expect read(const json& v, const Reader& at, const char* key) {
        return EnumCodec::read(v, at, key, "report, killed, timeout, exit");
    }
};

/// The probe's report is kept whole, as printed; "escaped" and "detail" are read from it.
template <>
struct Codec<ProbeReport> {
    static json write(const ProbeReport& r) { return r.raw; }
    static ProbeReport read(const json& v, const Reader& at, const char* key) {
        if (!v.is_object()) at.fail(key, "an object", v);
        ProbeReport r;
        r.raw = v;
        const Reader report(v, at.name(key));
        report("escaped", r.escaped);
        report("detail", r.detail);
        return r;
    }
};

/// A struct with fields(): an object of its keys. `prefix` names it in errors.
template <Object T>
struct Codec<T> {
    static json write(const T& v) {
        Writer w;
        fields(w, v);
        return std::move(w.j);
    }
    static T from(const json& v, std::string prefix) {
        const Reader read(v, std::move(prefix));
        T out;
        fields(read, out);
        return out;
    }
    static T read(const json& v, const Reader& at, const char* key) {
        if (!v.is_object()) at.fail(key, "an object", v);
        return from(v, at.name(key));
    }
};

/// An array of structs; each element is named "key[]" in errors.
template <Object T>
struct Codec<std::vector<T>> {
    static json write(const std::vector<T>& v) {
        json out = json::array();
        for (const auto& e : v) out.push_back(Codec<T>::write(e));
        return out;
    }
    static std::vector<T> read(const json& v, const Reader& at, const char* key) {
        if (!v.is_array()) at.fail(key, "an array", v);
        std::vector<T> out;
        for (const auto& e : v) out.push_back(Codec<T>::from(e, at.name(key) + "[]"));
        return out;
    }
};

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

json parse_report_json(std::string_view text) {
    if (const auto nul = text.find('\0'); nul != std::string_view::npos)
        throw RecordError(fmt::format("a NUL byte at offset {} (JSON text has none; nothing after it would be read)",
                                      nul));
    // Each open object's keys so far, and the key each open container was reached by, for the message.
    struct Open {
        bool object;
        std::string via;  ///< ".key" or "[]"; empty at the top
        std::set<std::string> keys;
        std::string last_key;
    };
    std::vector<Open> open;
    const json::parser_callback_t no_duplicate_keys = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start: {
                std::string via;
                if (!open.empty()) via = open.back().object ? "." + open.back().last_key : "[]";
                open.push_back({event == json::parse_event_t::object_start, std::move(via), {}, {}});
                break;
            }
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!open.empty()) open.pop_back();
                break;
            case json::parse_event_t::key: {
                Open& here = open.back();
                here.last_key = parsed.get<std::string>();
                if (!here.keys.insert(here.last_key).second) {
                    std::string where;
                    for (const auto& o : open) where += o.via;
                    if (!where.empty() && where[0] == '.') where.erase(0, 1);
                    throw RecordError(fmt::format("the key \"{}\" appears twice in {} (a reader would see only one "
                                                  "of them)",
                                                  here.last_key, where.empty() ? "the top-level object" : where));
                }
                break;
            }
            case json::parse_event_t::value:
                break;
        }
        return true;
    };
    try {
        return json::parse(text.begin(), text.end(), no_duplicate_keys);
    } catch (const json::exception& e) {
        throw RecordError(e.what());
    }
}

json to_json(const LaunchResult& l) { return Codec<LaunchResult>::write(l); }
LaunchResult launch_from_json(const json& j) { return Codec<LaunchResult>::from(j, "launch"); }
json to_json(const Observation& o) { return Codec<Observation>::write(o); }
Observation observation_from_json(const json& j) { return Codec<Observation>::from(j, "observation"); }
json to_json(const Judgement& jd) { return Codec<Judgement>::write(jd); }
Judgement judgement_from_json(const json& j) { return Codec<Judgement>::from(j, "judgement"); }
json to_json(const Record& r) { return Codec<Record>::write(r); }
Record record_from_json(const json& j) {
    try {
        return Codec<Record>::from(j, "");
    } catch (const RecordError& e) {
        // Name the case too, as far as the record says which one it is: a report holds hundreds.
        const auto it = j.is_object() ? j.find("case_id") : j.end();
        if (it == j.end() || !it->is_string()) throw;
        std::string label = it->get<std::string>();
        if (const auto image = j.find("image"); image != j.end() && image->is_string())
            label += " [" + image->get<std::string>() + "]";
        if (const auto rep = j.find("repetition"); rep != j.end() && rep->is_number_integer())
            label += " #" + rep->dump();
        throw RecordError(fmt::format("case {}: {}", label, e.what()));
    }
}
json to_json(const RunMeta& m) { return Codec<RunMeta>::write(m); }
RunMeta run_meta_from_json(const json& j) { return Codec<RunMeta>::from(j, "run_meta"); }

}  // namespace sh
