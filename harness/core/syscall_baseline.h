#pragma once
/// The syscall sweep's golden baseline, one per runtime: kernel.syscall-sweep prints every syscall
/// that reached the kernel (`reached`) and a short hash of the list (`reached_sha256_16`); the
/// baseline next to the probe holds the same two, recorded with a known engine and kernel
/// (`recorded_with`). A different set on the same engine and kernel means the seccomp filter or
/// the capability set changed: the security review of a flag change needs exactly that list.
/// Only the lists are compared. Each hash is recomputed from its own list (syscall_set_hash) and
/// must equal the one written beside it: a report whose hash is not its list's is forged or
/// broken (an error, not a match), and a baseline file whose hash is not its list's does not load.
/// Pure logic: no I/O (run/suite.cpp reads the file).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/verdict.h"

namespace sh {

/// The case whose report is compared with a baseline.
inline constexpr const char* kSyscallSweepId = "kernel.syscall-sweep";

/// The baseline file for a runtime, next to the probe: "syscall_baseline.json" for runc (and an
/// empty name, the launcher's default), "syscall_baseline.<runtime>.json" for any other.
std::string syscall_baseline_file_name(const std::string& runtime);

struct SyscallBaseline {
    std::string hash;                  ///< reached_sha256_16
    std::vector<std::string> reached;  ///< sorted
    std::string engine;                ///< recorded_with.docker_engine: the engine's version
    std::string kernel;                ///< recorded_with.kernel: the host's kernel release (uname -r)
};

/// The sweep's hash of a set of syscall names, as the probe computes it: the first 16 hex digits
/// of SHA-256 over the names, sorted and unique, joined by single spaces.
std::string syscall_set_hash(const std::vector<std::string>& sorted_names);

/// Parses a baseline file's text. nullopt with `error` set ("no string \"reached_sha256_16\"")
/// when it is not JSON, lacks reached_sha256_16, reached (strings) or recorded_with's
/// docker_engine and kernel, or when its reached_sha256_16 is not syscall_set_hash of its reached.
std::optional<SyscallBaseline> parse_syscall_baseline(const std::string& text, std::string& error);

/// What a run compares the sweep with.
struct SyscallBaselineCheck {
    std::string file;      ///< the baseline's path as reasons show it ("attacks/kernel/syscall_baseline.json")
    std::string runtime;   ///< the profile's SANDBOX_RUNTIME
    std::optional<SyscallBaseline> baseline;  ///< nullopt: there is no such file
    std::string engine;    ///< this run's engine version
    std::string kernel;    ///< this host's kernel release
};

enum class BaselineOutcome {
    NotCompared,   ///< no report, or one with neither reached nor reached_sha256_16
    Inconsistent,  ///< the report's reached_sha256_16 is not its reached list's hash, or one of the two
                   ///< is missing or malformed: forged or broken, checked before any baseline
    Missing,       ///< no baseline for the runtime: the reason names the file to create
    Matches,       ///< the same set as the baseline's
    Stale,         ///< another set, but the run's engine or kernel is not the baseline's
    Regression,    ///< another set on the baseline's own engine and kernel
};

struct BaselineComparison {
    BaselineOutcome outcome = BaselineOutcome::NotCompared;
    std::string reported_hash;  ///< the report's reached_sha256_16, as it says (untrusted)
    std::string hash;           ///< syscall_set_hash of the report's reached list
    std::size_t reached = 0;    ///< the syscalls in the report's list, counted here
    std::vector<std::string> newly_reached;      ///< in the report, not in the baseline (sorted)
    std::vector<std::string> no_longer_reached;  ///< in the baseline, not in the report (sorted)
    std::string reason;                          ///< one line for the record's reasons
};

/// Compares a sweep report (the whole report object) with the run's baseline.
BaselineComparison compare_with_baseline(const nlohmann::json& report, const SyscallBaselineCheck&);

/// Applies the comparison to the sweep's judgement (other cases are left alone):
///  - Inconsistent: a `contained` sweep becomes `error` (its report contradicts itself, so whether
///    the list or the hash is the truth is unknown: the case cannot be judged, and it is never
///    counted as contained; not `fail`, which says the control changed), the reason first, naming
///    both hashes; any other verdict stays, with the reason added;
///  - Regression: a `contained` sweep becomes `fail` (the control it checks no longer matches its
///    golden, whether it let more calls through or fewer; not `escaped`, since no dangerous call
///    has to be among them, and not `error`, since nothing broke), the reason first; any other
///    verdict stays, with the reason added;
///  - Matches, Stale, Missing: a reason added, the verdict unchanged.
void apply_syscall_baseline(Judgement&, const std::string& case_id, const SyscallBaselineCheck&);

}  // namespace sh
