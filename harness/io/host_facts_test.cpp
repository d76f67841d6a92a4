#include "io/host_facts.h"

#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace sh {
namespace {
namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

class HostFactsTest : public ::testing::Test {
protected:
    void SetUp() override {
        root = fs::temp_directory_path() / ("host-facts-" + std::to_string(::getpid()));
        fs::remove_all(root);
    }
    void TearDown() override { fs::remove_all(root); }
    fs::path root;
};

TEST_F(HostFactsTest, ReadsEveryFactFromProc) {
    write(root / "sys/kernel/osrelease", "6.18.44-fc-v669\n");
    write(root / "sys/kernel/random/boot_id", "264117db-8ea4-48f3-ad87-7483f40952a7\n");
    write(root / "sys/kernel/hostname", "vm\n");
    write(root / "meminfo", "MemTotal:       24684084 kB\nMemFree:         1000 kB\n");
    write(root / "cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\n\n"
                            "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) Processor\n");
    const HostFacts h = read_host_facts(root);
    EXPECT_EQ("6.18.44-fc-v669", h.kernel_release.value_or("?"));
    EXPECT_EQ("264117db-8ea4-48f3-ad87-7483f40952a7", h.boot_id.value_or("?"));
    EXPECT_EQ("vm", h.hostname.value_or("?"));
    EXPECT_EQ(24684084, h.mem_total_kib.value_or(-1));
    EXPECT_EQ("Intel(R) Xeon(R) Processor", h.cpu_model.value_or("?"));
}

TEST_F(HostFactsTest, WhatCannotBeReadStaysUnset) {
    write(root / "meminfo", "MemTotal: lots\n");
    write(root / "cpuinfo", "processor\t: 0\n");  // no model name (some arm64 kernels)
    const HostFacts h = read_host_facts(root);
    EXPECT_FALSE(h.kernel_release || h.boot_id || h.hostname || h.mem_total_kib || h.cpu_model);
}

TEST(HostFacts, TheRealHostHasAKernelReleaseAndMemory) {
    const HostFacts h = read_host_facts();
    EXPECT_TRUE(h.kernel_release.has_value());
    EXPECT_GT(h.mem_total_kib.value_or(0), 0);
}

TEST(ProcField, MatchesTheWholeTrimmedKey) {
    EXPECT_EQ("b", proc_field("model: a\nmodel name\t: b\n", "model name").value_or("?"));
    EXPECT_FALSE(proc_field("model names: b\n", "model name"));
}

}  // namespace
}  // namespace sh
