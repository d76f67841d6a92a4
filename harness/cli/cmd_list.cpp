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
        std::string format = "text", root;
        CaseSelection selection;
    };
    auto o = std::make_shared<Opts>();
    cmd->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    add_selection_options(*cmd, o->selection);
    add_root_option(*cmd, o->root);
    return {cmd, [o] {
        const Catalogue cat = load_catalogue(resolve_checkout(o->root).catalogue_dirs());
        const auto cases = select_cases(cat, o->selection);  // what a run with these options runs
        for (const auto& p : unmatched_patterns(cat.all(), o->selection.filters))
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
