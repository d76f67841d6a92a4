#include "core/kernel_oom.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

const std::string kId = "59b4a8e4c0c6a2f069a9c7b177bd588ec45204f68fb66872d8c980750e368f0a";
const std::string kOther = "8acf596ab6ed10e67eb2747f2eae07c77a8eb3a706e509d16f9fe8feabf1607d";

/// A record as this host's kernel (6.x) writes it, for a container under `memcg`.
std::string record(const std::string& memcg, const std::string& task = "python3",
                   const std::string& constraint = "CONSTRAINT_MEMCG") {
    return "oom-kill:constraint=" + constraint + ",nodemask=(null),cpuset=" + kId + ",mems_allowed=0,oom_memcg=" +
           memcg + ",task_memcg=" + memcg + ",task=" + task + ",pid=30357,uid=65534";
}

TEST(KernelOom, ParsesTheKernelsRecord) {
    const auto kill = parse_oom_kill(record("/docker/" + kId));
    ASSERT_TRUE(kill.has_value());
    EXPECT_EQ("CONSTRAINT_MEMCG", kill->constraint);
    EXPECT_EQ("/docker/" + kId, kill->oom_memcg);
    EXPECT_EQ("/docker/" + kId, kill->task_memcg);
    EXPECT_EQ("python3", kill->task);
    EXPECT_EQ(30357, kill->pid);
}

TEST(KernelOom, OtherMessagesAndTruncatedRecordsAreNotKills) {
    EXPECT_FALSE(parse_oom_kill("Memory cgroup out of memory: Killed process 30357 (python3)"));
    EXPECT_FALSE(parse_oom_kill("python3[1]: segfault at 0 ip 0 oom-kill:constraint=CONSTRAINT_MEMCG"));
    EXPECT_FALSE(parse_oom_kill("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null)"));  // split by pr_cont
    EXPECT_FALSE(parse_oom_kill("oom-kill:oom_memcg=/docker/" + kId + ",task_memcg=/docker/" + kId + ",pid=x"));
    EXPECT_FALSE(parse_oom_kill(""));
}

TEST(KernelOom, TheContainersCgroupIsItsFullIdUnderAnyParentOrASystemdScope) {
    EXPECT_TRUE(memcg_is_container("/docker/" + kId, kId));
    EXPECT_TRUE(memcg_is_container("/sandbox-harness/run-1/case-2/" + kId, kId));
    EXPECT_TRUE(memcg_is_container("/system.slice/docker-" + kId + ".scope", kId));
    EXPECT_FALSE(memcg_is_container("/docker/" + kOther, kId));
    EXPECT_FALSE(memcg_is_container("/docker/" + kId.substr(0, 12), kId));      // a prefix is not the id
    EXPECT_FALSE(memcg_is_container("/docker/" + kId.substr(0, 12), kId.substr(0, 12)));
    EXPECT_FALSE(memcg_is_container("/docker/" + kId + "/child", kId));       // a cgroup below it
    EXPECT_FALSE(memcg_is_container("/docker", kId));
    EXPECT_FALSE(memcg_is_container(kId, kId));  // not a path
}

TEST(KernelOom, OnlyAKillByTheContainersOwnLimitCounts) {
    std::vector<KernelOomKill> kills;
    EXPECT_FALSE(oom_kill_by_limit_of(kills, kId));
    // The host ran out of memory (no cgroup limit): someone else's kill, not the sandbox's.
    kills.push_back(*parse_oom_kill(record("/docker/" + kId, "python3", "CONSTRAINT_NONE")));
    // Another container's kill.
    kills.push_back(*parse_oom_kill(record("/docker/" + kOther)));
    EXPECT_FALSE(oom_kill_by_limit_of(kills, kId));
    kills.push_back(*parse_oom_kill(record("/docker/" + kId)));
    ASSERT_TRUE(oom_kill_by_limit_of(kills, kId));
    EXPECT_EQ("/docker/" + kId, oom_kill_by_limit_of(kills, kId)->oom_memcg);
    EXPECT_TRUE(oom_kill_by_limit_of(kills, kOther));
}

TEST(KernelOom, TheTasksOwnNameCannotReplaceTheCgroups) {
    // A task named ",oom_memcg=/x" (its 15 bytes) comes after the real fields: the first of each counts.
    const auto kill = parse_oom_kill(record("/docker/" + kId, ",oom_memcg=/x,task_memcg=/x"));
    ASSERT_TRUE(kill.has_value());
    EXPECT_EQ("/docker/" + kId, kill->oom_memcg);
    EXPECT_EQ("/docker/" + kId, kill->task_memcg);
    // And a record without real cgroup fields cannot be made one by a name.
    EXPECT_FALSE(parse_oom_kill("oom-kill:constraint=CONSTRAINT_MEMCG,task=a,pid=1"));
}

TEST(KernelOom, TheKillLineNamesThePidEvenWhenTheSummaryWasDropped) {
    EXPECT_EQ(12486, parse_memcg_killed_pid("Memory cgroup out of memory: Killed process 12486 (python3) total-vm:79328kB, "
                                            "anon-rss:64600kB, file-rss:2376kB, shmem-rss:0kB, UID:65534"));
    EXPECT_FALSE(parse_memcg_killed_pid("Out of memory: Killed process 12486 (python3) total-vm:1kB"))
        << "the host's own shortage is no cgroup's limit";
    EXPECT_FALSE(parse_memcg_killed_pid("Memory cgroup out of memory: Killed process x (python3)"));
    EXPECT_FALSE(parse_memcg_killed_pid("Memory cgroup out of memory: Killed process 12486"));
    EXPECT_EQ(3, parse_oom_suppressed("oom_kill_process: 3 callbacks suppressed"));
    EXPECT_FALSE(parse_oom_suppressed("printk: 3 callbacks suppressed"));
}

TEST(KernelOom, OnlyAKillOfTheScriptsOwnProcessOrItsInitIsTheScripts) {
    const ScriptProcess runc{100, 101, false};
    EXPECT_TRUE(oom_killed_script({101}, runc));
    EXPECT_TRUE(oom_killed_script({102, 100}, runc)) << "the init's kill ends every process";
    EXPECT_FALSE(oom_killed_script({102}, runc)) << "a child the script forked";
    EXPECT_FALSE(oom_killed_script({}, runc));
    EXPECT_FALSE(oom_killed_script({101}, ScriptProcess{})) << "nothing of the script was seen";
    EXPECT_TRUE(oom_killed_script({555}, ScriptProcess{100, std::nullopt, true})) << "runsc dies whole";
    EXPECT_FALSE(oom_killed_script({}, ScriptProcess{100, std::nullopt, true}));
    EXPECT_TRUE(runtime_dies_whole("runsc"));
    EXPECT_FALSE(runtime_dies_whole("runc"));
}

}  // namespace
}  // namespace sh
