#include "core/engine_parse.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace sh {
namespace {

using nlohmann::json;

std::string read_data(const std::string& name) {
    std::ifstream in(std::string(SH_TESTDATA_DIR) + "/engine/" + name);
    EXPECT_TRUE(in) << "missing test data engine/" << name;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

json load(const std::string& name) { return json::parse(read_data(name)); }

std::vector<EngineEvent> load_events(const std::string& name) {
    std::vector<EngineEvent> out;
    std::istringstream in(read_data(name));
    for (std::string line; std::getline(in, line);)
        if (auto e = parse_event(line)) out.push_back(*e);
    return out;
}

TEST(EngineParse, VersionCombinesVersionAndInfo) {
    auto v = parse_version(load("version.json"), load("info.json"));
    EXPECT_EQ("20.10.24+dfsg1", v.version);
    EXPECT_EQ("1.41", v.api_version);
    EXPECT_EQ("linux", v.os);
    EXPECT_EQ("6.18.44-fc-v782", v.kernel);
    EXPECT_EQ("1", v.cgroup_version);
    EXPECT_EQ("overlay2", v.storage_driver);
    EXPECT_EQ("/var/lib/docker", v.docker_root_dir);
}

TEST(EngineParse, VersionLeavesFieldsAnOlderEngineLacksEmpty) {
    auto v = parse_version(json{{"Version", "19.03.1"}, {"ApiVersion", "1.40"}}, json::object());
    EXPECT_EQ("19.03.1", v.version);
    EXPECT_EQ("", v.cgroup_version);
    EXPECT_EQ("", v.storage_driver);
}

TEST(EngineParse, VersionRejectsANonObjectWithTheEndpointInTheMessage) {
    try {
        parse_version(json::array(), json::object());
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ("Engine API: GET /version is not a JSON object but array", e.what());
    }
}

TEST(EngineParse, LifecycleEventsCarryActionNameLabelsAndNanosecondTime) {
    auto events = load_events("events_lifecycle.jsonl");
    ASSERT_EQ(9u, events.size());
    std::vector<std::string> actions;
    for (const auto& e : events) actions.push_back(e.action);
    EXPECT_EQ((std::vector<std::string>{"create", "start", "die", "destroy", "create", "start", "oom",
                                        "die", "destroy"}),
              actions);
    const auto& create = events[0];
    EXPECT_EQ("container", create.type);
    EXPECT_EQ("6cd18dcfd8245e2cba19a94616f404bbbec03eff7beadb63c9e30d74595ec438", create.id);
    EXPECT_EQ("sh-rec-hardened-8331", create.name);
    EXPECT_EQ("exit-3", create.attributes.at("sandbox-harness.case"));
    EXPECT_EQ("1", create.attributes.at("sandbox-harness.test"));
    EXPECT_DOUBLE_EQ(1795812160.381750951, create.time_s);
    for (std::size_t i = 1; i < events.size(); ++i) EXPECT_LE(events[i - 1].time_s, events[i].time_s);
}

TEST(EngineParse, DieEventCarriesTheExitCode) {
    auto events = load_events("events_lifecycle.jsonl");
    ASSERT_EQ(9u, events.size());
    EXPECT_EQ("die", events[2].action);
    EXPECT_EQ("3", events[2].attributes.at("exitCode"));
    EXPECT_EQ("oom", events[6].action);
    EXPECT_EQ("sh-rec-oom-8331", events[6].name);
    EXPECT_EQ("die", events[7].action);
    EXPECT_EQ("137", events[7].attributes.at("exitCode"));
}

TEST(EngineParse, EventLinesThatAreNotJsonObjectsAreSkipped) {
    EXPECT_FALSE(parse_event(""));
    EXPECT_FALSE(parse_event("\r"));
    EXPECT_FALSE(parse_event("{\"Type\":\"container\",\"Act"));  // cut mid-line
    EXPECT_FALSE(parse_event("[1,2]"));
    EXPECT_FALSE(parse_event("not json"));
}

TEST(EngineParse, EventWithoutActorFallsBackToTopLevelIdStatusAndTime) {
    auto e = parse_event(R"({"status":"die","id":"abc","time":1700000000})");
    ASSERT_TRUE(e);
    EXPECT_EQ("die", e->action);
    EXPECT_EQ("abc", e->id);
    EXPECT_EQ("", e->name);
    EXPECT_DOUBLE_EQ(1700000000.0, e->time_s);
}

TEST(EngineParse, NonStringAttributeValuesKeepTheirJsonText) {
    auto e = parse_event(R"({"Type":"container","Action":"die","Actor":{"ID":"x","Attributes":{"exitCode":137,"name":"n"}}})");
    ASSERT_TRUE(e);
    EXPECT_EQ("137", e->attributes.at("exitCode"));
    EXPECT_EQ("n", e->name);
}

TEST(EngineParse, ContainerListGivesIdNamesStateAndLabels) {
    auto list = parse_container_list(load("containers_list.json"));
    ASSERT_EQ(1u, list.size());
    EXPECT_EQ("6cd18dcfd8245e2cba19a94616f404bbbec03eff7beadb63c9e30d74595ec438", list[0].id);
    EXPECT_EQ(std::vector<std::string>{"/sh-rec-hardened-8331"}, list[0].names);
    EXPECT_EQ("running", list[0].state);
    EXPECT_EQ("rec8331", list[0].labels.at("sandbox-harness.run"));
    EXPECT_TRUE(parse_container_list(load("containers_list_empty.json")).empty());
}

TEST(EngineParse, ContainerListRejectsAnErrorDocument) {
    try {
        parse_container_list(load("error_no_such_container.json"));
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ("Engine API: GET /containers/json is not a JSON array but object", e.what());
    }
}

TEST(EngineParse, ImageWithoutLabelsHasAnEmptyLabelMap) {
    auto img = parse_image(load("image_base.json"));
    EXPECT_EQ("sha256:d11c6c8af103c6a7b81a352949ec4da89201eab3c534d6f79faf4b72ddae07a8", img.id);
    EXPECT_EQ(std::vector<std::string>{"sandbox-dev:base"}, img.tags);
    EXPECT_EQ(208585836, img.size_bytes);
    EXPECT_TRUE(img.labels.empty());
    EXPECT_EQ("2026-11-27T20:21:01.559988997Z", img.created);
}

TEST(EngineParse, ImageLabelsComeFromConfigLabels) {
    auto img = parse_image(load("image_labelled.json"));
    EXPECT_EQ("3.11.2", img.labels.at("python.version"));
    EXPECT_EQ("0123abcd", img.labels.at("org.example.recipe-sha256"));
    EXPECT_EQ(3u, img.labels.size());
}

TEST(EngineParse, RecordedInspectOfAHardenedContainerHasTheLaunchersFlags) {
    // Container inspect stays raw JSON; this pins the recorded document others compare against.
    auto j = load("container_inspect_hardened.json");
    EXPECT_EQ("none", j["HostConfig"]["NetworkMode"]);
    EXPECT_EQ(true, j["HostConfig"]["ReadonlyRootfs"]);
    EXPECT_EQ(json::array({"ALL"}), j["HostConfig"]["CapDrop"]);
    EXPECT_EQ(64, j["HostConfig"]["PidsLimit"]);
    EXPECT_EQ("running", j["State"]["Status"]);
}

// ---- API version negotiation -------------------------------------------------------------------

std::string refusal(const json& version) {
    try {
        negotiate_api_version(version);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(NegotiateApiVersion, TheRecordedDocker20EngineSpeaks141) {
    EXPECT_EQ("1.41", negotiate_api_version(load("version.json")));
}

TEST(NegotiateApiVersion, AnEngineBetweenTheBoundsIsSpokenToInItsOwnVersion) {
    EXPECT_EQ("1.45", negotiate_api_version(json{{"ApiVersion", "1.45"}, {"MinAPIVersion", "1.24"}}));
    EXPECT_EQ("1.47", negotiate_api_version(json{{"ApiVersion", "1.47"}, {"MinAPIVersion", "1.24"}}));
    EXPECT_EQ("1.43", negotiate_api_version(json{{"ApiVersion", "1.43"}}));  // no MinAPIVersion: not needed
}

TEST(NegotiateApiVersion, ANewerEngineIsSpokenToInTheNewestVersionTheClientKnows) {
    EXPECT_EQ(std::string(kNewestApiVersion), negotiate_api_version(json{{"ApiVersion", "1.51"}, {"MinAPIVersion", "1.24"}}));
    // Docker 29 accepts 1.44 and later only: still fine.
    EXPECT_EQ(std::string(kNewestApiVersion), negotiate_api_version(json{{"ApiVersion", "1.52"}, {"MinAPIVersion", "1.44"}}));
    EXPECT_EQ(std::string(kNewestApiVersion), negotiate_api_version(json{{"ApiVersion", "2.0"}}));
}

TEST(NegotiateApiVersion, MinorVersionsCompareAsNumbersNotText) {
    EXPECT_EQ("the engine speaks Engine API 1.9, older than 1.41, the oldest sandbox-harness supports: upgrade "
              "the engine to Docker 20.10 or later (ci/setup-host.sh installs one), or set DOCKER_HOST to a newer engine",
              refusal(json{{"ApiVersion", "1.9"}}));
    EXPECT_EQ(std::string(kNewestApiVersion), negotiate_api_version(json{{"ApiVersion", "1.100"}}));  // "1.100" < "1.47" as text
}

TEST(NegotiateApiVersion, AnEngineOlderThan141IsRefusedWithBothVersionsAndTheFix) {
    EXPECT_EQ("the engine speaks Engine API 1.40, older than 1.41, the oldest sandbox-harness supports: upgrade "
              "the engine to Docker 20.10 or later (ci/setup-host.sh installs one), or set DOCKER_HOST to a newer engine",
              refusal(json{{"ApiVersion", "1.40"}, {"MinAPIVersion", "1.12"}}));
}

TEST(NegotiateApiVersion, AnEngineThatNoLongerAcceptsTheNewestKnownVersionIsRefused) {
    EXPECT_EQ("the engine accepts Engine API 1.50 and later only, and sandbox-harness speaks 1.41 to 1.47: use an "
              "engine that still accepts 1.47, or teach the harness the newer API (kNewestApiVersion in "
              "harness/core/engine_parse.h)",
              refusal(json{{"ApiVersion", "1.60"}, {"MinAPIVersion", "1.50"}}));
}

TEST(NegotiateApiVersion, AMissingOrMalformedApiVersionIsAnError) {
    EXPECT_EQ("no ApiVersion in the answer (is a Docker engine listening there?)", refusal(json{{"Version", "24.0.7"}}));
    EXPECT_EQ("ApiVersion \"1.41.0\" is not MAJOR.MINOR", refusal(json{{"ApiVersion", "1.41.0"}}));
    EXPECT_EQ("ApiVersion \"v1.41\" is not MAJOR.MINOR", refusal(json{{"ApiVersion", "v1.41"}}));
    EXPECT_EQ("Engine API: GET /version is not a JSON object but array", refusal(json::array()));
}

}  // namespace
}  // namespace sh
