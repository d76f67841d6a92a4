// `sandbox-harness list`: the catalogue, as a table or as JSON.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/catalogue.h"
#include "cli/commands.h"
#include "cli/cli_common.h"

namespace sh {

namespace {

nlohmann::json case_json(const CaseSpec& c) {
    nlohmann::json j = {{"id", c.id},          {"kind", to_string(c.kind)},
                        {"family", c.family},  {"controls", c.controls},
                        {"expect", to_string(c.expect)}, {"timeout_s", c.timeout_s},
                        {"images", c.image_names()},     {"tags", c.tags},
                        {"summary", c.summary},          {"path", c.path}};
    if (c.accepted_risk) j["accepted_risk"] = *c.accepted_risk;
    if (c.targets_external) j["targets"] = "external";
    if (!c.args.empty()) j["args"] = c.args;
    if (!c.self_test_args.empty()) j["self_test"] = c.self_test_args;
    if (!c.checked_by.empty()) j["checked_by"] = c.checked_by;
    return j;
}

}  // namespace

Command add_list_command(CLI::App& app) {
    auto* cmd = add_described_command(app, "list", "List the catalogue: every workload and probe with its header");
    struct Opts {
        std::string format = "text", suite = "nightly", image = "all", root;
        std::vector<std::string> filters;
    };
    auto o = std::make_shared<Opts>();
    cmd->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    cmd->add_option("--suite", o->suite, "nightly (= all), probes, workloads or smoke")->capture_default_str();
    cmd->add_option("--filter", o->filters, "Only case ids matching this glob; repeatable");
    cmd->add_option("--image", o->image, "base, science or all")->check(CLI::IsMember({"base", "science", "all"}));
    cmd->add_option("--root", o->root, "The checkout holding attacks/ and workloads/");
    return {cmd, [o] {
        const auto root = resolve_root(o->root);
        const Catalogue cat = load_catalogue({root / "workloads", root / "attacks"});
        const auto cases = filter_by_image(
            filter_by_suite(filter_by_glob(cat.all(), o->filters), parse_suite(o->suite)),
            *image_choice_from_string(o->image));
        for (const auto& p : unmatched_patterns(cat.all(), o->filters))
            fmt::print(stderr, "sandbox-harness: warning: --filter '{}' matches no case\n", p);
        if (o->format == "json") {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto* c : cases) arr.push_back(case_json(*c));
            fmt::print("{}\n", arr.dump(2));
        } else {
            for (const auto* c : cases)
                fmt::print("{:<34} {:<8} {:<10} {:<8} {:<13} {}\n", c->id, to_string(c->kind),
                           c->family, to_string(c->image), to_string(c->expect),
                           fmt::join(c->controls, ","));
            fmt::print("{} cases\n", cases.size());
        }
        return 0;
    }};
}

}  // namespace sh
