#pragma once
/// Host claims: a probe says which of the values it saw it takes for the host's own, in its
/// report's `host_claims` key (attacks/README.md, "Host claims"):
/// `{"kernel_release": {"seen": "6.18.44", "is_host": true}, "mem_total_kib": {...}}`. The
/// probe cannot be told the host's values; the harness reads them once per run
/// (io/host_facts.h) and checks every claim here, so that a verdict about the host's identity
/// rests on the host's values, not on the probe's guess. Pure logic: no I/O.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sh {

/// The host's own values, as a claim names them. Unset: the harness could not read it.
struct HostFacts {
    std::optional<std::string> kernel_release;  ///< "kernel_release": uname -r
    std::optional<long long> mem_total_kib;     ///< "mem_total_kib": MemTotal of /proc/meminfo
    std::optional<std::string> cpu_model;       ///< "cpu_model": the first "model name" of /proc/cpuinfo
    std::optional<std::string> boot_id;         ///< "boot_id": /proc/sys/kernel/random/boot_id
    std::optional<std::string> hostname;        ///< "hostname": the host's name
};

/// "kernel_release", "mem_total_kib", "cpu_model", "boot_id" or "hostname".
bool is_host_fact(std::string_view name);

/// The host's value of the fact a claim names, as text (mem_total_kib in decimal); nullopt when
/// the name is no fact or the harness does not know the value.
std::optional<std::string> host_fact(const HostFacts&, std::string_view name);

/// What the check does to the verdict judge() reached from everything else.
enum class ClaimOutcome {
    Unchanged,
    Escaped,  ///< a value the probe took for the runtime's own is the host's: it got out
    Error,    ///< the escape the probe reports rests on claims the host's values contradict
};

struct HostClaimsCheck {
    ClaimOutcome outcome = ClaimOutcome::Unchanged;
    std::string reason;              ///< why, when the outcome is not Unchanged
    std::vector<std::string> notes;  ///< what was checked and what could not be, for the record's reasons
};

/// Checks the `host_claims` of a probe's report (the whole report object) against the host's
/// values. Values compare exactly, as text: a string as it is, a whole number in decimal
/// (mem_total_kib: under gVisor MemTotal is the container's limit, so nothing but an exact match
/// is the host's). In this order:
///  1. a claim with `is_host` false whose `seen` is the host's value → Escaped; the reason names
///     every such fact and its value;
///  2. a report with `"escaped": true` that makes at least one `is_host` true claim, every one of
///     which the host's values contradict (its `seen` differs) → Error: the probe's judgement rests
///     on a belief the outside evidence refutes, so the case is neither contained nor escaped;
///  3. otherwise Unchanged (claims that hold are noted as confirmed).
/// A claim the harness cannot check (a fact it does not know, a malformed entry) never changes
/// the outcome and, since an escape may rest on it, keeps rule 2 from applying; it is noted.
HostClaimsCheck check_host_claims(const nlohmann::json& report, const HostFacts&);

}  // namespace sh
