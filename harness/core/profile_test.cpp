#include "core/profile.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/case_spec.h"
#include "util/text.h"

namespace sh {
namespace {

const std::string kData = SH_TESTDATA_DIR "/profiles";

std::vector<std::string> profile_errors(const std::string& text) {
    try {
        parse_profile(text, "p.env");
    } catch (const ProfileError& e) {
        return e.errors();
    }
    return {};
}

std::vector<std::string> weakening_errors(const std::string& text) {
    try {
        parse_weakening(text, "w.env");
    } catch (const ProfileError& e) {
        return e.errors();
    }
    return {};
}

TEST(ParseProfile, ReadsValuesVerbatim) {
    Profile p = parse_profile("# comment\n\nSANDBOX_NETWORK=none  \r\nSANDBOX_ULIMITS=nofile=1:2 core=0:0\n"
                              "SANDBOX_USER=\"1000\"\nSANDBOX_CAP_ADD=\n#SANDBOX_MEMORY=1g\n\v\f\n",
                              "profiles/review.env");
    EXPECT_EQ("profiles/review.env", p.path);
    EXPECT_EQ("review", p.name);
    EXPECT_EQ((std::map<std::string, std::string>{{"SANDBOX_NETWORK", "none"},
                                                  {"SANDBOX_ULIMITS", "nofile=1:2 core=0:0"},
                                                  {"SANDBOX_USER", "\"1000\""},
                                                  {"SANDBOX_CAP_ADD", ""}}),
              p.values);
    EXPECT_EQ(3, p.lines.at("SANDBOX_NETWORK"));
    EXPECT_EQ("none", p.get("SANDBOX_NETWORK"));
    EXPECT_EQ("fb", p.get("SANDBOX_MEMORY", "fb"));
    EXPECT_EQ("256m", p.effective("SANDBOX_MEMORY"));
    EXPECT_EQ("", p.effective("SANDBOX_UNKNOWN"));
}

TEST(ParseProfile, RejectsAnythingElseWithFileAndLine) {
    EXPECT_EQ((std::vector<std::string>{
                  "p.env:2: not a profile line: 'export SANDBOX_NETWORK=none' (expected a blank line, a '#' "
                  "comment or SANDBOX_NAME=VALUE)",
                  "p.env:3: not a profile line: 'SANDBOX_network=none' (expected a blank line, a '#' comment or "
                  "SANDBOX_NAME=VALUE)",
                  "p.env:4: not a profile line: 'SANDBOX_NETWORK = none' (expected a blank line, a '#' comment "
                  "or SANDBOX_NAME=VALUE)",
                  "p.env:5: not a profile line: '  # indented comment' (expected a blank line, a '#' comment or "
                  "SANDBOX_NAME=VALUE)",
                  "p.env:6: not a profile line: 'SANDBOX_=1' (expected a blank line, a '#' comment or "
                  "SANDBOX_NAME=VALUE)",
                  "p.env:8: SANDBOX_CPUS set twice (first on line 7)"}),
              profile_errors("\nexport SANDBOX_NETWORK=none\nSANDBOX_network=none\nSANDBOX_NETWORK = none\n"
                             "  # indented comment\nSANDBOX_=1\nSANDBOX_CPUS=1\nSANDBOX_CPUS=2\n"));
}

TEST(LoadProfile, ReadsAFileAndNamesItByItsStem) {
    Profile p = load_profile(kData + "/hardened.env");
    EXPECT_EQ("hardened", p.name);
    EXPECT_EQ(default_profile().values, p.values);
    EXPECT_EQ((std::vector<std::string>{}), check_profile(p));
}

TEST(LoadProfile, MissingFile) {
    try {
        load_profile(kData + "/nope.env");
        FAIL();
    } catch (const ProfileError& e) {
        EXPECT_EQ(kData + "/nope.env: cannot read: No such file or directory", std::string(e.what()));
    }
}

TEST(LoadProfile, TheShippedDefaultAgreesWithTheBuiltInDefaults) {
    const std::string path = SH_SOURCE_DIR "/sandbox/profiles/default.env";
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing: the sandbox ships it";
    Profile p = load_profile(path);
    EXPECT_EQ((std::vector<std::string>{}), check_profile(p));
    for (const auto& [key, value] : default_profile().values) EXPECT_EQ(value, p.effective(key)) << key;
}

TEST(LoadProfile, TheShippedRunscProfileIsTheDefaultUnderGvisor) {
    const std::string path = SH_SOURCE_DIR "/sandbox/profiles/runsc.env";
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing: the sandbox ships it";
    Profile p = load_profile(path);
    EXPECT_EQ((std::vector<std::string>{}), check_profile(p));
    EXPECT_EQ((std::vector<std::string>{}), missing_variables(p));
    EXPECT_EQ("runsc", p.get("SANDBOX_RUNTIME"));
    // Every other value as in default.env, so that a review shows what the runtime changes: the
    // pids control is the one exception, expressed the way gVisor needs it (runsc.env says why).
    Profile shipped_default = load_profile(SH_SOURCE_DIR "/sandbox/profiles/default.env");
    EXPECT_EQ(with_overrides(shipped_default,
                             {{"SANDBOX_RUNTIME", "runsc"},
                              {"SANDBOX_PIDS_LIMIT", "2048"},
                              {"SANDBOX_ULIMITS", "nofile=256:256 fsize=16777216:16777216 core=0:0 nproc=64:64"}})
                  .values,
              p.values);
}

// The positive control of the refusals above: every shipped profile loads and passes, alone
// (sandbox/profiles/*.env) or over the default (sandbox/profiles/weakened/*).
TEST(LoadProfile, EveryShippedProfileLoadsAndPasses) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(SH_SOURCE_DIR "/sandbox/profiles"))
        if (e.path().extension() == ".env") files.push_back(e.path());
    ASSERT_GE(files.size(), 2u);
    for (const auto& f : files) {
        const Profile p = load_profile(f);
        EXPECT_EQ((std::vector<std::string>{}), check_profile(p)) << f;
        EXPECT_EQ((std::vector<std::string>{}), missing_variables(p)) << f;
    }
    std::size_t weakenings = 0;
    for (const auto& e : std::filesystem::directory_iterator(SH_SOURCE_DIR "/sandbox/profiles/weakened")) {
        const Weakening w = load_weakening(e.path());
        Profile p = weaken(load_profile(SH_SOURCE_DIR "/sandbox/profiles/default.env"), w);
        EXPECT_EQ((std::vector<std::string>{}), check_profile(p)) << e.path();
        ++weakenings;
    }
    EXPECT_GE(weakenings, 19u);
}

