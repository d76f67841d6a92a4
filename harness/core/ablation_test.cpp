#include "core/ablation.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

using Ids = std::vector<std::string>;

Record probe_record(const std::string& id, Verdict v, const std::string& image = "base") {
    Record r;
    r.case_id = id;
    r.kind = CaseKind::Probe;
    r.image = image;
    r.judgement.verdict = v;
    r.launch.started = true;
    r.launch.exit_code = 0;
    r.observation.container_id = "c0ffee";
    return r;
}

/// What the AST check's rejection leaves: contained, launcher exit 126, no container.
Record ast_rejected(const std::string& id) {
    Record r = probe_record(id, Verdict::Contained);
    r.launch.exit_code = kLauncherAstRejected;
    r.observation.container_id.reset();
    r.judgement.stopped_by = "ast";
    return r;
}

RunReport run_of(std::vector<Record> records) {
    RunReport r;
    r.records = std::move(records);
    return r;
}

CaseSpec probe_spec(const std::string& id, std::vector<std::string> controls) {
    CaseSpec s;
    s.id = id;
    s.kind = CaseKind::Probe;
    s.controls = std::move(controls);
    return s;
}

std::vector<Weakening> two_weakenings() {
    return {{"network", "SANDBOX_NETWORK=bridge", "/x/weakened/01-network.env", {{"SANDBOX_NETWORK", "bridge"}}},
            {"ast", "the AST check off", "/x/weakened/09-ast.env", {{"SANDBOX_AST_CHECK", "0"}}}};
}

TEST(AblationRows, AreTheReferenceRowsEachWeakeningWithTheAstCheckOffThenTheSelfTests) {
    const auto rows = ablation_rows(two_weakenings());
    Ids keys;
    for (const auto& r : rows) keys.push_back(r.key);
    EXPECT_EQ((Ids{"default", "validator-off", "01-network", "09-ast", "self-test"}), keys);
    EXPECT_TRUE(rows[0].overrides.empty());
    EXPECT_EQ("", rows[0].control);
    EXPECT_EQ((std::map<std::string, std::string>{{"SANDBOX_AST_CHECK", "0"}}), rows[1].overrides);
    EXPECT_EQ("network", rows[2].control);
    EXPECT_EQ((std::map<std::string, std::string>{{"SANDBOX_AST_CHECK", "0"}, {"SANDBOX_NETWORK", "bridge"}}),
              rows[2].overrides);
    EXPECT_EQ("SANDBOX_NETWORK=bridge", rows[2].description);
    EXPECT_TRUE(rows[4].self_test);
    EXPECT_EQ("self-test", rows[4].control);
    EXPECT_FALSE(rows[2].self_test);
}

TEST(AblationRowFilters, TheSelfTestRowRunsOnlyWhenASelectedCaseHasASelfTest) {
    const auto rows = ablation_rows({});
    const AblationRow& self_test = rows.back();
    CaseSpec plain = probe_spec("net.tcp", {"network"});
    EXPECT_FALSE(ablation_row_filters(self_test, {&plain}, false, {"net.*"}));
    CaseSpec with = probe_spec("runc.cve", {"runtime"});
    with.self_test_args = {"--stand-in"};
    EXPECT_EQ(Ids{"net.*"}, ablation_row_filters(self_test, {&plain, &with}, false, {"net.*"}));
    // --targeted leaves the self-test row to the user's filters too.
    EXPECT_EQ(Ids{"net.*"}, ablation_row_filters(self_test, {&plain, &with}, true, {"net.*"}));
}

TEST(AblationRowFilters, TargetedRowsRunOnlyTheProbesNamingTheirControl) {
    const auto rows = ablation_rows(two_weakenings());
    CaseSpec net = probe_spec("net.tcp", {"network"}), mem = probe_spec("res.balloon", {"memory"});
    CaseSpec wl = probe_spec("wl.hello", {"network"});
    wl.kind = CaseKind::Workload;
    const std::vector<const CaseSpec*> selected = {&net, &mem, &wl};
    EXPECT_EQ(Ids{"net.tcp"}, ablation_row_filters(rows[2], selected, true, {}));
    EXPECT_FALSE(ablation_row_filters(rows[3], selected, true, {}));  // no probe names "ast"
    // The reference rows, and every row without --targeted, run what the user selected.
    EXPECT_EQ(Ids{"*"}, ablation_row_filters(rows[0], selected, true, {"*"}));
    EXPECT_EQ(Ids{}, ablation_row_filters(rows[3], selected, false, {}));
}

