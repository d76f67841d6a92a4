#include "core/catalogue.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <map>

namespace sh {
namespace {

const std::string kData = SH_TESTDATA_DIR "/catalogue";

/// A reader over an in-memory map, so header tests touch no disk.
FileReader fake_files(std::map<std::string, std::string> files) {
    return [files](const std::filesystem::path& p, std::string& error) -> std::optional<std::string> {
        auto it = files.find(p.string());
        if (it == files.end()) {
            error = "No such file or directory";
            return std::nullopt;
        }
        return it->second;
    };
}

/// Parses and returns the error lines (empty when it parsed).
std::vector<std::string> errors_of(const std::string& text, const std::string& path = "attacks/x.py") {
    try {
        parse_case_header(text, path, fake_files({}));
    } catch (const CatalogueError& e) {
        return e.errors();
    }
    return {};
}

const std::string kProbe =
    "# sandbox-harness: probe\n"
    "# id: net.tcp\n"
    "# family: network\n"
    "# controls: network, isolation\n"
    "# expect: report\n"
    "# summary: tries TCP\n";

TEST(ParseCaseHeader, ReadsAProbeWithDefaults) {
    CaseSpec s = parse_case_header(kProbe, "attacks/x.py", fake_files({}));
    EXPECT_EQ(CaseKind::Probe, s.kind);
    EXPECT_EQ("net.tcp", s.id);
    EXPECT_EQ("network", s.family);
    EXPECT_EQ((std::vector<std::string>{"network", "isolation"}), s.controls);
    EXPECT_EQ(Expect::Report, s.expect);
    EXPECT_EQ(10.0, s.timeout_s);
    EXPECT_EQ(ImageChoice::Base, s.image);
    EXPECT_FALSE(s.targets_external);
    EXPECT_FALSE(s.accepted_risk);
    EXPECT_EQ("tries TCP", s.summary);
    EXPECT_TRUE(std::filesystem::path(s.path).is_absolute());
    EXPECT_TRUE(s.path.ends_with("/attacks/x.py"));
}

TEST(ParseCaseHeader, ReadsEveryOptionalKey) {
    CaseSpec s = parse_case_header(
        "#!/usr/bin/env python3\n"
        "\n"
        "# sandbox-harness: probe\n"
        "# id: fs.host-write\n"
        "# family: filesystem\n"
        "# controls: read-only\n"
        "# expect: killed\n"
        "# timeout: 2.5\n"
        "# image: all\n"
        "# args: --host {canary_host} --port={canary_tcp_port} {token}\n"
        "# targets: external\n"
        "# accepted-risk: 3\n"
        "# host-files: /etc/passwd, /tmp/x\n"
        "# self-test: --self-test --quick\n"
        "# checked-by: tests/integration/x.sh\n"
        "# tags: smoke, slow\n"
        "# summary: writes\n"
        "#\n"
        "# free text: not a key\n"
        "import os\n",
        "attacks/y.py", fake_files({}));
    EXPECT_EQ(Expect::Killed, s.expect);
    EXPECT_EQ(2.5, s.timeout_s);
    EXPECT_EQ(ImageChoice::All, s.image);
    EXPECT_EQ((std::vector<std::string>{"--host", "{canary_host}", "--port={canary_tcp_port}", "{token}"}), s.args);
    EXPECT_TRUE(s.targets_external);
    EXPECT_EQ(3, s.accepted_risk);
    EXPECT_EQ((std::vector<std::string>{"/etc/passwd", "/tmp/x"}), s.host_files);
    EXPECT_EQ((std::vector<std::string>{"--self-test", "--quick"}), s.self_test_args);
    EXPECT_EQ("tests/integration/x.sh", s.checked_by);
    EXPECT_EQ((std::vector<std::string>{"smoke", "slow"}), s.tags);
    EXPECT_TRUE(s.has_tag("smoke"));
    EXPECT_EQ((std::vector<std::string>{"base", "science"}), s.image_names());
}

TEST(ParseCaseHeader, ToleratesCrlfAndSpacing) {
    CaseSpec s = parse_case_header(
        "# sandbox-harness: workload\r\n#id:hello\r\n#   expect-exit:   3  \r\n# summary: s\r\n", "w.py",
        fake_files({}));
    EXPECT_EQ("hello", s.id);
    EXPECT_EQ(3, s.expect_exit);
    EXPECT_EQ("benign", s.family);
    EXPECT_EQ(Expect::Exit, s.expect);
}

TEST(ParseCaseHeader, WorkloadExpectStdoutResolvesEscapesAndAddsTheFinalNewline) {
    CaseSpec s = parse_case_header(
        "# sandbox-harness: workload\n# id: w\n# expect-stdout: a\\nb\\\\n\n# summary: s\n", "w.py", fake_files({}));
    EXPECT_EQ("a\nb\\n\n", s.expect_stdout);
}

TEST(ParseCaseHeader, WorkloadExpectStdoutFileIsReadRelativeToTheScript) {
    CaseSpec s = parse_case_header(
        "# sandbox-harness: workload\n# id: w\n# expect-stdout-file: out/w.txt\n# summary: s\n",
        "workloads/w.py", fake_files({{"workloads/out/w.txt", "exact\nbytes"}}));
    EXPECT_EQ("exact\nbytes", s.expect_stdout);
    EXPECT_TRUE(s.expect_stdout_file->ends_with("/workloads/out/w.txt"));
}

TEST(ParseCaseHeader, MissingHeader) {
    EXPECT_EQ((std::vector<std::string>{
                  "attacks/x.py:1: missing header: the first comment block must start with "
                  "'# sandbox-harness: probe' or '# sandbox-harness: workload'"}),
              errors_of("import os\n"));
    EXPECT_EQ((std::vector<std::string>{
                  "attacks/x.py:3: missing header: the first comment block must start with "
                  "'# sandbox-harness: probe' or '# sandbox-harness: workload'"}),
              errors_of("#!/usr/bin/python3\n\n# id: x\n"));
    EXPECT_EQ(1u, errors_of("").size());
}

TEST(ParseCaseHeader, BadKind) {
    EXPECT_EQ((std::vector<std::string>{"attacks/x.py:1: bad sandbox-harness 'attack' (allowed: probe, workload)"}),
              errors_of("# sandbox-harness: attack\n"));
}

TEST(ParseCaseHeader, UnknownKeyListsTheKnownOnes) {
    EXPECT_EQ((std::vector<std::string>{
                  "attacks/x.py:7: unknown key 'contrls' (known: id, family, controls, expect, timeout, image, "
                  "args, targets, accepted-risk, host-files, self-test, checked-by, tags, expect-exit, expect-stdout, "
                  "expect-stdout-file, summary)"}),
              errors_of(kProbe + "# contrls: x\n"));
}

TEST(ParseCaseHeader, DuplicateKeyAndNonKeyLine) {
    EXPECT_EQ((std::vector<std::string>{
                  "attacks/x.py:7: duplicate key 'id' (first on line 2)",
                  "attacks/x.py:8: not a 'key: value' line: '# This probe tries things' (a bare '#' line "
                  "ends the header, so prose can follow it)",
                  "attacks/x.py:9: empty value for 'tags'"}),
              errors_of(kProbe + "# id: again\n# This probe tries things\n# tags:\n"));
}

TEST(ParseCaseHeader, BadValuesAreEachReported) {
    EXPECT_EQ((std::vector<std::string>{
                  "attacks/x.py:2: bad id 'Net.TCP': lowercase letters, digits, '.', '_' and '-', starting "
                  "with a letter or digit",
                  "attacks/x.py:4: unknown control 'netwrk' (allowed: isolation, network, user, read-only, "
                  "tmpfs, cap-drop, no-new-privileges, cpus, memory, pids, ulimits, timeout, ast)",
                  "attacks/x.py:4: control 'user' listed twice",
                  "attacks/x.py:4: empty entry in controls",
                  "attacks/x.py:6: bad timeout '-3': a positive number of seconds",
                  "attacks/x.py:7: bad image 'gpu' (allowed: base, science, all)",
                  "attacks/x.py:8: unknown placeholder '{canary_port}' in args (known: {canary_host}, "
                  "{canary_tcp_port}, {canary_udp_port}, {token})",
                  "attacks/x.py:9: bad targets 'internet' (allowed: canary, external)",
                  "attacks/x.py:10: bad accepted-risk 'two': the number of a Known Weakness in "
                  "sandbox/README.md",
                  "attacks/x.py:11: bad host-files entry 'etc/passwd': an absolute host path",
                  "attacks/x.py:12: bad tag 'Smoke': lowercase letters, digits, '.', '_' and '-'",
                  "attacks/x.py:3: unknown family 'benign' (allowed: resource, network, filesystem, "
                  "privilege, kernel, info-leak, timeout, output, cve, ast-bypass)",
                  "attacks/x.py:5: bad expect 'exit' for a probe (allowed: report, killed, timeout)"}),
              errors_of("# sandbox-harness: probe\n"
                        "# id: Net.TCP\n"
                        "# family: benign\n"
                        "# controls: netwrk, user, user,\n"
                        "# expect: exit\n"
                        "# timeout: -3\n"
                        "# image: gpu\n"
                        "# args: {canary_port}\n"
                        "# targets: internet\n"
                        "# accepted-risk: two\n"
                        "# host-files: etc/passwd\n"
                        "# tags: Smoke\n"
                        "# summary: s\n"));
}

TEST(ParseCaseHeader, TimeoutMustBeAFiniteNumber) {
    for (const char* bad : {"0", "abc", "10s", "inf", "nan", "1e999"})
        EXPECT_EQ(1u, errors_of("# sandbox-harness: workload\n# id: w\n# expect-exit: 0\n# summary: s\n"
                                "# timeout: " + std::string(bad) + "\n").size())
            << bad;
}

TEST(ParseCaseHeader, MissingRequiredKeys) {
    EXPECT_EQ((std::vector<std::string>{"attacks/x.py:1: missing required keys: family, controls, expect, summary"}),
              errors_of("# sandbox-harness: probe\n# id: p\n"));
    EXPECT_EQ((std::vector<std::string>{"attacks/x.py:1: missing required key: id"}),
              errors_of("# sandbox-harness: workload\n# expect-exit: 0\n# summary: s\n"));
}

TEST(ParseCaseHeader, KindSpecificKeys) {
    EXPECT_EQ((std::vector<std::string>{"attacks/x.py:7: 'expect-stdout' is for workloads only"}),
              errors_of(kProbe + "# expect-stdout: hi\n"));
    EXPECT_EQ((std::vector<std::string>{
                  "w.py:3: 'accepted-risk' is for probes only",
                  "w.py:4: 'self-test' is for probes only",
                  "w.py:5: 'checked-by' is for probes only",
                  "w.py:6: bad family 'network' for a workload (workloads are 'benign')",
                  "w.py:7: bad expect 'report' for a workload (allowed: exit)"}),
              errors_of("# sandbox-harness: workload\n# id: w\n# accepted-risk: 1\n# self-test: --x\n"
                        "# checked-by: t.sh\n# family: network\n# expect: report\n# expect-exit: 0\n# summary: s\n",
                        "w.py"));
}

TEST(ParseCaseHeader, WorkloadMustStateItsExpectedOutput) {
    EXPECT_EQ((std::vector<std::string>{"w.py:1: a workload must state what it must produce: expect-stdout, "
                                        "expect-stdout-file or expect-exit"}),
              errors_of("# sandbox-harness: workload\n# id: w\n# summary: s\n", "w.py"));
    EXPECT_EQ((std::vector<std::string>{
                  "w.py:4: cannot read expect-stdout-file 'o.txt' (o.txt): No such file or directory",
                  "w.py:4: 'expect-stdout' and 'expect-stdout-file' exclude each other"}),
              errors_of("# sandbox-harness: workload\n# id: w\n# expect-stdout: x\n# expect-stdout-file: o.txt\n"
                        "# summary: s\n", "w.py"));
}

TEST(ParseCaseHeader, BadEscapeInExpectStdout) {
    EXPECT_EQ((std::vector<std::string>{"w.py:3: bad escape '\\t' in expect-stdout (only \\n and \\\\)"}),
              errors_of("# sandbox-harness: workload\n# id: w\n# expect-stdout: a\\tb\n# summary: s\n", "w.py"));
}

TEST(LoadCatalogue, ReadsEveryScriptRecursivelyInPathOrder) {
    Catalogue cat = load_catalogue({kData + "/good/attacks", kData + "/good/workloads"});
    std::vector<std::string> ids;
    for (const auto& c : cat.cases) ids.push_back(c.id);
    EXPECT_EQ((std::vector<std::string>{"net.tcp-canary", "resource.memory-balloon", "hello", "science.table"}), ids);
    ASSERT_NE(nullptr, cat.find("science.table"));
    EXPECT_EQ("a b\n1 2\n", cat.find("science.table")->expect_stdout);
    EXPECT_EQ(nullptr, cat.find("nope"));
    EXPECT_EQ(2, cat.find("resource.memory-balloon")->accepted_risk);
}

TEST(LoadCatalogue, ReportsEveryErrorOfEveryFileAtOnce) {
    const std::string bad = kData + "/bad";
    try {
        load_catalogue({bad, kData + "/missing"});
        FAIL() << "expected CatalogueError";
    } catch (const CatalogueError& e) {
        EXPECT_EQ((std::vector<std::string>{
                      kData + "/missing: not a directory: the catalogue is read from directories of *.py scripts",
                      bad + "/a_typo.py:4: unknown key 'contrls' (known: id, family, controls, expect, timeout, "
                            "image, args, targets, accepted-risk, host-files, self-test, checked-by, tags, expect-exit, expect-stdout, "
                            "expect-stdout-file, summary)",
                      bad + "/a_typo.py:6: bad timeout '-3': a positive number of seconds",
                      bad + "/a_typo.py:1: missing required key: controls",
                      bad + "/b_no_header.py:1: missing header: the first comment block must start with "
                            "'# sandbox-harness: probe' or '# sandbox-harness: workload'",
                      bad + "/d_duplicate.py:2: duplicate id 'net.tcp' (also in " + bad + "/c_duplicate.py)"}),
                  e.errors());
        std::string joined;
        for (const auto& line : e.errors()) joined += (joined.empty() ? "" : "\n") + line;
        EXPECT_EQ(joined, e.what());
    }
}

/// A scratch catalogue directory, removed at the end.
struct ScratchCatalogue {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("sh-catalogue-test-" + std::to_string(::getpid()));
    ScratchCatalogue() {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
    }
    ~ScratchCatalogue() { std::filesystem::remove_all(dir); }
    void write(const std::string& name, const std::string& text) const { std::ofstream(dir / name) << text; }
    std::vector<std::string> errors() const {
        try {
            load_catalogue({dir});
        } catch (const CatalogueError& e) {
            return e.errors();
        }
        return {};
    }
};

const std::string kWorkload = "# sandbox-harness: workload\n# id: wl.x\n# summary: x\n";

TEST(LoadCatalogue, BadInputNeverHangsAndIsNamedWithItsFileAndLine) {
    ScratchCatalogue c;
    const std::string d = c.dir.string();
    ASSERT_EQ(0, ::mkfifo((c.dir / "fifo.out").c_str(), 0600));
    c.write("a_fifo.py", kWorkload + "# expect-stdout-file: fifo.out\n");
    c.write("b_zero.py", "# sandbox-harness: workload\n# id: wl.zero\n# summary: z\n"
                         "# expect-stdout-file: ../../../../../../../dev/zero\n");
    c.write("c_latin1.py", "# sandbox-harness: workload\n# id: wl.latin\n# summary: caf\xe9\n# expect-exit: 0\n");
    c.write("d_device.py", "# sandbox-harness: probe\n# id: p.dev\n# family: network\n# controls: network\n"
                           "# expect: report\n# host-files: /dev/zero\n# summary: s\n");
    std::filesystem::create_symlink(c.dir / "nowhere.py", c.dir / "e_dangling.py");
    std::filesystem::create_directories(c.dir / "f_dir.py");
    const auto errors = c.errors();
    const std::vector<std::string> want = {
        d + "/e_dangling.py: not a script: a symbolic link to nothing readable (every *.py under the catalogue "
            "must be a regular file)",
        d + "/f_dir.py: not a script: not a regular file (every *.py under the catalogue must be a regular file)",
        d + "/a_fifo.py:4: cannot read expect-stdout-file 'fifo.out' (" + d + "/fifo.out): not a regular file (a FIFO)",
        d + "/b_zero.py:4: cannot read expect-stdout-file '../../../../../../../dev/zero' (" + d +
            "/../../../../../../../dev/zero): not a regular file (a character device)",
        d + "/c_latin1.py:3: not valid UTF-8: a header is UTF-8 text (as Python source is)",
        d + "/c_latin1.py:1: missing required key: summary",
        d + "/d_device.py:6: bad host-files entry '/dev/zero': not a regular file (only regular files, or paths "
            "that do not exist yet, can be watched)",
    };
    EXPECT_EQ(want, errors);
}

TEST(LoadCatalogue, TheShippedProbesAndWorkloadsParse) {
    std::vector<std::filesystem::path> dirs;
    for (const char* d : {SH_SOURCE_DIR "/attacks", SH_SOURCE_DIR "/workloads"}) {
        ASSERT_TRUE(std::filesystem::is_directory(d)) << d << " is missing: the catalogue ships it";
        dirs.push_back(d);
    }
    try {
        EXPECT_FALSE(load_catalogue(dirs).cases.empty());
    } catch (const CatalogueError& e) {
        ADD_FAILURE() << e.what();
    }
}

TEST(GlobMatch, StarAndQuestionMark) {
    EXPECT_TRUE(glob_match("*", ""));
    EXPECT_TRUE(glob_match("net.*", "net.tcp"));
    EXPECT_TRUE(glob_match("*.tcp", "net.tcp"));
    EXPECT_TRUE(glob_match("n?t.*p", "net.tcp"));
    EXPECT_TRUE(glob_match("*a*b*", "xxaxxbxx"));
    EXPECT_TRUE(glob_match("net.tcp", "net.tcp"));
    EXPECT_FALSE(glob_match("net.tcp", "net.tcpx"));
    EXPECT_FALSE(glob_match("net.?", "net."));
    EXPECT_FALSE(glob_match("*a*b", "xxaxxbxx"));
    EXPECT_FALSE(glob_match("", "x"));
    EXPECT_TRUE(glob_match("a**b", "ab"));
}

TEST(Suites, ParseAndFilter) {
    Catalogue cat = load_catalogue({kData + "/good"});
    const auto all = cat.all();
    auto ids = [](const std::vector<const CaseSpec*>& v) {
        std::vector<std::string> out;
        for (auto* c : v) out.push_back(c->id);
        return out;
    };
    EXPECT_EQ(4u, filter_by_suite(all, parse_suite("nightly")).size());
    EXPECT_EQ(4u, filter_by_suite(all, parse_suite("all")).size());
    EXPECT_EQ((std::vector<std::string>{"net.tcp-canary", "resource.memory-balloon"}),
              ids(filter_by_suite(all, parse_suite("probes"))));
    EXPECT_EQ((std::vector<std::string>{"hello", "science.table"}), ids(filter_by_suite(all, parse_suite("workloads"))));
    EXPECT_EQ((std::vector<std::string>{"net.tcp-canary", "hello"}), ids(filter_by_suite(all, parse_suite("smoke"))));
    try {
        parse_suite("nighty");
        FAIL();
    } catch (const CatalogueError& e) {
        EXPECT_STREQ("unknown suite 'nighty' (known: nightly, all, probes, workloads, smoke)", e.what());
    }
}

TEST(Suites, GlobAndImageFilters) {
    Catalogue cat = load_catalogue({kData + "/good"});
    const auto all = cat.all();
    EXPECT_EQ(4u, filter_by_glob(all, {}).size());
    EXPECT_EQ(2u, filter_by_glob(all, {"net.*", "hel?o"}).size());
    EXPECT_EQ((std::vector<std::string>{"nope.*"}), unmatched_patterns(all, {"net.*", "nope.*"}));
    EXPECT_EQ(3u, filter_by_image(all, ImageChoice::Base).size());     // base + all
    EXPECT_EQ(2u, filter_by_image(all, ImageChoice::Science).size());  // science + all
    EXPECT_EQ(4u, filter_by_image(all, ImageChoice::All).size());
}

}  // namespace
}  // namespace sh