TEST(LoadWeakenings, TheShippedOverlaysAreValid) {
    const std::string dir = SH_SOURCE_DIR "/sandbox/profiles/weakened";
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << " is missing: the sandbox ships it";
    for (const Weakening& w : load_weakenings(dir)) {
        Profile p = weaken(default_profile(), w);
        p.path = w.path;
        EXPECT_EQ((std::vector<std::string>{}), check_profile(p)) << w.path;
        EXPECT_NE(default_profile().values, p.values) << w.path << " changes nothing";
    }
}

TEST(DefaultProfile, HoldsEveryDefault) {
    Profile d = default_profile();
    EXPECT_EQ("default", d.name);
    EXPECT_EQ("none", d.get("SANDBOX_NETWORK"));
    EXPECT_EQ("nofile=256:256 fsize=16777216:16777216 core=0:0", d.get("SANDBOX_ULIMITS"));
    EXPECT_EQ("runc", d.get("SANDBOX_RUNTIME"));
    EXPECT_EQ("", d.get("SANDBOX_POOL", "unset"));  // a cold launch, and set: a profile must set it
    EXPECT_EQ(20u, d.values.size());
    EXPECT_FALSE(d.values.count("SANDBOX_NAME"));  // set per case by the harness
}

TEST(WithOverrides, ReplacesAndAddsKeepingTheName) {
    Profile p = with_overrides(parse_profile("SANDBOX_NETWORK=none\n", "a.env"),
                               {{"SANDBOX_NETWORK", "host"}, {"SANDBOX_TIMEOUT", "3"}});
    EXPECT_EQ("a", p.name);
    EXPECT_EQ("host", p.get("SANDBOX_NETWORK"));
    EXPECT_EQ("3", p.get("SANDBOX_TIMEOUT"));
    EXPECT_EQ(0, p.lines.at("SANDBOX_NETWORK"));
}

