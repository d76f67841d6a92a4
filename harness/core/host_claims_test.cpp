#include "core/host_claims.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

using nlohmann::json;

HostFacts host() {
    HostFacts h;
    h.kernel_release = "6.18.44-fc-v669";
    h.mem_total_kib = 24684084;
    h.cpu_model = "Intel(R) Xeon(R) Processor";
    h.boot_id = "264117db-8ea4-48f3-ad87-7483f40952a7";
    h.hostname = "vm";
    return h;
}

json report(bool escaped, json claims) {
    return {{"escaped", escaped}, {"detail", "d"}, {"host_claims", std::move(claims)}};
}

json claim(json seen, bool is_host) { return {{"seen", std::move(seen)}, {"is_host", is_host}}; }

TEST(HostClaims, ARuntimeValueThatIsTheHostsIsAnEscapeNamingTheFactAndValue) {
    const auto c = check_host_claims(report(false, {{"kernel_release", claim("6.18.44-fc-v669", false)}}), host());
    EXPECT_EQ(ClaimOutcome::Escaped, c.outcome);
    EXPECT_EQ("the host's own kernel_release '6.18.44-fc-v669' seen inside the sandbox, where the probe took it for "
              "the runtime's own (is_host false)",
              c.reason);
}

TEST(HostClaims, MemTotalComparesExactlyAsAWholeNumber) {
    // Under gVisor MemTotal is the container's limit: not the host's, whatever its size.
    EXPECT_EQ(ClaimOutcome::Unchanged,
              check_host_claims(report(false, {{"mem_total_kib", claim(262144, false)}}), host()).outcome);
    EXPECT_EQ(ClaimOutcome::Unchanged,
              check_host_claims(report(false, {{"mem_total_kib", claim(24684083, false)}}), host()).outcome);
    EXPECT_EQ(ClaimOutcome::Escaped,
              check_host_claims(report(false, {{"mem_total_kib", claim(24684084, false)}}), host()).outcome);
    // A fraction is not a whole number of KiB: it cannot be checked.
    const auto odd = check_host_claims(report(false, {{"mem_total_kib", claim(24684084.0, false)}}), host());
    EXPECT_EQ(ClaimOutcome::Unchanged, odd.outcome);
    ASSERT_EQ(1u, odd.notes.size());
    EXPECT_EQ("host claims not checked: mem_total_kib (seen is neither text nor a whole number)", odd.notes[0]);
}

TEST(HostClaims, AnEscapeRestingOnlyOnContradictedClaimsIsAnError) {
    const auto c = check_host_claims(report(true, {{"kernel_release", claim("5.10.0-made-up", true)},
                                                   {"boot_id", claim("00000000-0000-0000-0000-000000000000", true)}}),
                                     host());
    EXPECT_EQ(ClaimOutcome::Error, c.outcome);
    EXPECT_NE(std::string::npos, c.reason.find("contradict")) << c.reason;
    ASSERT_EQ(2u, c.notes.size());
    EXPECT_EQ("host claim contradicted: boot_id: the probe took '00000000-0000-0000-0000-000000000000' for the "
              "host's, the host has '264117db-8ea4-48f3-ad87-7483f40952a7'",
              c.notes[0]);
}

TEST(HostClaims, AnEscapeWithOneConfirmedHostClaimStands) {
    const auto c = check_host_claims(report(true, {{"kernel_release", claim("6.18.44-fc-v669", true)},
                                                   {"mem_total_kib", claim(1, true)}}),
                                     host());
    EXPECT_EQ(ClaimOutcome::Unchanged, c.outcome);
    ASSERT_EQ(2u, c.notes.size());
    EXPECT_EQ("host claims checked against the host: kernel_release is the host's", c.notes[0]);
    EXPECT_EQ("host claim contradicted: mem_total_kib: the probe took '1' for the host's, the host has '24684084'",
              c.notes[1]);
}

