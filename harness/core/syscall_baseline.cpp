#include "core/syscall_baseline.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "util/escape.h"
#include "util/sha256.h"
#include "util/text.h"

namespace sh {

namespace {

using nlohmann::json;

/// Names listed in one reason, at most; the report keeps the whole list.
constexpr std::size_t kListed = 40;

/// The strings of a JSON array, sorted and unique; nullopt when it is no array of strings.
std::optional<std::vector<std::string>> string_set(const json& j) {
    if (!j.is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& e : j) {
        if (!e.is_string()) return std::nullopt;
        out.push_back(e.get<std::string>());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string listed(const std::vector<std::string>& names) {
    std::vector<std::string> shown;
    for (std::size_t i = 0; i < names.size() && i < kListed; ++i) shown.push_back(ellipsize(one_line(names[i]), 40));
    std::string out = join(shown, ", ");
    if (names.size() > kListed) out += fmt::format(" and {} more", names.size() - kListed);
    return out;
}

/// "; newly reached (2): bpf, mount; no longer reached (1): chmod" for the differences there are.
std::string differences(const BaselineComparison& c) {
    std::string out;
    if (!c.newly_reached.empty())
        out += fmt::format("; newly reached ({}): {}", c.newly_reached.size(), listed(c.newly_reached));
    if (!c.no_longer_reached.empty())
        out += fmt::format("; no longer reached ({}): {}", c.no_longer_reached.size(), listed(c.no_longer_reached));
    return out;
}

std::string in_quotes(const std::string& s) { return "'" + ellipsize(one_line(s), 80) + "'"; }

}  // namespace

std::string syscall_set_hash(const std::vector<std::string>& sorted_names) {
    return sha256_hex(join(sorted_names, " ")).substr(0, 16);
}

std::string syscall_baseline_file_name(const std::string& runtime) {
    if (runtime.empty() || runtime == "runc") return "syscall_baseline.json";
    return "syscall_baseline." + runtime + ".json";
}

std::optional<SyscallBaseline> parse_syscall_baseline(const std::string& text, std::string& error) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        error = "not JSON: " + ellipsize(e.what(), 200);
        return std::nullopt;
    }
    if (!j.is_object()) {
        error = "not a JSON object";
        return std::nullopt;
    }
    SyscallBaseline b;
    if (!j.contains("reached_sha256_16") || !j["reached_sha256_16"].is_string()) {
        error = "no string \"reached_sha256_16\"";
        return std::nullopt;
    }
    b.hash = j["reached_sha256_16"].get<std::string>();
    auto reached = j.contains("reached") ? string_set(j["reached"]) : std::nullopt;
    if (!reached) {
        error = "no \"reached\" list of syscall names";
        return std::nullopt;
    }
    b.reached = std::move(*reached);
    const json* with = j.contains("recorded_with") && j["recorded_with"].is_object() ? &j["recorded_with"] : nullptr;
    for (const auto& [key, field] : {std::pair{"docker_engine", &b.engine}, std::pair{"kernel", &b.kernel}}) {
        if (!with || !with->contains(key) || !(*with)[key].is_string()) {
            error = fmt::format("no string \"recorded_with\".\"{}\"", key);
            return std::nullopt;
        }
        *field = (*with)[key].get<std::string>();
    }
    // The file's hash is checked against its own list, so that a hand-edited list (or hash) cannot
    // leave the two saying different things: the comparison uses the list.
    if (const std::string own = syscall_set_hash(b.reached); b.hash != own) {
        error = fmt::format("its reached_sha256_16 {} is not the hash of its own reached list ({} syscalls), which "
                            "is {}: the list or the hash was edited without the other",
                            in_quotes(b.hash), b.reached.size(), own);
        return std::nullopt;
    }
    return b;
}

BaselineComparison compare_with_baseline(const json& report, const SyscallBaselineCheck& check) {
    BaselineComparison c;
    const auto hash = report.find("reached_sha256_16");
    const auto list = report.find("reached");
    const bool has_hash = hash != report.end(), has_list = list != report.end();
    // The report is checked against itself first, baseline or not: its hash must be its own list's.
    // Only the list is compared; the reported hash and any count are never taken on trust.
    if (!has_hash && !has_list) {
        c.reason = fmt::format("syscall sweep not compared with {}: the report has neither reached nor "
                               "reached_sha256_16",
                               check.file);
        return c;
    }
    const auto reached = has_list ? string_set(*list) : std::nullopt;
    const std::optional<std::string> said =
        has_hash && hash->is_string() ? std::optional{hash->get<std::string>()} : std::nullopt;
    if (!reached || !said) {
        c.outcome = BaselineOutcome::Inconsistent;
        c.reason = fmt::format("syscall sweep report is forged or broken, so it is not judged: {}",
                               !has_list    ? "it has a reached_sha256_16 but no reached list to check it against"
                               : !reached   ? "its reached is not a list of syscall names"
                               : !has_hash  ? "it has a reached list but no reached_sha256_16"
                                            : "its reached_sha256_16 is not a string");
        return c;
    }
    c.reported_hash = *said;
    c.hash = syscall_set_hash(*reached);
    c.reached = reached->size();
    if (c.reported_hash != c.hash) {
        c.outcome = BaselineOutcome::Inconsistent;
        if (check.baseline) {
            std::set_difference(reached->begin(), reached->end(), check.baseline->reached.begin(),
                                check.baseline->reached.end(), std::back_inserter(c.newly_reached));
            std::set_difference(check.baseline->reached.begin(), check.baseline->reached.end(), reached->begin(),
                                reached->end(), std::back_inserter(c.no_longer_reached));
        }
        c.reason = fmt::format("syscall sweep report is forged or broken, so it is not judged: its reached_sha256_16 "
                               "{} is not the hash of its own reached list ({} syscalls), which is {}{}{}",
                               in_quotes(c.reported_hash), c.reached, c.hash,
                               check.baseline ? "; the list against " + check.file : std::string(), differences(c));
        return c;
    }
    if (!check.baseline) {
        c.outcome = BaselineOutcome::Missing;
        c.reason = fmt::format("syscall sweep: no baseline for runtime {}: create {} from this run's report "
                               "(its reached and reached_sha256_16, with recorded_with naming the engine and kernel)",
                               check.runtime, check.file);
        return c;
    }
    const SyscallBaseline& base = *check.baseline;
    const std::string base_hash = syscall_set_hash(base.reached);
    if (*reached == base.reached) {
        c.outcome = BaselineOutcome::Matches;
        c.reason = fmt::format("syscall sweep matches baseline {} (runtime {}): the same {} syscalls reach the "
                               "kernel, hash {}",
                               check.file, check.runtime, c.reached, c.hash);
        return c;
    }
    std::set_difference(reached->begin(), reached->end(), base.reached.begin(), base.reached.end(),
                        std::back_inserter(c.newly_reached));
    std::set_difference(base.reached.begin(), base.reached.end(), reached->begin(), reached->end(),
                        std::back_inserter(c.no_longer_reached));
    const std::string hashes = fmt::format("hash {}, baseline {}", c.hash, base_hash);
    if (check.engine == base.engine && check.kernel == base.kernel) {
        c.outcome = BaselineOutcome::Regression;
        c.reason = fmt::format("syscall sweep regression against {} (runtime {}) on the engine ({}) and kernel ({}) "
                               "it was recorded with: the set of syscalls that reach the kernel changed, so the "
                               "seccomp filter or the capability set did ({}){}",
                               check.file, check.runtime, base.engine, base.kernel, hashes, differences(c));
        return c;
    }
    c.outcome = BaselineOutcome::Stale;
    c.reason = fmt::format("syscall sweep differs from {} ({}), which was recorded with engine {} and kernel {}; this "
                           "run has engine {} and kernel {}, so the difference is not judged: regenerate the baseline "
                           "from this run's report if it is expected{}",
                           check.file, hashes, base.engine, base.kernel, check.engine, check.kernel, differences(c));
    return c;
}

void apply_syscall_baseline(Judgement& j, const std::string& case_id, const SyscallBaselineCheck& check) {
    if (case_id != kSyscallSweepId || !j.report) return;
    const BaselineComparison c = compare_with_baseline(j.report->raw, check);
    if (c.reason.empty()) return;
    if (c.outcome == BaselineOutcome::Inconsistent && j.verdict == Verdict::Contained) {
        j.verdict = Verdict::Error;
        j.stopped_by.reset();
        j.reasons.insert(j.reasons.begin(), c.reason);
        return;
    }
    if (c.outcome == BaselineOutcome::Regression && j.verdict == Verdict::Contained) {
        j.verdict = Verdict::Fail;
        j.stopped_by.reset();
        j.reasons.insert(j.reasons.begin(), c.reason);
        return;
    }
    j.reasons.push_back(c.reason);
}

}  // namespace sh