TEST(MissingVariables, NamesEveryVariableTheLauncherWouldMiss) {
    EXPECT_TRUE(missing_variables(default_profile()).empty());
    const Profile overlay = parse_profile("# control: network\nSANDBOX_NETWORK=host\n", "w.env");
    const auto missing = missing_variables(overlay);
    ASSERT_EQ(19u, missing.size());  // all 20 launcher variables but SANDBOX_NETWORK
    EXPECT_EQ("w.env: SANDBOX_IMAGE is not set", missing.front());
    EXPECT_EQ("w.env: SANDBOX_POOL is not set", missing.back());  // empty by default, yet required
    EXPECT_TRUE(missing_variables(with_overrides(overlay, default_profile().values)).empty());
}

TEST(ParseProfile, UnknownVariablesAreRefusedAsTheLauncherRefusesThem) {
    EXPECT_EQ((std::vector<std::string>{"p.env:1: unknown variable SANDBOX_NETWRK (did you mean SANDBOX_NETWORK?)",
                                        "p.env:2: unknown variable SANDBOX_FROBNICATE (the launcher refuses it)"}),
              profile_errors("SANDBOX_NETWRK=none\nSANDBOX_FROBNICATE=1\n"));
}

// The case: a proposed profile that sets a per-run variable passed the harness's check,
// the whole suite ran, and the launcher refused every case.
TEST(ParseProfile, PerRunVariablesAreRefusedNamingFileLineAndVariable) {
    for (const char* key : {"SANDBOX_NAME", "SANDBOX_LABELS", "SANDBOX_CGROUP_PARENT", "SANDBOX_PROFILE"})
        EXPECT_EQ((std::vector<std::string>{fmt::format("p.env:2: {} is a per-run variable: set it in the environment, "
                                                        "not in a profile (the harness sets it for each case)",
                                                        key)}),
                  profile_errors(fmt::format("SANDBOX_CPUS=1\n{}=x\n", key)))
            << key;
    // The same for a weakening overlay: the runner would silently set its own value over it.
    EXPECT_NE(std::string::npos,
              join(weakening_errors("# control: network\n# weakening: w\nSANDBOX_NAME=x\n"), "\n")
                  .find("w.env:3: SANDBOX_NAME is a per-run variable"));
}

TEST(ParseProfile, AProposedProfileWithSandboxNameDoesNotLoad) {
    // sandbox/profiles/default.env with the one line a reviewer might add.
    const std::string path = SH_SOURCE_DIR "/sandbox/profiles/default.env";
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf() << "SANDBOX_NAME=review-me\n";
    try {
        parse_profile(text.str(), "proposed.env");
        FAIL() << "loaded";
    } catch (const ProfileError& e) {
        ASSERT_EQ(1u, e.errors().size());
        EXPECT_EQ(0u, e.errors()[0].find("proposed.env:")) << e.errors()[0];
        EXPECT_NE(std::string::npos, e.errors()[0].find(": SANDBOX_NAME is a per-run variable")) << e.errors()[0];
    }
}

