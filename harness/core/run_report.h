#pragma once
/// What every renderer works from: the run's metadata, its judged records, and the counts derived
/// from them. Pure: no I/O.

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/record.h"
#include "core/verdict.h"

namespace sh {

struct RunReport {
    RunMeta meta;
    std::vector<Record> records;
};

using VerdictCounts = std::map<Verdict, std::size_t>;
using VerdictSet = std::set<Verdict>;

struct RunSummary {
    std::size_t total = 0;
    VerdictCounts by_verdict;                          ///< every verdict, zeros included
    std::map<std::string, VerdictCounts> by_kind;      ///< "probe" / "workload" → counts
    std::map<std::string, VerdictCounts> by_family;
    std::map<std::string, VerdictCounts> by_image;
    double wall_ms_total = 0;                          ///< sum over records that started
};

RunSummary summarize(const std::vector<Record>&);
nlohmann::json to_json(const RunSummary&);

/// Worst first: escaped, fail, error, accepted-risk, skipped, contained, pass. Renderers list
/// verdicts in this order so the reader meets the problems first.
const std::vector<Verdict>& verdicts_by_severity();
/// Position in verdicts_by_severity() (0 = worst).
int severity_rank(Verdict);
/// The worst verdict of a non-empty set (by severity_rank).
Verdict worst(const VerdictSet&);
/// True when no record is fail, escaped or error.
bool all_clear(const RunSummary&);
/// "FAIL: 1 escaped, 1 error — 9 cases" / "PASS: 9 cases (5 contained, 4 pass)"; prefixed with
/// "INTERRUPTED " when the run was stopped early.
std::string headline(const RunSummary&, bool interrupted);

/// Records ordered by (case_id, image, repetition), so that reports do not depend on the order
/// in which a concurrent run happened to judge them.
std::vector<const Record*> sorted_records(const std::vector<Record>&);
/// "case-id[image]#rep".
std::string case_label(const Record&);
/// The evidence behind a verdict, most important first, as raw (unescaped) lines: the judge's
/// reasons, then a non-zero exit status, signal, OOM, flag drift, canary hits, host file changes,
/// leftovers, observer notes, and the probe's own detail unless a reason already quotes it.
std::vector<std::string> evidence(const Record&);
/// The run's profile name: the first record's profile_name, else the profile file's stem.
std::string profile_label(const RunReport&);

/// How much of a captured stream a report shows (the harness caps capture separately).
inline constexpr std::size_t kReportOutputCap = 16 * 1024;
/// The part of a captured stream a report shows (at most kReportOutputCap bytes, cut at a UTF-8
/// boundary; raw, not yet escaped) and a heading such as "stdout: 70000 bytes, first 16384 shown".
struct StreamExcerpt {
    std::string heading;
    std::string_view text;
};
StreamExcerpt stdout_excerpt(const LaunchResult&);
StreamExcerpt stderr_excerpt(const LaunchResult&);

}  // namespace sh
