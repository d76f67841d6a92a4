#pragma once
/// Pure parsing of Docker Engine API (v1.41 to v1.47) JSON into the harness's own structs, and the
/// choice of the API version to speak. No I/O: the transport is docker_client.cpp; tests feed it
/// responses recorded from a real engine (tests/data/engine/).

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

/// The Engine API versions the client is written for: 1.41 (Docker 20.10) is the first with /info
/// CgroupVersion; 1.47 is Docker 27. What the harness reads, and what changed in it in between
/// (every read is tolerant: a missing field is "" or empty, never an error):
/// - /version: Version, ApiVersion, MinAPIVersion, Os, KernelVersion. /info: CgroupVersion,
///   CgroupDriver, Driver, DockerRootDir. Unchanged.
/// - /events (filters "type" and "label"; Type, Action, Actor.ID, Actor.Attributes, timeNano):
///   unchanged; 1.46 adds image "create" events, which the "type":["container"] filter drops.
///   The legacy status/id/from that parse_event() falls back to are gone from 1.52 on.
/// - /containers/json (Id, Names, State, Labels, Created): unchanged; 1.46 adds Annotations.
/// - /images/{name}/json (Id, RepoTags, Size, Config.Labels, Created): 1.44 drops VirtualSize and
///   1.45 drops Container and ContainerConfig, none of which is read; 1.50 trims Config but keeps
///   Labels.
/// - /containers/{id}/json, kept raw (flag_drift.cpp reads HostConfig and Mounts fields, bench.cpp
///   copies Config and HostConfig into a create body): 1.42 omits KernelMemory and KernelMemoryTCP
///   when unset and ignores KernelMemory on create; 1.44 deprecates Config.MacAddress. Neither is
///   read, and a body built from an inspect at one version is sent back at the same version.
/// - /containers/{id}/wait (StatusCode, Error.Message): 1.42 answers 400 to an unknown condition.
inline constexpr std::string_view kOldestApiVersion = "1.41";
inline constexpr std::string_view kNewestApiVersion = "1.47";

/// The version to speak with an engine, from its unversioned GET /version: the lower of its
/// ApiVersion and kNewestApiVersion, e.g. "1.45" for Docker 26 and "1.47" for Docker 28. Throws
/// Error, saying what to do, when ApiVersion is missing or not MAJOR.MINOR, when it is older
/// than kOldestApiVersion, or when the engine's MinAPIVersion is newer than the choice.
std::string negotiate_api_version(const nlohmann::json& version);

// Container inspect stays raw nlohmann::json: another module compares HostConfig with the profile.

}  // namespace sh
