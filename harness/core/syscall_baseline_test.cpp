#include "core/syscall_baseline.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace sh {
namespace {

using nlohmann::json;

SyscallBaselineCheck check() {
    SyscallBaselineCheck c;
    c.file = "attacks/kernel/syscall_baseline.json";
    c.runtime = "runc";
    c.baseline = SyscallBaseline{"aaaa", {"chmod", "read", "write"}, "20.10.24+dfsg1", "6.18.44"};
    c.engine = "20.10.24+dfsg1";
    c.kernel = "6.18.44";
    return c;
}

json sweep(std::string hash, std::vector<std::string> reached) {
    return {{"escaped", false}, {"detail", "d"}, {"reached_sha256_16", std::move(hash)}, {"reached", std::move(reached)}};
}

Judgement contained_sweep(json report) {
    Judgement j;
    j.verdict = Verdict::Contained;
    j.stopped_by = "isolation";
    j.reasons = {"the probe reports no escape: d"};
    j.report = ProbeReport{false, "d", std::move(report)};
    return j;
}

TEST(SyscallBaselineFile, RuncHasThePlainNameEveryOtherRuntimeItsOwn) {
    EXPECT_EQ("syscall_baseline.json", syscall_baseline_file_name("runc"));
    EXPECT_EQ("syscall_baseline.json", syscall_baseline_file_name(""));
    EXPECT_EQ("syscall_baseline.runsc.json", syscall_baseline_file_name("runsc"));
}

TEST(SyscallBaseline, TheSameHashMatches) {
    Judgement j = contained_sweep(sweep("aaaa", {"chmod", "read", "write"}));
    apply_syscall_baseline(j, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("syscall sweep matches baseline attacks/kernel/syscall_baseline.json (runtime runc): the same 3 "
              "syscalls reach the kernel, hash aaaa",
              j.reasons.back());
}

TEST(SyscallBaseline, AnotherSetOnTheRecordedEngineAndKernelFailsListingTheDifference) {
    Judgement j = contained_sweep(sweep("bbbb", {"bpf", "mount", "read", "write"}));
    apply_syscall_baseline(j, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Fail, j.verdict);
    EXPECT_FALSE(j.stopped_by);
    ASSERT_EQ(2u, j.reasons.size());
    EXPECT_EQ("syscall sweep regression against attacks/kernel/syscall_baseline.json (runtime runc) on the engine "
              "(20.10.24+dfsg1) and kernel (6.18.44) it was recorded with: the set of syscalls that reach the kernel "
              "changed, so the seccomp filter or the capability set did (hash 'bbbb', baseline aaaa); newly reached "
              "(2): bpf, mount; no longer reached (1): chmod",
              j.reasons[0]);
}

TEST(SyscallBaseline, AFewerCallsAreARegressionToo) {
    Judgement j = contained_sweep(sweep("cccc", {"read"}));
    apply_syscall_baseline(j, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Fail, j.verdict);
    EXPECT_NE(std::string::npos, j.reasons[0].find("no longer reached (2): chmod, write")) << j.reasons[0];
}

TEST(SyscallBaseline, AnEscapeStaysAnEscapeWithTheRegressionAdded) {
    Judgement j = contained_sweep(sweep("bbbb", {"mount", "read"}));
    j.verdict = Verdict::Escaped;
    apply_syscall_baseline(j, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Escaped, j.verdict);
    EXPECT_NE(std::string::npos, j.reasons.back().find("regression")) << j.reasons.back();
}

TEST(SyscallBaseline, AnotherEngineOrKernelOnlyAsksForANewBaseline) {
    for (auto [engine, kernel] : {std::pair{"24.0.7", "6.18.44"}, std::pair{"20.10.24+dfsg1", "6.19.1"}}) {
        SyscallBaselineCheck c = check();
        c.engine = engine;
        c.kernel = kernel;
        Judgement j = contained_sweep(sweep("bbbb", {"bpf", "chmod", "read", "write"}));
        apply_syscall_baseline(j, kSyscallSweepId, c);
        EXPECT_EQ(Verdict::Contained, j.verdict);
        EXPECT_EQ(fmt::format("syscall sweep differs from attacks/kernel/syscall_baseline.json (hash 'bbbb', baseline "
                              "aaaa), which was recorded with engine 20.10.24+dfsg1 and kernel 6.18.44; this run has "
                              "engine {} and kernel {}, so the difference is not judged: regenerate the baseline from "
                              "this run's report if it is expected; newly reached (1): bpf",
                              engine, kernel),
                  j.reasons.back());
    }
}

TEST(SyscallBaseline, AMissingBaselineNamesTheFileToCreate) {
    SyscallBaselineCheck c = check();
    c.runtime = "runsc-kvm";
    c.file = "attacks/kernel/syscall_baseline.runsc-kvm.json";
    c.baseline.reset();
    Judgement j = contained_sweep(sweep("bbbb", {"read"}));
    apply_syscall_baseline(j, kSyscallSweepId, c);
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("syscall sweep: no baseline for runtime runsc-kvm: create attacks/kernel/syscall_baseline.runsc-kvm.json "
              "from this run's report (its reached and reached_sha256_16, with recorded_with naming the engine and "
              "kernel)",
              j.reasons.back());
}

TEST(SyscallBaseline, OtherCasesAndReportlessSweepsAreLeftAlone) {
    Judgement other = contained_sweep(sweep("bbbb", {"read"}));
    apply_syscall_baseline(other, "kernel.io-uring", check());
    EXPECT_EQ(1u, other.reasons.size());
    Judgement none;
    none.reasons = {"no report"};
    apply_syscall_baseline(none, kSyscallSweepId, check());
    EXPECT_EQ(std::vector<std::string>{"no report"}, none.reasons);
    Judgement no_hash = contained_sweep(json{{"escaped", false}, {"detail", "not x86_64"}});
    apply_syscall_baseline(no_hash, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Contained, no_hash.verdict);
    EXPECT_EQ("syscall sweep not compared with attacks/kernel/syscall_baseline.json: the report has no "
              "reached_sha256_16",
              no_hash.reasons.back());
}

TEST(SyscallBaseline, ParsesAndSaysWhatIsMissing) {
    std::string error;
    const auto b = parse_syscall_baseline(
        R"({"reached_sha256_16": "aaaa", "reached": ["write", "read"],
            "recorded_with": {"docker_engine": "20.10.24+dfsg1", "kernel": "6.18.44", "runtime": "runc"}})",
        error);
    ASSERT_TRUE(b) << error;
    EXPECT_EQ((std::vector<std::string>{"read", "write"}), b->reached);
    EXPECT_EQ("20.10.24+dfsg1", b->engine);
    EXPECT_FALSE(parse_syscall_baseline("{", error));
    EXPECT_EQ(0u, error.find("not JSON: ")) << error;
    EXPECT_FALSE(parse_syscall_baseline(R"({"reached_sha256_16": "a", "reached": []})", error));
    EXPECT_EQ("no string \"recorded_with\".\"docker_engine\"", error);
    EXPECT_FALSE(parse_syscall_baseline(R"({"reached_sha256_16": "a", "reached": [1]})", error));
    EXPECT_EQ("no \"reached\" list of syscall names", error);
}

TEST(SyscallBaseline, TheCheckedInBaselinesParse) {
    for (const char* name : {"syscall_baseline.json", "syscall_baseline.runsc.json"}) {
        std::ifstream in(std::string(SH_SOURCE_DIR) + "/attacks/kernel/" + name);
        std::stringstream text;
        text << in.rdbuf();
        std::string error;
        const auto b = parse_syscall_baseline(text.str(), error);
        ASSERT_TRUE(b) << name << ": " << error;
        EXPECT_EQ(16u, b->hash.size()) << name;
        EXPECT_FALSE(b->reached.empty()) << name;
    }
}

}  // namespace
}  // namespace sh
