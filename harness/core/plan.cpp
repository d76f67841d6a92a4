#include "core/plan.h"
#include "util/text.h"

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>

namespace sh {

namespace {

std::optional<int> parse_int(std::string_view s) {
    int out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return out;
}

/// The case's timeout as the launcher reads it: "10", "2.5".
std::string format_seconds(double s) { return fmt::format("{}", s); }

}  // namespace

Shard parse_shard(std::string_view s) {
    const auto slash = s.find('/');
    if (slash != std::string_view::npos) {
        const auto k = parse_int(s.substr(0, slash));
        const auto n = parse_int(s.substr(slash + 1));
        if (k && n && *k >= 1 && *k <= *n) return Shard{*k, *n};
    }
    throw PlanError(fmt::format("bad shard '{}': K/N with 1 <= K <= N, e.g. 2/4", s));
}

std::string to_string(const Shard& s) { return fmt::format("{}/{}", s.index, s.count); }

std::string case_key(std::string_view case_id, std::string_view image, int repetition) {
    return fmt::format("{} [{}] #{}", case_id, image, repetition);
}

std::vector<std::string> planned_case_keys(const std::vector<PlanItem>& plan) {
    std::vector<std::string> keys;
    keys.reserve(plan.size());
    for (const auto& item : plan) keys.push_back(case_key(item.spec->id, item.image, item.repetition));
    return keys;
}

const std::map<std::string, std::string>& default_image_refs() {
    static const std::map<std::string, std::string> refs = {
        {"base", "secure-python:latest"}, {"science", "secure-python-science:latest"}};
    return refs;
}

bool is_valid_run_id(std::string_view id) {
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    return !id.empty() && alnum(id[0]) &&
           std::all_of(id.begin(), id.end(), [&](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

std::string fill_placeholders(std::string arg, const std::map<std::string, std::string>& values) {
    for (const auto& [placeholder, value] : values)
        for (auto pos = arg.find(placeholder); pos != std::string::npos; pos = arg.find(placeholder, pos + value.size()))
            arg.replace(pos, placeholder.size(), value);
    return arg;
}

std::vector<PlanItem> make_plan(const std::vector<const CaseSpec*>& cases, const PlanOptions& o) {
    if (!is_valid_run_id(o.run_id))
        throw PlanError(fmt::format("bad run id '{}': letters, digits, '_', '.' and '-', starting with a letter "
                                    "or digit (it is part of container names)", o.run_id));
    if (o.repeat < 1) throw PlanError(fmt::format("bad repeat {}: at least 1", o.repeat));
    if (o.shard && (o.shard->index < 1 || o.shard->index > o.shard->count))
        throw PlanError(fmt::format("bad shard '{}': K/N with 1 <= K <= N, e.g. 2/4", to_string(*o.shard)));

    std::vector<const CaseSpec*> ordered;
    std::set<const CaseSpec*> seen;
    for (const CaseSpec* c : cases)
        if (c && (!o.self_test || !c->self_test_args.empty()) && seen.insert(c).second) ordered.push_back(c);
    std::stable_sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->id < b->id; });

    const std::string network = o.profile.effective("SANDBOX_NETWORK");
    const std::string profile_timeout = o.profile.effective("SANDBOX_TIMEOUT");
    // A profile with the timeout switched off (0) must stay off: that is what an ablation tests.
    const bool case_timeouts = o.case_timeouts && profile_timeout != "0";

    std::vector<PlanItem> plan;
    int index = 0;
    for (int rep = 0; rep < o.repeat; ++rep) {
        for (const CaseSpec* spec : ordered) {
            for (const std::string& image : spec->image_names()) {
                if (o.images != ImageChoice::All && image != to_string(o.images)) continue;
                const int n = index++;
                if (o.shard && n % o.shard->count != o.shard->index - 1) continue;

                auto ref = o.image_refs.find(image);
                if (ref == o.image_refs.end())
                    throw PlanError(fmt::format("no image reference for the '{}' image (needed by {})", image, spec->id));
                PlanItem item;
                item.spec = spec;
                item.image = image;
                item.image_ref = ref->second;
                item.repetition = rep;
                item.index = n;
                item.container_name = fmt::format("sh-{}-{}", o.run_id, n);
                // Fixed width, so that no token is a prefix of another one (the canary matches substrings).
                item.token = fmt::format("sht-{}-{:06d}", o.run_id, n);
                item.labels = {{"sandbox-harness.run", o.run_id},
                               {"sandbox-harness.case", spec->id},
                               {"sandbox-harness.image", image}};
                item.env["SANDBOX_IMAGE"] = item.image_ref;
                item.env["SANDBOX_TIMEOUT"] = case_timeouts ? format_seconds(spec->timeout_s) : profile_timeout;
                item.env["SANDBOX_NAME"] = item.container_name;
                item.env["SANDBOX_LABELS"] = join_key_values(item.labels);
                if (o.cgroup_parent_prefix) {
                    std::string prefix = *o.cgroup_parent_prefix;
                    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
                    item.env["SANDBOX_CGROUP_PARENT"] = prefix + "/" + item.container_name;
                }
                const std::map<std::string, std::string> values = {
                    {"{canary_host}", o.canary_host},
                    {"{canary_tcp_port}", std::to_string(o.canary_tcp_port)},
                    {"{canary_udp_port}", std::to_string(o.canary_udp_port)},
                    {"{token}", item.token}};
                for (const auto& a : spec->args) item.args.push_back(fill_placeholders(a, values));
                if (o.self_test) item.args.insert(item.args.end(), spec->self_test_args.begin(), spec->self_test_args.end());
                if (spec->targets_external && network != "none") {
                    item.skip = true;
                    item.skip_reason = fmt::format(
                        "aims at an external address and the profile has SANDBOX_NETWORK={}: skipped so that it "
                        "cannot reach beyond this host (it runs only under SANDBOX_NETWORK=none)", network);
                }
                plan.push_back(std::move(item));
            }
        }
    }
    return plan;
}

}  // namespace sh
