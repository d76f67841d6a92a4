#pragma once
/// Judging: (CaseSpec, LaunchResult, Observation) → a verdict from a closed set, with reasons.
/// Pure logic: no I/O.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "case_spec.h"
#include "launch_result.h"
#include "observation.h"

namespace sh {

/// The closed set. Probes end contained/escaped/accepted-risk; workloads pass/fail; any case can
/// end error (the harness or the probe itself broke: never counted as contained) or skipped.
enum class Verdict { Pass, Fail, Contained, Escaped, AcceptedRisk, Error, Skipped };

const char* to_string(Verdict);
std::optional<Verdict> verdict_from_string(const std::string&);
bool is_failure(Verdict);  ///< Fail or Escaped

/// The probe's own `SANDBOX-PROBE {...}` line, if it printed exactly one well-formed one.
struct ProbeReport {
    bool escaped = false;
    std::string detail;
    nlohmann::json raw;  ///< the whole object, kept as evidence
};

/// Finds and parses the report line in a probe's stdout. Returns nullopt and sets `problem`
/// when there is none, more than one, or it is malformed.
std::optional<ProbeReport> parse_probe_report(const std::string& stdout_text, std::string& problem);

struct Judgement {
    Verdict verdict = Verdict::Error;
    std::vector<std::string> reasons;   ///< human-readable evidence, most important first
    std::optional<std::string> stopped_by;  ///< control that contained it, when known ("ast", "memory", "timeout", ...)
    std::optional<ProbeReport> report;
};

Judgement judge(const CaseSpec&, const LaunchResult&, const Observation&);

}  // namespace sh
