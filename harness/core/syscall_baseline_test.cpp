#include "core/syscall_baseline.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace sh {
namespace {

using nlohmann::json;

const std::vector<std::string> kBase = {"chmod", "read", "write"};

SyscallBaselineCheck check() {
    SyscallBaselineCheck c;
    c.file = "attacks/kernel/syscall_baseline.json";
    c.runtime = "runc";
    c.baseline = SyscallBaseline{syscall_set_hash(kBase), kBase, "20.10.24+dfsg1", "6.18.44"};
    c.engine = "20.10.24+dfsg1";
    c.kernel = "6.18.44";
    return c;
}

/// A report whose hash says `hash` whatever its list holds.
json sweep_saying(std::string hash, std::vector<std::string> reached) {
    return {{"escaped", false}, {"detail", "d"}, {"reached_sha256_16", std::move(hash)}, {"reached", std::move(reached)}};
}

/// An honest report: its hash is its list's, as the probe computes it.
json sweep(std::vector<std::string> reached) {
    std::vector<std::string> set = reached;
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
    return sweep_saying(syscall_set_hash(set), std::move(reached));
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

// The positive control of the forged report below: an honest report of the baseline's own set.
TEST(SyscallBaseline, TheSameSetMatches) {
    Judgement j = contained_sweep(sweep({"chmod", "read", "write"}));
    apply_syscall_baseline(j, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("syscall sweep matches baseline attacks/kernel/syscall_baseline.json (runtime runc): the same 3 "
              "syscalls reach the kernel, hash f2196bbe5ebed366",
              j.reasons.back());
}

TEST(SyscallBaseline, AnotherSetOnTheRecordedEngineAndKernelFailsListingTheDifference) {
    Judgement j = contained_sweep(sweep({"bpf", "mount", "read", "write"}));
    apply_syscall_baseline(j, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Fail, j.verdict);
    EXPECT_FALSE(j.stopped_by);
    ASSERT_EQ(2u, j.reasons.size());
    EXPECT_EQ("syscall sweep regression against attacks/kernel/syscall_baseline.json (runtime runc) on the engine "
              "(20.10.24+dfsg1) and kernel (6.18.44) it was recorded with: the set of syscalls that reach the kernel "
              "changed, so the seccomp filter or the capability set did (hash 24e06c6730acb5f7, baseline f2196bbe5ebed366); "
              "newly reached "
              "(2): bpf, mount; no longer reached (1): chmod",
              j.reasons[0]);
}

TEST(SyscallBaseline, AFewerCallsAreARegressionToo) {
    Judgement j = contained_sweep(sweep({"read"}));
    apply_syscall_baseline(j, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Fail, j.verdict);
    EXPECT_NE(std::string::npos, j.reasons[0].find("no longer reached (2): chmod, write")) << j.reasons[0];
}

TEST(SyscallBaseline, AnEscapeStaysAnEscapeWithTheRegressionAdded) {
    Judgement j = contained_sweep(sweep({"mount", "read"}));
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
        Judgement j = contained_sweep(sweep({"bpf", "chmod", "read", "write"}));
        apply_syscall_baseline(j, kSyscallSweepId, c);
        EXPECT_EQ(Verdict::Contained, j.verdict);
        EXPECT_EQ(fmt::format("syscall sweep differs from attacks/kernel/syscall_baseline.json (hash e0e456fda169b764, "
                              "baseline f2196bbe5ebed366), which was recorded with engine 20.10.24+dfsg1 and kernel 6.18.44; this run has "
                              "engine {} and kernel {}, so the difference is not judged: regenerate the baseline from "
                              "this run's report if it is expected; newly reached (1): bpf",
                              engine, kernel),
                  j.reasons.back());
    }
}

// The issue's forged report: mount, bpf and kexec_load in the list, the baseline's hash beside it.
// The list is hashed here, so the report contradicts itself: error, not a match and not a fail.
TEST(SyscallBaseline, AReportWhoseHashIsNotItsListsIsAnErrorNamingBoth) {
    Judgement j = contained_sweep(sweep_saying(syscall_set_hash(kBase), {"bpf", "chmod", "kexec_load", "mount", "read",
                                                                         "write"}));
    j.report->raw["detail"] = "no dangerous syscall reached the kernel (3 reached, 0 EPERM, 0 ENOSYS, 0 skipped)";
    apply_syscall_baseline(j, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Error, j.verdict);
    EXPECT_FALSE(did_what_it_must(j.verdict));
    EXPECT_TRUE(makes_run_fail(j.verdict));
    EXPECT_FALSE(j.stopped_by);
    ASSERT_EQ(2u, j.reasons.size());
    EXPECT_EQ("syscall sweep report is forged or broken, so it is not judged: its reached_sha256_16 "
              "'f2196bbe5ebed366' is not the hash of its own reached list (6 syscalls), which is "
              + syscall_set_hash({"bpf", "chmod", "kexec_load", "mount", "read", "write"}) +
              "; the list against attacks/kernel/syscall_baseline.json; newly reached (3): bpf, kexec_load, mount",
              j.reasons[0]);
    for (const std::string& reason : j.reasons) EXPECT_EQ(std::string::npos, reason.find("matches")) << reason;
}

// The same on another engine or kernel (where a changed set is only a note) and with no baseline
// at all: the report is checked against itself before any baseline.
TEST(SyscallBaseline, AForgedReportIsAnErrorWhateverTheBaseline) {
    SyscallBaselineCheck stale = check();
    stale.kernel = "6.19.1";
    SyscallBaselineCheck missing = check();
    missing.baseline.reset();
    for (const SyscallBaselineCheck& c : {stale, missing}) {
        Judgement j = contained_sweep(sweep_saying(syscall_set_hash(kBase), {"bpf", "chmod", "read", "write"}));
        apply_syscall_baseline(j, kSyscallSweepId, c);
        EXPECT_EQ(Verdict::Error, j.verdict);
        EXPECT_EQ(0u, j.reasons[0].find("syscall sweep report is forged or broken")) << j.reasons[0];
    }
}

TEST(SyscallBaseline, AReportWithOnlyOneOfListAndHashIsAnError) {
    json hash_only = sweep(kBase);
    hash_only.erase("reached");
    json list_only = sweep(kBase);
    list_only.erase("reached_sha256_16");
    json not_names = sweep_saying(syscall_set_hash(kBase), {});
    not_names["reached"] = json::array({"chmod", 1});
    json hash_not_string = sweep(kBase);
    hash_not_string["reached_sha256_16"] = 7;
    for (const auto& [report, why] : {std::pair{hash_only, "it has a reached_sha256_16 but no reached list to check it "
                                                           "against"},
                                      std::pair{list_only, "it has a reached list but no reached_sha256_16"},
                                      std::pair{not_names, "its reached is not a list of syscall names"},
                                      std::pair{hash_not_string, "its reached_sha256_16 is not a string"}}) {
        Judgement j = contained_sweep(report);
        apply_syscall_baseline(j, kSyscallSweepId, check());
        EXPECT_EQ(Verdict::Error, j.verdict) << why;
        EXPECT_EQ(std::string("syscall sweep report is forged or broken, so it is not judged: ") + why, j.reasons[0]);
    }
}

// A count the report gives is not read: the match names the list's own size.
TEST(SyscallBaseline, TheCountIsTheListsOwn) {
    json report = sweep({"write", "read", "chmod", "read"});
    report["reached_count"] = 269;
    Judgement j = contained_sweep(report);
    apply_syscall_baseline(j, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_NE(std::string::npos, j.reasons.back().find("the same 3 syscalls")) << j.reasons.back();
}

TEST(SyscallBaseline, AForgedReportStaysAnEscapeWhenItIsOne) {
    Judgement j = contained_sweep(sweep_saying("0000000000000000", {"mount"}));
    j.verdict = Verdict::Escaped;
    apply_syscall_baseline(j, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Escaped, j.verdict);
    EXPECT_EQ(0u, j.reasons.back().find("syscall sweep report is forged or broken")) << j.reasons.back();
}

// The hash as the probe computes it (attacks/kernel/syscall_sweep.py), checked against Python's.
TEST(SyscallBaseline, TheSetHashIsTheProbes) {
    EXPECT_EQ("f2196bbe5ebed366", syscall_set_hash({"chmod", "read", "write"}));
    EXPECT_EQ("3316348dbadfb7b1", syscall_set_hash({"read"}));
}

TEST(SyscallBaseline, AMissingBaselineNamesTheFileToCreate) {
    SyscallBaselineCheck c = check();
    c.runtime = "runsc-kvm";
    c.file = "attacks/kernel/syscall_baseline.runsc-kvm.json";
    c.baseline.reset();
    Judgement j = contained_sweep(sweep({"read"}));
    apply_syscall_baseline(j, kSyscallSweepId, c);
    EXPECT_EQ(Verdict::Contained, j.verdict);
    EXPECT_EQ("syscall sweep: no baseline for runtime runsc-kvm: create attacks/kernel/syscall_baseline.runsc-kvm.json "
              "from this run's report (its reached and reached_sha256_16, with recorded_with naming the engine and "
              "kernel)",
              j.reasons.back());
}

TEST(SyscallBaseline, OtherCasesAndReportlessSweepsAreLeftAlone) {
    Judgement other = contained_sweep(sweep({"read"}));
    apply_syscall_baseline(other, "kernel.io-uring", check());
    EXPECT_EQ(1u, other.reasons.size());
    Judgement none;
    none.reasons = {"no report"};
    apply_syscall_baseline(none, kSyscallSweepId, check());
    EXPECT_EQ(std::vector<std::string>{"no report"}, none.reasons);
    Judgement no_hash = contained_sweep(json{{"escaped", false}, {"detail", "not x86_64"}});
    apply_syscall_baseline(no_hash, kSyscallSweepId, check());
    EXPECT_EQ(Verdict::Contained, no_hash.verdict);
    EXPECT_EQ("syscall sweep not compared with attacks/kernel/syscall_baseline.json: the report has neither "
              "reached nor reached_sha256_16",
              no_hash.reasons.back());
}

TEST(SyscallBaseline, ParsesAndSaysWhatIsMissing) {
    std::string error;
    const auto b = parse_syscall_baseline(
        R"({"reached_sha256_16": "1db268bf1ff3f15c", "reached": ["write", "read"],
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

// A baseline whose list was edited without its hash (here: bpf added) does not load.
TEST(SyscallBaseline, ABaselineWhoseHashIsNotItsListsDoesNotLoad) {
    std::string error;
    EXPECT_FALSE(parse_syscall_baseline(
        R"({"reached_sha256_16": "1db268bf1ff3f15c", "reached": ["write", "read", "bpf"],
            "recorded_with": {"docker_engine": "20.10.24+dfsg1", "kernel": "6.18.44"}})",
        error));
    EXPECT_EQ("its reached_sha256_16 '1db268bf1ff3f15c' is not the hash of its own reached list (3 syscalls), which is "
              + syscall_set_hash({"bpf", "read", "write"}) + ": the list or the hash was edited without the other",
              error);
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
        EXPECT_EQ(syscall_set_hash(b->reached), b->hash) << name;
        EXPECT_FALSE(b->reached.empty()) << name;
    }
}

}  // namespace
}  // namespace sh
