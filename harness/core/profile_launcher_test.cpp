// The harness's profile check against the launcher's own (sandbox/run_secure_python.sh): the same
// variables, and the same verdict on the same profile files. The launcher is run with no script,
// so that it stops right after checking the profile (a profile it takes ends in its usage message,
// one it refuses in exit 125 naming the problem); it never reaches Docker.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/profile.h"
#include "util/text.h"

namespace sh {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = SH_SOURCE_DIR;

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The words of a bash array assignment `NAME=(...)` in the launcher, which may span lines.
std::vector<std::string> bash_array(const std::string& script, const std::string& name) {
    const auto start = script.find(name + "=(");
    if (start == std::string::npos) return {};
    const auto open = start + name.size() + 2;
    const auto close = script.find(')', open);
    std::string body = script.substr(open, close - open);
    for (char& c : body)
        if (c == '\n') c = ' ';
    std::vector<std::string> out;
    for (auto w : words(body)) out.push_back("SANDBOX_" + std::string(w));
    return out;
}

/// The `SANDBOX_*` names of the first column of the Markdown table after `heading` in `text`.
std::vector<std::string> table_names(const std::string& text, const std::string& heading) {
    std::vector<std::string> out;
    const auto at = text.find(heading);
    if (at == std::string::npos) return out;
    bool in_table = false;
    for (std::string_view line : split_lines(std::string_view(text).substr(at))) {
        if (line.starts_with("|")) {
            in_table = true;
            static const std::regex row(R"(^\| `(SANDBOX_[A-Z0-9_]+)` \|.*)");
            std::cmatch m;
            if (std::regex_match(line.begin(), line.end(), m, row)) out.push_back(m[1]);
        } else if (in_table) {
            break;
        }
    }
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

TEST(ProfileAndLauncher, TheSameVariablesInTheLauncherTheHarnessAndSandboxReadme) {
    const std::string launcher = read(kSource / "sandbox/run_secure_python.sh");
    const std::string readme = read(kSource / "sandbox/README.md");
    std::vector<std::string> profile_keys, per_run;
    for (const auto& var : profile_variables()) (is_per_run_variable(var.name) ? per_run : profile_keys).push_back(var.name);
    // The launcher's per-run variables: RUN_KEYS, and SANDBOX_PROFILE, which its profile parser
    // refuses beside them.
    std::vector<std::string> launcher_per_run = bash_array(launcher, "RUN_KEYS");
    ASSERT_NE(std::string::npos, launcher.find("case \" ${RUN_KEYS[*]} PROFILE \" in"))
        << "the launcher no longer refuses SANDBOX_PROFILE in a profile the way this test reads it";
    launcher_per_run.push_back("SANDBOX_PROFILE");

    ASSERT_FALSE(bash_array(launcher, "PROFILE_KEYS").empty());
    EXPECT_EQ(bash_array(launcher, "PROFILE_KEYS"), profile_keys) << "in the launcher's order";
    EXPECT_EQ(sorted(launcher_per_run), sorted(per_run));
    EXPECT_EQ(sorted(per_run), sorted(std::vector<std::string>(std::begin(kPerRunVariables), std::end(kPerRunVariables))));
    EXPECT_EQ(sorted(per_run), sorted(table_names(readme, "Per-run variables")));
    EXPECT_EQ(profile_keys, table_names(readme, "| variable | default | allowed values"));
}

struct Outcome {
    bool accepted = false;
    std::string message;
};

/// What the launcher says of the profile file: accepted when it gets as far as asking for a script.
Outcome launcher_on(const fs::path& profile) {
    const std::string command = fmt::format("env -i PATH=/usr/bin:/bin SANDBOX_PROFILE='{}' bash '{}' 2>&1; echo \"exit $?\"",
                                            profile.string(), (kSource / "sandbox/run_secure_python.sh").string());
    std::string out;
    if (FILE* f = popen(command.c_str(), "r")) {
        char buf[4096];
        for (std::size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
        pclose(f);
    }
    return {out.find("usage: run_secure_python.sh SCRIPT") != std::string::npos, out};
}

/// What the harness says of it: accepted when it loads and neither check finds anything.
Outcome harness_on(const fs::path& profile) {
    try {
        const Profile p = load_profile(profile);
        std::vector<std::string> problems = check_profile(p);
        const auto missing = missing_variables(p);
        problems.insert(problems.end(), missing.begin(), missing.end());
        return {problems.empty(), join(problems, "\n")};
    } catch (const ProfileError& e) {
        return {false, e.what()};
    }
}

/// default.env with `changes` (KEY, VALUE) replacing its lines, then `extra` lines appended.
std::string variant(const std::string& base, const std::vector<std::pair<std::string, std::string>>& changes,
                    const std::string& extra = "") {
    std::string out;
    for (std::string_view line : split_lines(base)) {
        std::string l(line);
        for (const auto& [key, value] : changes)
            if (l.starts_with(key + "=")) l = key + "=" + value;
        out += l + "\n";
    }
    return out + extra;
}

TEST(ProfileAndLauncher, TheHarnessTakesExactlyTheProfilesTheLauncherTakes) {
    if (std::system("command -v bash >/dev/null 2>&1") != 0) GTEST_SKIP() << "no bash";
    const std::string base = read(kSource / "sandbox/profiles/default.env");
    const fs::path dir = fs::temp_directory_path() / fmt::format("sh-profile-launcher-{}", ::getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "seccomp.json") << "{}\n";

    using Changes = std::vector<std::pair<std::string, std::string>>;
    std::vector<std::pair<Changes, std::string>> cases;  // (value changes, extra lines)
    const std::vector<std::pair<std::string, std::vector<std::string>>> values = {
        {"SANDBOX_IMAGE", {"secure-python:latest", "reg.example/x/y@sha256:ab", "-bad", "a b", "", "_x", "x\xc3\xa9"}},
        {"SANDBOX_NETWORK", {"none", "host", "my-net.1", "-x", "a/b", ""}},
        {"SANDBOX_USER", {"65534:65534", "none", "nobody", "1000:", ":1", "a:b:c", "", "_x:_y"}},
        {"SANDBOX_READ_ONLY", {"0", "1", "2", "yes", ""}},
        {"SANDBOX_TMPFS", {"none", "/tmp", "/tmp:", "/tmp:rw,,noexec", "/tmp:rw,noexec,", "/tmp:size=16m /run:mode=1777",
                           "tmp", "/tmp:bogus", "/tmp:size=10%", "/t mp", "/tmp:rw\t/run", "", "/a:b:c", "/tmp:mode=17777"}},
        {"SANDBOX_CAP_DROP", {"ALL", "none", "NET_RAW,SYS_ADMIN", "net_raw", "CAP1", "A,,B", "A,", ",A", ""}},
        {"SANDBOX_CAP_ADD", {"SYS_PTRACE", "", "SYS PTRACE"}},
        {"SANDBOX_NO_NEW_PRIVILEGES", {"1", "true"}},
        {"SANDBOX_CPUS", {"1", "0.5", ".5", "5.", "0", "0.0", "none", "1e3", "inf", "-1", "", "01", "."}},
        {"SANDBOX_MEMORY", {"256m", "6m", "5m", "1GiB", "256MB", "256mib", "512b", "1bib", "0", "none", "1.5g",
                            "6291456", "6291455", "999999999999t", "0000000000006m", "", "256 m", "6144k", "6m "}},
        {"SANDBOX_MEMORY_SWAP", {"256m", "-1", "none", "128m", "1g", "-2", "bad", "256MiB"}},
        {"SANDBOX_PIDS_LIMIT", {"64", "0", "00", "010", "none", "-1", "1.5", "99999999999999999999", ""}},
        {"SANDBOX_ULIMITS", {"none", "nofile=512:256", "nofile=256:-1", "nofile=-1:256", "nofile=-1", "nofiles=1",
                             "core=0", "nofile=1:2:3", "nofile=-0", "nofile=0010:9", "", "nofile=1 \t core=0", "nofile"}},
        {"SANDBOX_TIMEOUT", {"10", "0", "0.5", ".5", "5.", "1e3", "12345678", "1234567", "-1", "", "inf", "."}},
        {"SANDBOX_AST_CHECK", {"1", "0", "2"}},
        {"SANDBOX_SECCOMP", {"default", "unconfined", "seccomp.json", "nope.json", "", (dir / "seccomp.json").string(),
                             "/nonexistent/seccomp.json", "."}},
        {"SANDBOX_PRIVILEGED", {"0", "1", "01"}},
        {"SANDBOX_PID_MODE", {"private", "host", "container"}},
        {"SANDBOX_RUNTIME", {"runc", "runsc-kvm", "run sc", "/usr/bin/runsc", "", "runsc;id"}},
        {"SANDBOX_POOL", {"", "/run/sandbox-pool.sock", "/", "pool.sock", "./p.sock", "/a b", "/x;y", "/p:q", "/\xc3\xa9",
                          "/" + std::string(106, 'p'), "/" + std::string(107, 'p')}},
    };
    for (const auto& [key, vs] : values)
        for (const auto& v : vs) cases.push_back({{{key, v}}, ""});
    cases.push_back({{{"SANDBOX_MEMORY", "none"}, {"SANDBOX_MEMORY_SWAP", "-1"}}, ""});
    cases.push_back({{{"SANDBOX_MEMORY", "none"}, {"SANDBOX_MEMORY_SWAP", "none"}}, ""});
    cases.push_back({{{"SANDBOX_MEMORY", "1g"}, {"SANDBOX_MEMORY_SWAP", "1024m"}}, ""});
    cases.push_back({{{"SANDBOX_MEMORY", "1g"}, {"SANDBOX_MEMORY_SWAP", "1023m"}}, ""});
    for (const char* line : {"SANDBOX_NAME=x", "SANDBOX_LABELS=a=b", "SANDBOX_CGROUP_PARENT=/x", "SANDBOX_PROFILE=p",
                             "SANDBOX_FROB=1", "SANDBOX_network=none", "export SANDBOX_X=1", "\v", "\f  ", " # c",
                             "#ok", "SANDBOX_CPUS=2", "\r", "SANDBOX_=1", "SANDBOX_CPUS =1", "\t"})
        cases.push_back({{}, std::string(line) + "\n"});

    int accepted = 0, refused = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& [changes, extra] = cases[i];
        const fs::path file = dir / fmt::format("p{}.env", i);
        std::ofstream(file, std::ios::binary) << variant(base, changes, extra);
        const Outcome launcher = launcher_on(file), harness = harness_on(file);
        std::string what;
        for (const auto& [k, v] : changes) what += fmt::format("{}='{}' ", k, v);
        EXPECT_EQ(launcher.accepted, harness.accepted)
            << what << "extra '" << extra << "'\nlauncher: " << launcher.message << "\nharness: " << harness.message;
        (launcher.accepted ? accepted : refused)++;
    }
    // Neither side of the comparison is empty: both verdicts occur, many times.
    EXPECT_GT(accepted, 50);
    EXPECT_GT(refused, 80);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace sh
