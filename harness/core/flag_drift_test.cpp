#include "core/flag_drift.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

namespace sh {
namespace {

using nlohmann::json;

/// Recorded from the engine (API 1.41): inspect_hardened.json is `docker run` with every default
/// flag of the profile (and the launcher's --dns 0.0.0.0 --dns-search . for --network none, as the
/// engine stores them); inspect_weakened.json has --network host, no --cap-drop, no
/// no-new-privileges, seccomp=unconfined, --pid host, other limits, no --rm, a json-file log and a
/// read-write script mount. Both ran sandbox-dev:base.
json recorded(const std::string& name) {
    std::ifstream in(SH_TESTDATA_DIR "/profiles/" + name);
    return json::parse(in);
}

Profile hardened() { return with_overrides(default_profile(), {{"SANDBOX_IMAGE", "sandbox-dev:base"}}); }

std::vector<std::string> described(const std::vector<FlagDrift>& drifts) {
    std::vector<std::string> out;
    for (const auto& d : drifts) out.push_back(describe(d));
    return out;
}

TEST(FlagDrift, RecordedHardenedContainerMatchesTheDefaultProfile) {
    EXPECT_EQ(std::vector<std::string>{}, described(compare_host_config(hardened(), recorded("inspect_hardened.json"))));
}

TEST(FlagDrift, RecordedWeakenedContainerShowsEveryDrift) {
    EXPECT_EQ((std::vector<std::string>{
                  "HostConfig.NetworkMode: expected none, got host",
                  "HostConfig.Dns: expected 0.0.0.0, got (none)",
                  "HostConfig.DnsSearch: expected ., got (none)",
                  "Config.User: expected 65534:65534, got \"\"",
                  "HostConfig.Tmpfs[/tmp]: expected rw,noexec,nosuid,nodev,size=16m, got rw,size=64m",
                  "HostConfig.CapDrop: expected ALL, got (none)",
                  "HostConfig.SecurityOpt[no-new-privileges]: expected set, got not set",
                  "HostConfig.SecurityOpt[seccomp]: expected default, got unconfined",
                  "HostConfig.NanoCpus: expected 1000000000 (SANDBOX_CPUS=1), got 2000000000",
                  "HostConfig.Memory: expected 268435456 (SANDBOX_MEMORY=256m), got 536870912",
                  "HostConfig.MemorySwap: expected 268435456 (SANDBOX_MEMORY_SWAP=256m), got 1073741824",
                  "HostConfig.PidsLimit: expected 64 (SANDBOX_PIDS_LIMIT=64), got null",
                  "HostConfig.Ulimits[core]: expected 0:0, got (absent)",
                  "HostConfig.Ulimits[fsize]: expected 16777216:16777216, got (absent)",
                  "HostConfig.Ulimits[nofile]: expected 256:256, got 1024:1024",
                  "HostConfig.PidMode: expected \"\", got host",
                  "HostConfig.LogConfig.Type: expected none, got json-file",
                  "HostConfig.AutoRemove: expected true, got false",
                  "Mounts[/sandbox/main.py]: expected read-only, got read-write"}),
              described(compare_host_config(hardened(), recorded("inspect_weakened.json"))));
}

TEST(FlagDrift, AProfileThatAsksForTheWeakFlagsOnlyDriftsFromTheLauncherContract) {
    Profile weak = with_overrides(hardened(), {{"SANDBOX_NETWORK", "host"},
                                               {"SANDBOX_USER", "none"},
                                               {"SANDBOX_TMPFS", "/tmp:size=64m,rw"},
                                               {"SANDBOX_CAP_DROP", "none"},
                                               {"SANDBOX_NO_NEW_PRIVILEGES", "0"},
                                               {"SANDBOX_SECCOMP", "unconfined"},
                                               {"SANDBOX_CPUS", "2"},
                                               {"SANDBOX_MEMORY", "512m"},
                                               {"SANDBOX_MEMORY_SWAP", "none"},
                                               {"SANDBOX_PIDS_LIMIT", "none"},
                                               {"SANDBOX_ULIMITS", "nofile=1024"},
                                               {"SANDBOX_PID_MODE", "host"}});
    EXPECT_EQ((std::vector<std::string>{"HostConfig.LogConfig.Type: expected none, got json-file",
                                        "HostConfig.AutoRemove: expected true, got false",
                                        "Mounts[/sandbox/main.py]: expected read-only, got read-write"}),
              described(compare_host_config(weak, recorded("inspect_weakened.json"))));
}

TEST(FlagDrift, EquivalentSpellingsAreNotDrift) {
    json j = recorded("inspect_hardened.json");
    j["HostConfig"]["SecurityOpt"] = {"no-new-privileges:true"};
    j["HostConfig"]["CapDrop"] = {"cap_all"};
    j["Config"]["Image"] = "sandbox-dev:base";
    EXPECT_EQ(std::vector<std::string>{}, described(compare_host_config(hardened(), j)));

    Profile untagged = with_overrides(hardened(), {{"SANDBOX_IMAGE", "registry:5000/secure-python"}});
    j["Config"]["Image"] = "registry:5000/secure-python:latest";
    EXPECT_EQ(std::vector<std::string>{}, described(compare_host_config(untagged, j)));
}

TEST(FlagDrift, UnlimitedPidsAcceptsEveryEngineSpelling) {
    json j = recorded("inspect_hardened.json");
    Profile p = with_overrides(hardened(), {{"SANDBOX_PIDS_LIMIT", "none"}});
    for (json v : {json(nullptr), json(0), json(-1)}) {
        j["HostConfig"]["PidsLimit"] = v;
        EXPECT_EQ(std::vector<std::string>{}, described(compare_host_config(p, j))) << v.dump();
    }
    j["HostConfig"]["PidsLimit"] = 64;
    EXPECT_EQ(std::vector<std::string>{"HostConfig.PidsLimit: expected unlimited (SANDBOX_PIDS_LIMIT=none), got 64"},
              described(compare_host_config(p, j)));
}

TEST(FlagDrift, CapAddComparesWithTheProfileAsASet) {
    const Profile p = with_overrides(hardened(), {{"SANDBOX_CAP_ADD", "SYS_PTRACE,syslog"}});
    json j = recorded("inspect_hardened.json");
    j["HostConfig"]["CapAdd"] = {"CAP_SYSLOG", "CAP_SYS_PTRACE"};  // as the engine stores them
    EXPECT_TRUE(compare_host_config(p, j).empty());
    j["HostConfig"]["CapAdd"] = nullptr;
    EXPECT_EQ((std::vector<std::string>{"HostConfig.CapAdd: expected SYSLOG,SYS_PTRACE, got (none)"}),
              described(compare_host_config(p, j)));
}

TEST(FlagDrift, SeccompAppArmorCapAddPrivilegedAndNamespaces) {
    json j = recorded("inspect_hardened.json");
    j["HostConfig"]["SecurityOpt"] = {"no-new-privileges", "seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\"}",
                                      "apparmor=unconfined"};
    j["HostConfig"]["CapAdd"] = {"SYS_ADMIN"};
    j["HostConfig"]["Privileged"] = true;
    j["HostConfig"]["IpcMode"] = "host";
    EXPECT_EQ((std::vector<std::string>{"HostConfig.CapAdd: expected (none), got SYS_ADMIN",
                                        "HostConfig.SecurityOpt[seccomp]: expected default, got custom profile",
                                        "HostConfig.SecurityOpt[apparmor]: expected default, got unconfined",
                                        "HostConfig.Privileged: expected false, got true",
                                        "HostConfig.IpcMode: expected not host, got host"}),
              described(compare_host_config(hardened(), j)));

    Profile custom = with_overrides(hardened(), {{"SANDBOX_SECCOMP", "/etc/seccomp.json"}});
    j = recorded("inspect_hardened.json");
    EXPECT_EQ(std::vector<std::string>{"HostConfig.SecurityOpt[seccomp]: expected custom profile (/etc/seccomp.json), "
                                       "got default"},
              described(compare_host_config(custom, j)));
}

TEST(FlagDrift, WithoutANetworkTheHostsResolverMustBeHidden) {
    json j = recorded("inspect_hardened.json");
    EXPECT_EQ((std::vector<std::string>{"0.0.0.0"}), j["HostConfig"]["Dns"].get<std::vector<std::string>>());
    for (json absent : {json(nullptr), json::array()}) {  // no --dns: the engine stores null or []
        j["HostConfig"]["Dns"] = absent;
        j["HostConfig"]["DnsSearch"] = absent;
        EXPECT_EQ((std::vector<std::string>{"HostConfig.Dns: expected 0.0.0.0, got (none)",
                                            "HostConfig.DnsSearch: expected ., got (none)"}),
                  described(compare_host_config(hardened(), j)))
            << absent.dump();
    }
    j["HostConfig"]["Dns"] = {"10.255.255.53"};
    j["HostConfig"]["DnsSearch"] = {"."};
    EXPECT_EQ(std::vector<std::string>{"HostConfig.Dns: expected 0.0.0.0, got 10.255.255.53"},
              described(compare_host_config(hardened(), j)));
    j["HostConfig"]["Dns"] = {"0.0.0.0", "10.255.255.53"};
    EXPECT_EQ(std::vector<std::string>{"HostConfig.Dns: expected 0.0.0.0, got 0.0.0.0,10.255.255.53"},
              described(compare_host_config(hardened(), j)));
    j["HostConfig"]["Dns"] = "0.0.0.0";  // not a list: shown as the engine gave it
    EXPECT_EQ(std::vector<std::string>{"HostConfig.Dns: expected 0.0.0.0, got 0.0.0.0"},
              described(compare_host_config(hardened(), j)));
}

TEST(FlagDrift, WithANetworkDockersResolverConfigurationIsKept) {
    json j = recorded("inspect_weakened.json");  // --network host, no --dns
    const Profile host = with_overrides(hardened(), {{"SANDBOX_NETWORK", "host"}});
    for (const auto& d : compare_host_config(host, j))
        EXPECT_FALSE(d.field.starts_with("HostConfig.Dns")) << describe(d);
    j["HostConfig"]["Dns"] = {"0.0.0.0"};
    j["HostConfig"]["DnsSearch"] = {"."};
    const auto drifts = described(compare_host_config(host, j));
    EXPECT_NE(drifts.end(), std::find(drifts.begin(), drifts.end(), "HostConfig.Dns: expected (none), got 0.0.0.0"));
    EXPECT_NE(drifts.end(), std::find(drifts.begin(), drifts.end(), "HostConfig.DnsSearch: expected (none), got ."));
}

TEST(FlagDrift, RuntimeIsTheOneTheProfileNames) {
    json j = recorded("inspect_hardened.json");
    EXPECT_EQ("runc", j["HostConfig"]["Runtime"]);  // as the engine records a --runtime=runc run
    const Profile runsc = with_overrides(hardened(), {{"SANDBOX_RUNTIME", "runsc"}});
    EXPECT_EQ(std::vector<std::string>{"HostConfig.Runtime: expected runsc, got runc"},
              described(compare_host_config(runsc, j)));
    j["HostConfig"]["Runtime"] = "runsc";
    EXPECT_EQ(std::vector<std::string>{}, described(compare_host_config(runsc, j)));
    EXPECT_EQ(std::vector<std::string>{"HostConfig.Runtime: expected runc, got runsc"},
              described(compare_host_config(hardened(), j)));
    Profile unset = hardened();  // an unset SANDBOX_RUNTIME counts at its default, runc
    unset.values.erase("SANDBOX_RUNTIME");
    EXPECT_EQ(std::vector<std::string>{"HostConfig.Runtime: expected runc, got runsc"},
              described(compare_host_config(unset, j)));
    j["HostConfig"].erase("Runtime");
    EXPECT_EQ(std::vector<std::string>{"HostConfig.Runtime: expected runc, got (absent)"},
              described(compare_host_config(hardened(), j)));
}

TEST(FlagDrift, CgroupParentIsCheckedWhenTheHarnessSetsOne) {
    json j = recorded("inspect_hardened.json");
    Profile p = with_overrides(hardened(), {{"SANDBOX_CGROUP_PARENT", "/sh-run-1"}});
    EXPECT_EQ(std::vector<std::string>{"HostConfig.CgroupParent: expected /sh-run-1, got \"\""},
              described(compare_host_config(p, j)));
    j["HostConfig"]["CgroupParent"] = "/sh-run-1";
    EXPECT_EQ(std::vector<std::string>{}, described(compare_host_config(p, j)));
}

TEST(FlagDrift, ValuesTheHarnessCannotInterpretAreDrift) {
    Profile p = with_overrides(hardened(), {{"SANDBOX_MEMORY", "lots"}, {"SANDBOX_ULIMITS", "nofile"}});
    EXPECT_EQ((std::vector<std::string>{
                  "HostConfig.Memory: expected SANDBOX_MEMORY=lots (not understood), got 268435456",
                  "HostConfig.MemorySwap: expected 0 (SANDBOX_MEMORY_SWAP=none), got 268435456",
                  "HostConfig.Ulimits: expected SANDBOX_ULIMITS=nofile (not understood), got "
                  "[{\"Hard\":0,\"Name\":\"core\",\"Soft\":0},{\"Hard\":16777216,\"Name\":\"fsize\",\"Soft\":"
                  "16777216},{\"Hard\":256,\"Name\":\"nofile\",\"Soft\":256}]"}),
              described(compare_host_config(with_overrides(p, {{"SANDBOX_MEMORY_SWAP", "none"}}),
                                            recorded("inspect_hardened.json"))));
}

TEST(FlagDrift, AnEmptyInspectDriftsOnEveryFlagWithoutThrowing) {
    const auto drifts = compare_host_config(hardened(), json::object());
    EXPECT_GE(drifts.size(), 15u);
    EXPECT_EQ("Config.Image: expected sandbox-dev:base, got (absent)", describe(drifts.front()));
    EXPECT_EQ("Mounts[/sandbox/main.py]: expected read-only, got (absent)", describe(drifts.back()));
    EXPECT_NO_THROW(compare_host_config(hardened(), json::array()));
}

}  // namespace
}  // namespace sh