TEST(HostClaims, AnEscapeThatMayRestOnAnUncheckedClaimStands) {
    HostFacts h = host();
    h.boot_id.reset();
    const auto c = check_host_claims(
        report(true, {{"kernel_release", claim("4.4.0", true)}, {"boot_id", claim("x", true)}}), h);
    EXPECT_EQ(ClaimOutcome::Unchanged, c.outcome);
    EXPECT_EQ("host claims not checked: boot_id (the host's value is unknown)", c.notes.back());
}

TEST(HostClaims, AnEscapeMakingNoHostClaimIsNotTheChecksBusiness) {
    const auto c = check_host_claims(report(true, {{"kernel_release", claim("4.4.0", false)}}), host());
    EXPECT_EQ(ClaimOutcome::Unchanged, c.outcome);
    EXPECT_EQ(std::vector<std::string>{"host claims checked against the host: kernel_release is not the host's"},
              c.notes);
}

TEST(HostClaims, ConfirmedHostClaimsChangeNothing) {
    const auto c = check_host_claims(
        report(true, {{"kernel_release", claim("6.18.44-fc-v669", true)}, {"cpu_model", claim("Intel(R) Xeon(R) Processor", true)},
                      {"boot_id", claim("264117db-8ea4-48f3-ad87-7483f40952a7", true)}, {"mem_total_kib", claim(24684084, true)}}),
        host());
    EXPECT_EQ(ClaimOutcome::Unchanged, c.outcome);
    EXPECT_EQ(std::vector<std::string>{"host claims checked against the host: boot_id is the host's, cpu_model is the "
                                       "host's, kernel_release is the host's, mem_total_kib is the host's"},
              c.notes);
}

TEST(HostClaims, ALeakOutweighsAContradictedEscape) {
    const auto c = check_host_claims(
        report(true, {{"kernel_release", claim("4.4.0", true)}, {"hostname", claim("vm", false)}}), host());
    EXPECT_EQ(ClaimOutcome::Escaped, c.outcome);
    EXPECT_NE(std::string::npos, c.reason.find("hostname 'vm'")) << c.reason;
}

TEST(HostClaims, MalformedClaimsAreNotedNeverJudged) {
    const auto c = check_host_claims(report(true, {{"kernel_release", "6.18.44-fc-v669"},
                                                   {"boot_id", {{"seen", "x"}, {"is_host", "yes"}}},
                                                   {"shoe_size", claim("44", false)}}),
                                     host());
    EXPECT_EQ(ClaimOutcome::Unchanged, c.outcome);
    EXPECT_EQ(std::vector<std::string>{"host claims not checked: boot_id (not {\"seen\": value, \"is_host\": bool}), "
                                       "kernel_release (not {\"seen\": value, \"is_host\": bool}), shoe_size (no such "
                                       "host fact)"},
              c.notes);
    EXPECT_EQ(std::vector<std::string>{"host_claims is not an object: no claim was checked"},
              check_host_claims(report(true, json::array()), host()).notes);
}

TEST(HostClaims, AFloodOfMadeUpFactsIsCountedNotListed) {
    json claims = json::object();
    for (int i = 0; i < 1000; ++i) claims["fact" + std::to_string(1000 + i)] = claim("x", true);
    const auto c = check_host_claims(report(true, claims), host());
    EXPECT_EQ(ClaimOutcome::Unchanged, c.outcome);
    ASSERT_EQ(1u, c.notes.size());
    EXPECT_NE(std::string::npos, c.notes[0].find("fact1009 (no such host fact) and 990 more")) << c.notes[0];
}

TEST(HostClaims, NoClaimsNoNotes) {
    const auto c = check_host_claims(json{{"escaped", true}, {"detail", "d"}}, host());
    EXPECT_EQ(ClaimOutcome::Unchanged, c.outcome);
    EXPECT_TRUE(c.notes.empty());
}

TEST(HostClaims, SeenTextIsEscapedInReasons) {
    const auto c = check_host_claims(report(false, {{"kernel_release", claim("a\nb\x1b[31m", true)}}), host());
    ASSERT_EQ(1u, c.notes.size());
    EXPECT_EQ(std::string::npos, c.notes[0].find('\n'));
    EXPECT_EQ(std::string::npos, c.notes[0].find('\x1b'));
}

}  // namespace
}  // namespace sh
