#pragma once
/// What `chaos` found: one row per fault it injected into a real run (an engine action nobody in
/// the run asked for, a killed launcher or harness, a full disk, a restarted engine) with what the
/// harness had to show for it and what it showed. Pure: no I/O.
///
/// Each fault is a positive control of one invariant: the run must flag it (an error that names
/// it, a container gone within a bound, exit 2 with every judged record kept). The row with no
/// fault is the negative control: the same case, undisturbed, must not be flagged.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sh {

enum class FaultStatus {
    Held,     ///< the harness showed what it must
    Broken,   ///< it did not: a false pass, a lost record, a container left running
    Skipped,  ///< the fault could not be injected on this host (the reason says why)
};

const char* to_string(FaultStatus);

struct FaultResult {
    std::string fault;     ///< "docker-kill", ...
    std::string injected;  ///< what was done, in a sentence
    std::string expected;  ///< what the harness must show
    std::string observed;  ///< what it showed: verdicts, exit status, what was left
    FaultStatus status = FaultStatus::Broken;
    std::string reason;    ///< why Broken or Skipped
    /// Seconds from the fault until the harness was back to judging normally (the case judged,
    /// the containers gone, the engine answering and a case passing again); absent when not measured.
    std::optional<double> recovery_s;
    /// For a killed launcher: how long the container outlived its own timeout.
    std::optional<double> deadline_overrun_s;
};

nlohmann::json to_json(const FaultResult&);
nlohmann::json to_json(const std::vector<FaultResult>&);

/// Seconds since the epoch of an engine timestamp ("2026-12-01T06:40:00.123456789Z", as in
/// State.StartedAt); nullopt for anything else, and for the engine's "0001-01-01T00:00:00Z" (never).
std::optional<double> parse_engine_time(const std::string&);

/// 0 when every fault held (skips allowed), 1 when one broke.
int chaos_exit_status(const std::vector<FaultResult>&);

}  // namespace sh
