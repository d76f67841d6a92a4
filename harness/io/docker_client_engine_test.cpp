// The Docker client against the real engine (testing/engine_fixture.h: without an engine these
// tests skip, and under CI=true a skip is a failure).
#include "io/docker_client.h"

#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "testing/engine_fixture.h"

namespace sh {
namespace {

using namespace fixture;
using namespace std::chrono_literals;
using nlohmann::json;

TEST(DockerClientEngine, VersionReportsApiAndCgroupVersion) {
    SH_REQUIRE(engine_missing());
    auto v = DockerClient().version();
    EXPECT_FALSE(v.version.empty());
    EXPECT_FALSE(v.api_version.empty());
    EXPECT_TRUE(v.cgroup_version == "1" || v.cgroup_version == "2") << v.cgroup_version;
    EXPECT_FALSE(v.docker_root_dir.empty());
}

TEST(DockerClientEngine, SpeaksTheEnginesApiVersionCappedAtTheNewestKnown) {
    SH_REQUIRE(engine_missing());
    DockerClient client;
    const auto v = client.version();
    const std::string spoken = client.api_version();
    EXPECT_EQ(negotiate_api_version(json{{"ApiVersion", v.api_version}}), spoken) << "engine " << v.api_version;
    EXPECT_TRUE(spoken == v.api_version || spoken == kNewestApiVersion) << spoken << " / engine " << v.api_version;
    // A call in that version reaches the engine (the negotiated prefix is one it accepts).
    const auto r = client.request("GET", "/_ping");
    EXPECT_EQ(200, r.status) << r.body;
    EXPECT_EQ("/v" + spoken + "/_ping", r.target);
}

TEST(DockerClientEngine, ACreateOfAMissingImageFailsWithTheEnginesMessage) {
    SH_REQUIRE(engine_missing());
    try {
        DockerClient().create_container({{"Image", "sandbox-harness-no-such-image:latest"}}, "");
        FAIL() << "no exception";
    } catch (const DockerError& e) {
        EXPECT_EQ(404, e.http_status);
        EXPECT_NE(std::string::npos,
                  std::string(e.what()).find(": HTTP 404: No such image: sandbox-harness-no-such-image:latest"))
            << e.what();
    }
}

TEST(DockerClientEngine, LifecycleIsVisibleThroughInspectListWaitAndTheEventStream) {
    SH_REQUIRE(engine_missing());
    std::string image;
    SH_REQUIRE(find_image(image));
    const std::string run = unique_run_id();
    const std::string label = "sandbox-harness.run=" + run;

    std::mutex m;
    std::vector<EngineEvent> events;
    DockerClient client;
    auto stream = client.watch_events(json{{"label", {label}}}, [&](const EngineEvent& e) {
        std::lock_guard lock(m);
        events.push_back(e);
    });
    ASSERT_TRUE(stream->wait_ready(5s)) << stream->error().value_or("timeout");

    const json body = {
        {"Image", image},
        {"Cmd", {"/bin/sh", "-c", "sleep 1; exit 3"}},
        {"Labels", {{"sandbox-harness.test", "1"}, {"sandbox-harness.run", run}}},
        {"HostConfig", {{"NetworkMode", "none"}, {"ReadonlyRootfs", true}, {"CapDrop", {"ALL"}},
                        {"LogConfig", {{"Type", "none"}, {"Config", json::object()}}}}}};
    ContainerGuard guard{client.create_container(body, run)};
    client.start_container(guard.id);

    auto inspect = client.inspect_container(guard.id);
    ASSERT_TRUE(inspect.has_value());
    EXPECT_EQ("/" + run, (*inspect)["Name"]);
    EXPECT_EQ("none", (*inspect)["HostConfig"]["NetworkMode"]);
    EXPECT_EQ(true, (*inspect)["HostConfig"]["ReadonlyRootfs"]);

    auto listed = client.list_containers(label);
    ASSERT_EQ(1u, listed.size());
    EXPECT_EQ(guard.id, listed[0].id);
    EXPECT_EQ(run, listed[0].labels.at("sandbox-harness.run"));

    EXPECT_EQ(3, client.wait_container(guard.id));
    client.remove_container(guard.id);
    EXPECT_FALSE(client.inspect_container(guard.id).has_value());
    EXPECT_NO_THROW(client.remove_container(guard.id));  // a second removal is not an error
    EXPECT_TRUE(client.list_containers(label).empty());

    std::vector<std::string> actions;
    for (int i = 0; i < 500; ++i) {
        {
            std::lock_guard lock(m);
            if (!events.empty() && events.back().action == "destroy") break;
        }
        std::this_thread::sleep_for(10ms);
    }
    stream->stop();
    EXPECT_FALSE(stream->error().has_value()) << *stream->error();
    std::string exit_code;
    for (const auto& e : events) {
        EXPECT_EQ(guard.id, e.id);
        EXPECT_EQ(run, e.name);
        actions.push_back(e.action);
        if (e.action == "die") exit_code = e.attributes.at("exitCode");
    }
    EXPECT_EQ((std::vector<std::string>{"create", "start", "die", "destroy"}), actions);
    EXPECT_EQ("3", exit_code);
}

}  // namespace
}  // namespace sh
