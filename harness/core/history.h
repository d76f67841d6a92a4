#pragma once
/// A night-by-night history of runs (io/history_db.h keeps it in SQLite): what each night gives
/// the reports' "last N nights" sections and the `history` command. Pure logic over rows.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/run_report.h"

namespace sh {

/// One record of a night, as the history keeps it.
struct NightResult {
    std::string case_id;
    std::string image;
    int repetition = 0;
    std::string kind;     ///< "probe" or "workload"
    std::string verdict;  ///< core/verdict.h's text
    std::optional<double> wall_ms;  ///< launch wall time, when the launcher started
};

/// One run (a night, or a merge of its shards) in the history.
struct Night {
    std::string run_id;
    std::string started_at;
    std::string commit;
    std::optional<double> efficiency;  ///< meta.extra.run_efficiency.efficiency_ratio
    std::vector<NightResult> results;
};

/// What the history keeps of a report.
Night night_of(const RunReport&);

/// Per night (oldest first): the verdict counts, the workloads' wall-time p50/p95 and the
/// efficiency ratio; and every case[image] whose verdict differed between two nights of the window
/// (unstable), with its verdicts in order. Sections of meta.extra: "history_nights" and, when any
/// case changed, "history_unstable".
nlohmann::json history_sections(const std::vector<Night>& oldest_first);

/// "case[image]" → its verdicts, night by night (oldest first; "-" where the night lacked it), for
/// the cases whose verdict changed within the window.
std::map<std::string, std::vector<std::string>> changed_cases(const std::vector<Night>& oldest_first);

}  // namespace sh
