#include "core/host_claims.h"

#include <fmt/format.h>

#include "util/escape.h"
#include "util/text.h"

namespace sh {

namespace {

using nlohmann::json;

/// Claims that cannot be checked, listed at most.
constexpr std::size_t kListed = 10;

/// `s` on one line, escaped (util/escape.h) and cut short: a seen value comes from the script.
std::string in_quotes(std::string_view s) { return "'" + ellipsize(one_line(s), 80) + "'"; }

/// A claim's `seen` as text, the way host_fact() spells the host's value; nullopt for a value
/// that is neither a string nor a whole number.
std::optional<std::string> seen_text(const json& seen) {
    if (seen.is_string()) return seen.get<std::string>();
    if (seen.is_number_integer()) return seen.dump();
    return std::nullopt;
}

}  // namespace

bool is_host_fact(std::string_view name) {
    return name == "kernel_release" || name == "mem_total_kib" || name == "cpu_model" || name == "boot_id" ||
           name == "hostname";
}

std::optional<std::string> host_fact(const HostFacts& host, std::string_view name) {
    if (name == "kernel_release") return host.kernel_release;
    if (name == "mem_total_kib") return host.mem_total_kib ? std::optional(std::to_string(*host.mem_total_kib)) : std::nullopt;
    if (name == "cpu_model") return host.cpu_model;
    if (name == "boot_id") return host.boot_id;
    if (name == "hostname") return host.hostname;
    return std::nullopt;
}

HostClaimsCheck check_host_claims(const json& report, const HostFacts& host) {
    HostClaimsCheck out;
    const auto claims = report.find("host_claims");
    if (claims == report.end() || claims->is_null()) return out;
    if (!claims->is_object()) {
        out.notes.push_back("host_claims is not an object: no claim was checked");
        return out;
    }
    std::vector<std::string> leaked, confirmed, contradicted, unchecked;
    int host_claims_made = 0;  // claims with is_host true
    for (const auto& [fact, claim] : claims->items()) {
        const std::string name = one_line(ellipsize(fact, 40));
        const json* seen = claim.is_object() && claim.contains("seen") ? &claim["seen"] : nullptr;
        const json* is_host = claim.is_object() && claim.contains("is_host") ? &claim["is_host"] : nullptr;
        if (!seen || !is_host || !is_host->is_boolean()) {
            unchecked.push_back(name + " (not {\"seen\": value, \"is_host\": bool})");
            continue;
        }
        const bool says_host = is_host->get<bool>();
        host_claims_made += says_host;
        const auto value = host_fact(host, fact);
        const auto text = seen_text(*seen);
        if (!value) {
            unchecked.push_back(name + (is_host_fact(fact) ? " (the host's value is unknown)" : " (no such host fact)"));
            continue;
        }
        if (!text) {
            unchecked.push_back(name + " (seen is neither text nor a whole number)");
            continue;
        }
        const bool same = *text == *value;
        if (same && !says_host)
            leaked.push_back(fmt::format("{} {}", name, in_quotes(*value)));
        else if (same)
            confirmed.push_back(name + " is the host's");
        else if (!says_host)
            confirmed.push_back(name + " is not the host's");
        else
            contradicted.push_back(
                fmt::format("{}: the probe took {} for the host's, the host has {}", name, in_quotes(*text), in_quotes(*value)));
    }

    if (!confirmed.empty()) out.notes.push_back("host claims checked against the host: " + join(confirmed, ", "));
    for (const auto& c : contradicted) out.notes.push_back("host claim contradicted: " + c);
    if (!unchecked.empty()) {
        // The key comes from the script: a flood of made-up facts is counted, not listed.
        const std::size_t more = unchecked.size() > kListed ? unchecked.size() - kListed : 0;
        unchecked.resize(unchecked.size() - more);
        out.notes.push_back("host claims not checked: " + join(unchecked, ", ") +
                            (more ? fmt::format(" and {} more", more) : ""));
    }

    if (!leaked.empty()) {
        out.outcome = ClaimOutcome::Escaped;
        out.reason = fmt::format("the host's own {} seen inside the sandbox, where the probe took {} for the "
                                 "runtime's own (is_host false)",
                                 join(leaked, ", "), leaked.size() == 1 ? "it" : "them");
        return out;
    }
    const auto esc = report.find("escaped");
    const bool escaped = esc != report.end() && esc->is_boolean() && esc->get<bool>();
    if (escaped && host_claims_made > 0 && static_cast<int>(contradicted.size()) == host_claims_made &&
        unchecked.empty()) {
        out.outcome = ClaimOutcome::Error;
        out.reason = "the probe reports an escape that rests on host claims the host's own values contradict "
                     "(every value it took for the host's differs from the host's): its judgement is refuted, so "
                     "the case is neither contained nor escaped";
    }
    return out;
}

}  // namespace sh