TEST(AblationCoverage, HasOneRowPerWeakenedRowThatRanAndOneColumnPerProbe) {
    const auto rows = ablation_rows(two_weakenings());
    std::map<std::string, RunReport> runs;
    runs["default"] = run_of({probe_record("net.tcp", Verdict::Contained)});
    runs["validator-off"] = run_of({probe_record("net.tcp", Verdict::Contained)});
    runs["01-network"] = run_of({probe_record("net.tcp", Verdict::Escaped), probe_record("res.balloon", Verdict::Contained)});
    CaseSpec net = probe_spec("net.tcp", {"network"});
    net.checked_by = "tests/integration/check.sh";
    CaseSpec absent = probe_spec("not.run", {"network"});
    absent.checked_by = "tests/integration/other.sh";
    const CoverageMatrix m = ablation_coverage(rows, runs, {&net, &absent});
    EXPECT_EQ(Ids{"01-network"}, m.controls);
    EXPECT_EQ((Ids{"net.tcp", "res.balloon"}), m.probes);
    EXPECT_EQ(Verdict::Escaped, m.cells.at({"01-network", "net.tcp"}));
    EXPECT_EQ("network: SANDBOX_NETWORK=bridge", m.weakening_description.at("01-network"));
    EXPECT_EQ((std::map<std::string, std::string>{{"net.tcp", "tests/integration/check.sh"}}), m.checked_by);
    EXPECT_TRUE(m.caught.empty());
}

TEST(AblationCoverage, AProbeCatchesTheAstRowWhenTheAstCheckStoppedItByDefaultAndSomethingElseWithout) {
    const auto rows = ablation_rows(two_weakenings());
    std::map<std::string, RunReport> runs;
    runs["default"] = run_of({ast_rejected("fs.ctypes"), ast_rejected("net.raw"), probe_record("net.tcp", Verdict::Contained)});
    // Without the check: fs.ctypes is stopped by the runtime; net.raw is still rejected (another
    // rule of the check was left on); net.tcp was never the check's.
    Record still = ast_rejected("net.raw");
    runs["09-ast"] = run_of({probe_record("fs.ctypes", Verdict::Contained), still, probe_record("net.tcp", Verdict::Contained)});
    const CoverageMatrix m = ablation_coverage(rows, runs, {});
    EXPECT_EQ((std::set<std::pair<std::string, std::string>>{{"09-ast", "fs.ctypes"}}), m.caught);
    EXPECT_TRUE(catches(m, "09-ast", "fs.ctypes"));
    EXPECT_FALSE(catches(m, "09-ast", "net.raw"));
}

TEST(AblationCoverage, AContainedVerdictWithAContainerIsNoAstRejection) {
    const auto rows = ablation_rows(two_weakenings());
    Record attributed = ast_rejected("fs.ctypes");
    attributed.observation.container_id = "c0ffee";  // a container ran: the check did not stop it
    std::map<std::string, RunReport> runs;
    runs["default"] = run_of({attributed});
    runs["09-ast"] = run_of({probe_record("fs.ctypes", Verdict::Contained)});
    EXPECT_TRUE(ablation_coverage(rows, runs, {}).caught.empty());
}

TEST(RuntimeEscapes, AreTheFailuresOfTheValidatorOffRow) {
    std::map<std::string, RunReport> runs;
    EXPECT_TRUE(runtime_escapes(runs).empty());
    runs["default"] = run_of({probe_record("net.tcp", Verdict::Escaped)});
    runs["validator-off"] = run_of({probe_record("net.tcp", Verdict::Escaped, "science"),
                                    probe_record("fs.etc", Verdict::Error), probe_record("res.fork", Verdict::AcceptedRisk),
                                    probe_record("wl.x", Verdict::Fail)});
    EXPECT_EQ((Ids{"net.tcp[science]", "wl.x[base]"}), runtime_escapes(runs));
}

}  // namespace
}  // namespace sh
