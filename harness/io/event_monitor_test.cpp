#include "io/event_monitor.h"

#include <thread>

#include <gtest/gtest.h>

#include "testing/fake_docker.h"

namespace sh {
namespace {

using namespace std::chrono_literals;

FakeDocker::Launch container(const std::string& name, int exit_code = 0) {
    FakeDocker::Launch l;
    l.name = name;
    l.labels = {{"sandbox-harness.run", "r1"}};
    l.exit_code = exit_code;
    return l;
}

TEST(EventMonitor, KeepsEachContainersTimelineAndTheEngineActionsOnIt) {
    FakeDocker docker;
    EventMonitor events(docker, "r1");
    docker.create(container("c1"));
    docker.emit("c1", "start");
    docker.emit("c1", "kill", {{"signal", "9"}});
    docker.emit("c1", "die", {{"exitCode", "137"}});
    docker.emit("c1", "destroy");
    const ContainerTimeline t = events.wait_destroyed("c1", 1s);
    EXPECT_TRUE(t.t_create && t.t_start && t.t_die && t.t_destroy);
    EXPECT_EQ(137, t.exit_code.value_or(-1));
    EXPECT_EQ(std::vector<std::string>{"kill (signal 9)"}, t.control_actions);
    EXPECT_FALSE(events.outage_since(std::chrono::steady_clock::now() - 1h));
}

TEST(EventMonitor, ReopensTheStreamWhenTheEngineComesBackAndNamesTheGap) {
    FakeDocker docker;
    EventMonitor events(docker, "r1");
    const auto before = std::chrono::steady_clock::now();
    docker.down = "engine restarting";
    docker.break_watches("the engine closed the stream");
    // A case that ran during the gap learns of it...
    for (int i = 0; i < 100 && !events.outage_since(before); ++i) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(events.outage_since(before));
    EXPECT_NE(std::string::npos, events.outage_since(before)->find("the engine closed the stream"));
    docker.down.reset();
    // ...and once the stream is back, later cases are judged normally with their events.
    std::optional<std::string> away;
    auto after = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i) {
        after = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(20ms);
        if (!(away = events.outage_since(after))) break;
    }
    EXPECT_FALSE(away) << *away;
    docker.launch(container("c2", 3));
    const ContainerTimeline t = events.wait_destroyed("c2", 1s);
    EXPECT_EQ(3, t.exit_code.value_or(-1));
    EXPECT_TRUE(events.outage_since(before));  // the gap stays on record for cases that spanned it
}

}  // namespace
}  // namespace sh
