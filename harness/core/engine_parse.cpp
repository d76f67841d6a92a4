#include "core/engine_parse.h"
#include "util/error.h"

#include <charconv>
#include <stdexcept>
#include <utility>

namespace sh {

namespace {

using nlohmann::json;

/// A string field, "" when absent or null; other scalars as their JSON text (an engine that
/// sends a number where the docs say string must not throw away the whole document).
std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::map<std::string, std::string> string_map(const json& j, const char* key) {
    std::map<std::string, std::string> out;
    auto it = j.find(key);
    if (it == j.end() || !it->is_object()) return out;  // the engine sends null for "no labels"
    for (const auto& [k, v] : it->items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
    return out;
}

std::vector<std::string> string_list(const json& j, const char* key) {
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return out;
    for (const auto& v : *it)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

void require(const json& j, json::value_t type, const char* what) {
    if (j.type() != type)
        throw Error(std::string("Engine API: ") + what + " is not a JSON " +
                                 (type == json::value_t::array ? "array" : "object") + " but " +
                                 j.type_name());
}

/// "1.41" as (1, 41), so that 1.9 < 1.41; nullopt for anything but MAJOR.MINOR.
std::optional<std::pair<int, int>> api_number(std::string_view v) {
    const auto dot = v.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == v.size()) return std::nullopt;
    std::pair<int, int> out;
    const auto major = std::from_chars(v.data(), v.data() + dot, out.first);
    const auto minor = std::from_chars(v.data() + dot + 1, v.data() + v.size(), out.second);
    if (major.ec != std::errc() || major.ptr != v.data() + dot || minor.ec != std::errc() ||
        minor.ptr != v.data() + v.size())
        return std::nullopt;
    return out;
}

}  // namespace

std::string negotiate_api_version(const json& version) {
    require(version, json::value_t::object, "GET /version");
    const std::string engine = str(version, "ApiVersion");
    if (engine.empty()) throw Error("no ApiVersion in the answer (is a Docker engine listening there?)");
    const auto engine_n = api_number(engine);
    if (!engine_n) throw Error("ApiVersion \"" + engine + "\" is not MAJOR.MINOR");
    if (*engine_n < *api_number(kOldestApiVersion))
        throw Error("the engine speaks Engine API " + engine + ", older than " + std::string(kOldestApiVersion) +
                    ", the oldest sandbox-harness supports: upgrade the engine to Docker 20.10 or later "
                    "(ci/setup-host.sh installs one), or set DOCKER_HOST to a newer engine");
    const std::string chosen = *engine_n < *api_number(kNewestApiVersion) ? engine : std::string(kNewestApiVersion);
    // An engine reports the oldest version it still accepts; an unreadable one is left to the
    // engine itself to refuse, with its own message, on the first versioned call.
    const std::string min = str(version, "MinAPIVersion");
    if (const auto min_n = api_number(min); min_n && *min_n > *api_number(chosen))
        throw Error("the engine accepts Engine API " + min + " and later only, and sandbox-harness speaks " +
                    std::string(kOldestApiVersion) + " to " + std::string(kNewestApiVersion) +
                    ": use an engine that still accepts " + chosen +
                    ", or teach the harness the newer API (kNewestApiVersion in harness/core/engine_parse.h)");
    return chosen;
}

EngineVersion parse_version(const json& version, const json& info) {
    require(version, json::value_t::object, "GET /version");
    require(info, json::value_t::object, "GET /info");
    EngineVersion v;
    v.version = str(version, "Version");
    v.api_version = str(version, "ApiVersion");
    v.os = str(version, "Os");
    v.kernel = str(version, "KernelVersion");
    v.cgroup_version = str(info, "CgroupVersion");
    v.cgroup_driver = str(info, "CgroupDriver");
    v.storage_driver = str(info, "Driver");
    v.docker_root_dir = str(info, "DockerRootDir");
    return v;
}

std::optional<EngineEvent> parse_event(std::string_view line) {
    json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return std::nullopt;
    EngineEvent e;
    e.type = str(j, "Type");
    e.action = str(j, "Action");
    if (e.action.empty()) e.action = str(j, "status");  // pre-1.22 shape
    if (auto actor = j.find("Actor"); actor != j.end() && actor->is_object()) {
        e.id = str(*actor, "ID");
        e.attributes = string_map(*actor, "Attributes");
    }
    if (e.id.empty()) e.id = str(j, "id");
    if (auto it = e.attributes.find("name"); it != e.attributes.end()) e.name = it->second;
    if (auto it = j.find("timeNano"); it != j.end() && it->is_number_integer()) {
        const auto ns = it->get<std::int64_t>();
        e.time_s = static_cast<double>(ns / 1'000'000'000) + static_cast<double>(ns % 1'000'000'000) / 1e9;
    } else if (auto t = j.find("time"); t != j.end() && t->is_number()) {
        e.time_s = t->get<double>();
    }
    return e;
}

std::vector<ContainerSummary> parse_container_list(const json& j) {
    require(j, json::value_t::array, "GET /containers/json");
    std::vector<ContainerSummary> out;
    out.reserve(j.size());
    for (const auto& c : j) {
        if (!c.is_object()) continue;
        ContainerSummary summary{str(c, "Id"), string_list(c, "Names"), str(c, "State"), string_map(c, "Labels")};
        if (auto it = c.find("Created"); it != c.end() && it->is_number()) summary.created_s = it->get<double>();
        out.push_back(std::move(summary));
    }
    return out;
}

ImageDetails parse_image(const json& j) {
    require(j, json::value_t::object, "GET /images/{name}/json");
    ImageDetails d;
    d.id = str(j, "Id");
    d.tags = string_list(j, "RepoTags");
    if (auto it = j.find("Size"); it != j.end() && it->is_number()) d.size_bytes = it->get<std::int64_t>();
    if (auto cfg = j.find("Config"); cfg != j.end() && cfg->is_object()) d.labels = string_map(*cfg, "Labels");
    d.created = str(j, "Created");
    return d;
}

}  // namespace sh
