#pragma once
/// Pure parsing of Docker Engine API (v1.41) JSON into the harness's own structs. No I/O: the
/// transport is docker_client.cpp; tests feed it responses recorded from a real engine
/// (tests/data/engine/).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

#include <nlohmann/json.hpp>

namespace sh {

struct EngineVersion {
    std::string version;          ///< /version Version, e.g. "20.10.24+dfsg1"
    std::string api_version;      ///< /version ApiVersion, e.g. "1.41"
    std::string os;               ///< /version Os
    std::string kernel;           ///< /version KernelVersion
    std::string cgroup_version;   ///< /info CgroupVersion: "1" or "2" ("" when the engine does not say)
    std::string cgroup_driver;    ///< /info CgroupDriver: "cgroupfs" or "systemd"
    std::string storage_driver;   ///< /info Driver
    std::string docker_root_dir;  ///< /info DockerRootDir
};

struct EngineEvent {
    std::string type;    ///< "container", "network", "image", ...
    std::string action;  ///< "create", "start", "die", "oom", "destroy", "exec_start: sh -c ..." ...
    std::string id;      ///< Actor.ID
    std::string name;    ///< Actor.Attributes.name
    std::map<std::string, std::string> attributes;  ///< Actor.Attributes (labels, exitCode, image, ...)
    double time_s = 0;   ///< from timeNano (falls back to time), seconds since epoch
};

struct ContainerSummary {
    std::string id;
    std::vector<std::string> names;  ///< as the engine gives them, with the leading '/'
    std::string state;               ///< "created", "running", "exited", ...
    std::map<std::string, std::string> labels;
    double created_s = 0;            ///< "Created", seconds since the epoch (0 when absent)
};

struct ImageDetails {
    std::string id;                 ///< "sha256:..."
    std::vector<std::string> tags;  ///< RepoTags
    std::int64_t size_bytes = 0;
    std::map<std::string, std::string> labels;  ///< Config.Labels
    std::string created;            ///< RFC 3339, as the engine gives it
};

/// Both documents are required: /version has no cgroup or storage facts, /info has no API version.
/// Missing fields become "" (an older engine lacks CgroupVersion); a non-object throws
/// Error.
EngineVersion parse_version(const nlohmann::json& version, const nlohmann::json& info);

/// One line of the /events stream; nullopt if it is not a JSON object (blank keep-alive lines,
/// a truncated line). Non-string attribute values are kept as their JSON text.
std::optional<EngineEvent> parse_event(std::string_view line);

/// GET /containers/json. Throws Error when the document is not an array.
std::vector<ContainerSummary> parse_container_list(const nlohmann::json&);

/// GET /images/{name}/json. Throws Error when the document is not an object.
ImageDetails parse_image(const nlohmann::json&);

// Container inspect stays raw nlohmann::json: another module compares HostConfig with the profile.

}  // namespace sh
