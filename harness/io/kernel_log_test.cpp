#include "io/kernel_log.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace sh {
namespace {

namespace fs = std::filesystem;

const std::string kId = "59b4a8e4c0c6a2f069a9c7b177bd588ec45204f68fb66872d8c980750e368f0a";

std::string kill_line(const std::string& id, int seq) {
    return "3," + std::to_string(seq) + ",15045413219,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=" +
           id + ",mems_allowed=0,oom_memcg=/docker/" + id + ",task_memcg=/docker/" + id +
           ",task=python3,pid=30357,uid=65534\n";
}

struct TempFile {
    fs::path path = fs::temp_directory_path() / ("kernel-log-test-" + std::to_string(::getpid()));
    ~TempFile() { fs::remove(path); }
    void append(const std::string& text) { std::ofstream(path, std::ios::app) << text; }
};

TEST(KernelLog, RecordMessagesAreTheTextAfterTheFirstSemicolon) {
    EXPECT_EQ("oom-kill:x", kmsg_message("6,1,2,-;oom-kill:x"));
    EXPECT_EQ("a;b", kmsg_message("6,1,2,c;a;b\n SUBSYSTEM=memory"));
    EXPECT_FALSE(kmsg_message(" SUBSYSTEM=memory"));  // a continuation line
    EXPECT_FALSE(kmsg_message("no header"));
    EXPECT_FALSE(kmsg_message(""));
}

TEST(KernelLog, FindsAKillWrittenAfterAnEarlierReadAndNothingElse) {
    TempFile f;
    f.append("6,1,100,-;Memory cgroup out of memory: Killed process 30357 (python3)\n SUBSYSTEM=memory\n");
    KernelLog log(f.path.string());
    EXPECT_FALSE(log.unavailable());
    EXPECT_FALSE(log.oom_kill_by_limit_of(kId));
    // Written in two pieces, as a reader may meet a line the writer has not finished.
    const std::string line = kill_line(kId, 2);
    f.append(line.substr(0, 40));
    EXPECT_FALSE(log.oom_kill_by_limit_of(kId));
    f.append(line.substr(40));
    const auto kill = log.oom_kill_by_limit_of(kId);
    ASSERT_TRUE(kill.has_value());
    EXPECT_EQ(30357, kill->pid);
    // Kept for later questions, and no other container's.
    EXPECT_TRUE(log.oom_kill_by_limit_of(kId));
    EXPECT_FALSE(log.oom_kill_by_limit_of(std::string(64, 'a')));
    EXPECT_EQ(0u, log.lost_records());
}

TEST(KernelLog, AnUnreadableLogSaysWhyAndFindsNothing) {
    KernelLog log("/nonexistent/kmsg");
    ASSERT_TRUE(log.unavailable().has_value());
    EXPECT_NE(std::string::npos, log.unavailable()->find("/nonexistent/kmsg")) << *log.unavailable();
    EXPECT_FALSE(log.oom_kill_by_limit_of(kId));
}

}  // namespace
}  // namespace sh