// A megabyte-long value, line or name: each error stays one short line that says where.
TEST(ParseProfile, AHugeValueGivesAShortError) {
    const std::string huge(1 << 20, 'x');
    Profile p = parse_profile("SANDBOX_MEMORY=" + huge + "\n", "p.env");
    const auto problems = check_profile(p);
    ASSERT_EQ(1u, problems.size());
    EXPECT_LT(problems[0].size(), 300u) << problems[0].size();
    EXPECT_EQ(0u, problems[0].find("p.env:1: bad SANDBOX_MEMORY 'xxxxx")) << problems[0].substr(0, 300);
    EXPECT_NE(std::string::npos, problems[0].find("\xE2\x80\xA6': a size of at least 6m")) << problems[0].substr(0, 300);
    for (const std::string& text : {"SANDBOX_MEMORY " + huge + "\n", "SANDBOX_" + std::string(1 << 20, 'X') + "=1\n",
                                    "SANDBOX_NAME=" + huge + "\n"}) {
        const auto errors = profile_errors(text);
        ASSERT_EQ(1u, errors.size());
        EXPECT_LT(errors[0].size(), 300u) << errors[0].substr(0, 300);
        EXPECT_EQ(0u, errors[0].find("p.env:1: ")) << errors[0].substr(0, 300);
    }
    // And through an override (the environment, or ablate's overlays).
    const auto overridden = check_profile(with_overrides(default_profile(), {{"SANDBOX_TMPFS", "tmp" + huge}}));
    ASSERT_EQ(1u, overridden.size());
    EXPECT_LT(overridden[0].size(), 300u);
}

TEST(CheckProfile, BadValues) {
    Profile p = parse_profile("SANDBOX_READ_ONLY=yes\n"
                              "SANDBOX_MEMORY=lots\nSANDBOX_ULIMITS=nofile\nSANDBOX_PID_MODE=host\n"
                              "SANDBOX_CPUS=0\nSANDBOX_TMPFS=tmp\nSANDBOX_CAP_DROP=none\n",
                              "p.env");
    EXPECT_EQ((std::vector<std::string>{
                  "p.env:5: bad SANDBOX_CPUS '0': a positive number of CPUs, or none",
                  "p.env:2: bad SANDBOX_MEMORY 'lots': a size of at least 6m (Docker's minimum) such as 256m, or none",
                  "p.env:1: bad SANDBOX_READ_ONLY 'yes': 0 or 1",
                  "p.env:6: bad SANDBOX_TMPFS 'tmp': /path[:options] entries separated by spaces, or none",
                  "p.env:3: bad SANDBOX_ULIMITS 'nofile': name=soft[:hard] entries separated by spaces (names: core "
                  "cpu data fsize locks memlock msgqueue nice nofile nproc rss rtprio rttime sigpending stack; soft no "
                  "larger than hard), or none"}),
              check_profile(p));
}

TEST(CheckProfile, OverridesMayNameNoUnknownOrPerRunVariable) {
    EXPECT_EQ((std::vector<std::string>{
                  "(profile) (overridden): SANDBOX_NAME is a per-run variable: set it in the environment, not in a "
                  "profile (the harness sets it for each case)",
                  "(profile) (overridden): unknown variable SANDBOX_NETWRK (did you mean SANDBOX_NETWORK?)"}),
              check_profile(with_overrides(default_profile(), {{"SANDBOX_NETWRK", "none"}, {"SANDBOX_NAME", "x"}})));
}

