#include "reports/annotations.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

Record record(std::string id, Verdict v, std::string reason) {
    Record r;
    r.case_id = std::move(id);
    r.image = "base";
    r.judgement.verdict = v;
    r.judgement.reasons = {std::move(reason)};
    return r;
}

TEST(GithubAnnotations, OneErrorPerBadCaseOnItsFileWithEscapedText) {
    RunReport report;
    report.records = {record("net.tcp", Verdict::Escaped, "canary hit: 50%\nsecond line"),
                      record("wl.hello", Verdict::Pass, "exit 0"),
                      record("p.x", Verdict::Error, "::warning::forged, by the probe"),
                      record("p.known", Verdict::AcceptedRisk, "known")};
    report.records[0].script = "attacks/network/tcp_canary.py";
    const std::string got = github_annotations(report);
    // A command only starts a line: the escaped newline keeps a probe's text from forging one.
    EXPECT_EQ("::error file=attacks/network/tcp_canary.py,line=1,title=escaped net.tcp[base]#0::"
              "canary hit: 50%25%0Asecond line\n"
              "::error title=error p.x[base]#0::::warning::forged, by the probe\n",
              got);
}

}  // namespace
}  // namespace sh
