#include "io/processes.h"

#include <fstream>

#include <gtest/gtest.h>

namespace sh {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

TEST(Processes, FindsLiveProcessesByAnyPartOfTheirCommandLine) {
    const fs::path proc = fs::temp_directory_path() / ("processes-test-" + std::to_string(::getpid()));
    using namespace std::string_literals;
    write(proc / "12/cmdline", "/bin/bash\0/tmp/x/sandbox/run_secure_python.sh\0/tmp/x/a.py\0"s);
    write(proc / "12/stat", "12 (bash) S 1 12 12 0");
    write(proc / "13/cmdline", "/bin/bash\0/tmp/x/sandbox/run_secure_python.sh\0"s);
    write(proc / "13/stat", "13 (run (x) y) Z 1 13 13 0");  // a zombie, with ')' in its name
    write(proc / "14/cmdline", "sleep\0" "100\0"s);
    write(proc / "14/stat", "14 (sleep) S 1 14 14 0");
    write(proc / "self/cmdline", "/tmp/x/sandbox/run_secure_python.sh");  // not a pid
    EXPECT_EQ(std::vector<pid_t>{12}, find_processes("/tmp/x/sandbox/run_secure_python.sh /tmp/x/a.py", proc));
    EXPECT_EQ(std::vector<pid_t>{12}, find_processes("run_secure_python.sh", proc));
    EXPECT_EQ(std::vector<pid_t>{14}, find_processes("sleep 100", proc));
    EXPECT_TRUE(find_processes("nothing like it", proc).empty());
    EXPECT_FALSE(process_alive(13, proc));
    EXPECT_FALSE(process_alive(99, proc));
    fs::remove_all(proc);
}

TEST(Processes, ThisProcessIsNeverFound) {
    for (const pid_t pid : find_processes("unit_tests")) EXPECT_NE(::getpid(), pid);
    EXPECT_TRUE(process_alive(::getpid()));
}

}  // namespace
}  // namespace sh