TEST(CheckProfile, AgreesWithTheLauncherOnValuesItRefuses) {
    // Each of these makes sandbox/run_secure_python.sh exit 125 (sandbox/tests/
    // invalid_profile_values_are_rejected_before_docker.sh): the harness must refuse them first.
    const auto problems = [](const std::string& text) { return check_profile(parse_profile(text, "p.env")); };
    EXPECT_EQ(1u, problems("SANDBOX_MEMORY=1m\n").size());
    EXPECT_TRUE(problems("SANDBOX_MEMORY=6m\nSANDBOX_MEMORY_SWAP=6m\n").empty());
    EXPECT_EQ((std::vector<std::string>{"p.env:2: bad SANDBOX_MEMORY_SWAP '64m': at least SANDBOX_MEMORY (128m); "
                                        "equal means no swap"}),
              problems("SANDBOX_MEMORY=128m\nSANDBOX_MEMORY_SWAP=64m\n"));
    EXPECT_EQ(1u, problems("SANDBOX_MEMORY=none\nSANDBOX_MEMORY_SWAP=64m\n").size());
    EXPECT_EQ(1u, problems("SANDBOX_ULIMITS=nofile=512:256\n").size());    // soft above hard
    EXPECT_EQ(1u, problems("SANDBOX_ULIMITS=nofiles=256:256\n").size());   // no such limit
    EXPECT_TRUE(problems("SANDBOX_ULIMITS=nofile=256:-1 core=0\n").empty());
}

TEST(CheckProfile, RuntimeIsANameTheLauncherPassesAsOneFlag) {
    // As sandbox/run_secure_python.sh: [A-Za-z0-9_.-]+, passed as --runtime=NAME.
    const auto problems = [](const std::string& value) {
        return check_profile(parse_profile("SANDBOX_RUNTIME=" + value + "\n", "p.env"));
    };
    for (const char* good : {"runc", "runsc", "runsc-kvm", "io.containerd.runc.v2", "my_runtime", "crun"})
        EXPECT_EQ((std::vector<std::string>{}), problems(good)) << good;
    for (const char* bad : {"", "run sc", "/usr/bin/runsc", "runsc;id", "runsc=1", "r\u00e9"})
        EXPECT_EQ((std::vector<std::string>{"p.env:1: bad SANDBOX_RUNTIME '" + std::string(bad) +
                                            "': the name of a runtime the engine has registered ([A-Za-z0-9_.-]+), "
                                            "such as runc or runsc"}),
                  problems(bad))
            << bad;
}

TEST(ValueParsers, DockerSizesAreBinary) {
    EXPECT_EQ(268435456, parse_docker_size("256m"));
    EXPECT_EQ(268435456, parse_docker_size("256M"));
    EXPECT_EQ(268435456, parse_docker_size("256MiB"));
    EXPECT_EQ(268435456, parse_docker_size("256mb"));
    EXPECT_EQ(1073741824, parse_docker_size("1GiB"));
    EXPECT_EQ(1099511627776, parse_docker_size("1t"));
    EXPECT_FALSE(parse_docker_size("1.5g"));  // the launcher refuses fractions
    EXPECT_FALSE(parse_docker_size("1000000000000k"));
    EXPECT_EQ(2048, parse_docker_size("2k"));
    EXPECT_EQ(100, parse_docker_size("100"));
    EXPECT_EQ(100, parse_docker_size("100b"));
    EXPECT_FALSE(parse_docker_size(""));
    EXPECT_FALSE(parse_docker_size("m"));
    EXPECT_FALSE(parse_docker_size("-1"));
    EXPECT_FALSE(parse_docker_size("12x"));
}

TEST(ValueParsers, UlimitsTmpfsCpus) {
    using U = std::map<std::string, std::pair<std::int64_t, std::int64_t>>;
    EXPECT_EQ((U{{"nofile", {256, 512}}, {"core", {0, 0}}, {"nproc", {5, 5}}}),
              parse_ulimits("nofile=256:512  core=0:0 nproc=5"));
    EXPECT_EQ(U{}, parse_ulimits("none"));
    EXPECT_FALSE(parse_ulimits("nofile=a"));
    EXPECT_FALSE(parse_ulimits("nofile=1:2:3"));
    EXPECT_FALSE(parse_ulimits(""));
    EXPECT_EQ((std::map<std::string, std::string>{{"/tmp", "rw,size=1m"}, {"/run", ""}}),
              parse_tmpfs("/tmp:rw,size=1m /run"));
    EXPECT_EQ((std::map<std::string, std::string>{}), parse_tmpfs("none"));
    EXPECT_FALSE(parse_tmpfs("tmp:rw"));
    EXPECT_EQ(1000000000, parse_nano_cpus("1"));
    EXPECT_EQ(500000000, parse_nano_cpus("0.5"));
    EXPECT_EQ(0, parse_nano_cpus("none"));
    EXPECT_FALSE(parse_nano_cpus("-1"));
}

TEST(Weakening, ParsesControlDescriptionAndOverrides) {
    Weakening w = parse_weakening("# control: pids\n# A comment.\n# weakening: no pids limit\nSANDBOX_PIDS_LIMIT=none\n",
                                  "weakened/pids.env");
    EXPECT_EQ("pids", w.control);
    EXPECT_EQ("no pids limit", w.description);
    EXPECT_EQ("weakened/pids.env", w.path);
    EXPECT_EQ((std::map<std::string, std::string>{{"SANDBOX_PIDS_LIMIT", "none"}}), w.overrides);
    Profile p = weaken(default_profile(), w);
    EXPECT_EQ("weakened-pids", p.name);
    EXPECT_EQ("none", p.get("SANDBOX_PIDS_LIMIT"));
    EXPECT_EQ("none", p.get("SANDBOX_NETWORK"));
}

TEST(Weakening, ErrorsNameFileAndLine) {
    EXPECT_EQ((std::vector<std::string>{
                  "w.env:1: unknown control 'netwrk' (allowed: isolation, network, user, read-only, tmpfs, "
                  "cap-drop, no-new-privileges, cpus, memory, pids, ulimits, timeout, ast)",
                  "w.env:2: second '# control:' comment (first on line 1)",
                  "w.env:3: not a profile line: 'NETWORK=host' (expected a blank line, a '#' comment or "
                  "SANDBOX_NAME=VALUE)",
                  "w.env:1: missing '# weakening: ...' comment: one line saying what changes",
                  "w.env:1: a weakening must set at least one SANDBOX_* variable"}),
              weakening_errors("# control: netwrk\n# control: network\nNETWORK=host\n"));
    EXPECT_EQ((std::vector<std::string>{
                  "w.env:1: missing '# control: NAME' comment (one of: isolation, network, user, read-only, "
                  "tmpfs, cap-drop, no-new-privileges, cpus, memory, pids, ulimits, timeout, ast)"}),
              weakening_errors("# weakening: x\nSANDBOX_NETWORK=host\n"));
}

TEST(LoadWeakenings, SortedByFileNameOnlyEnvFiles) {
    auto ws = load_weakenings(kData + "/weakened");
    ASSERT_EQ(2u, ws.size());
    EXPECT_EQ("memory", ws[0].control);
    EXPECT_EQ("network", ws[1].control);
    EXPECT_EQ(kData + "/weakened/network.env", ws[1].path);
}

TEST(LoadWeakenings, CollectsTheErrorsOfEveryFile) {
    const std::string dir = kData + "/weakened_bad";
    try {
        load_weakenings(dir);
        FAIL();
    } catch (const ProfileError& e) {
        EXPECT_EQ((std::vector<std::string>{
                      dir + "/a.env:1: unknown control 'netwrk' (allowed: isolation, network, user, read-only, "
                            "tmpfs, cap-drop, no-new-privileges, cpus, memory, pids, ulimits, timeout, ast)",
                      dir + "/a.env:1: missing '# weakening: ...' comment: one line saying what changes",
                      dir + "/b.env:1: a weakening must set at least one SANDBOX_* variable"}),
                  e.errors());
    }
    try {
        load_weakenings(kData + "/none");
        FAIL();
    } catch (const ProfileError& e) {
        EXPECT_EQ(kData + "/none: cannot list: No such file or directory", std::string(e.what()));
    }
}

}  // namespace
}  // namespace sh
