#include "run/run_setup.h"

#include <fmt/format.h>

#include "core/plan.h"
#include "util/error.h"

extern char** environ;

namespace sh {

Profile effective_profile(const Checkout& checkout, const ProfileChoice& choice) {
    Profile profile = load_profile(choice.path.empty() ? checkout.default_profile() : choice.path);
    std::map<std::string, std::string> from_env;
    for (char** e = environ; *e; ++e) {
        const std::string kv = *e;
        const auto eq = kv.find('=');
        if (eq == std::string::npos || !kv.starts_with("SANDBOX_")) continue;
        const std::string key = kv.substr(0, eq);
        if (!is_per_run_variable(key)) from_env[key] = kv.substr(eq + 1);
    }
    Profile effective = with_overrides(with_overrides(profile, from_env), choice.overrides);
    // Every value, as the launcher will judge it, before any case runs: a bad value would otherwise
    // make every case an error (or, for an unknown variable, test a profile other than the one named).
    if (auto problems = check_profile(effective); !problems.empty()) throw ProfileError(std::move(problems));
    if (auto missing = missing_variables(effective); !missing.empty()) {
        missing.push_back("a profile sets every variable (see sandbox/profiles/default.env); the overlays in "
                          "sandbox/profiles/weakened/ apply on top of it through `ablate`, or copy default.env and edit it");
        throw ProfileError(std::move(missing));
    }
    return effective;
}

namespace {

ImageChoice image_choice(const std::string& name) {
    const auto image = image_choice_from_string(name);
    if (!image) throw Error("unknown image '" + name + "' (known: base, science, all)");
    return *image;
}

}  // namespace

std::vector<const CaseSpec*> select_cases(const Catalogue& catalogue, const CaseSelection& selection) {
    return filter_by_image(
        filter_by_suite(filter_by_glob(catalogue.all(), selection.filters), parse_suite(selection.suite)),
        image_choice(selection.images));
}

RunSetup prepare_run(const Checkout& checkout, const ProfileChoice& choice, const CaseSelection& selection) {
    RunSetup setup;
    setup.checkout = checkout;
    setup.profile = effective_profile(checkout, choice);
    if (const std::string pool = setup.profile.get("SANDBOX_POOL", ""); !pool.empty())
        throw ProfileError({"SANDBOX_POOL=" + pool + " (from " + setup.profile.path +
                            "): the harness does not run cases through a warm pool yet: it names and labels each "
                            "case's container, which a slot started ahead of time cannot take. Run the suite with a "
                            "cold profile (SANDBOX_POOL= empty), and the warm path with its own tests "
                            "(ctest -R sandbox.warm_) or the launcher (sandbox/README.md, \"Warm slots\")"});
    setup.profile_label = choice.label;
    setup.catalogue = std::make_shared<const Catalogue>(load_catalogue(checkout.catalogue_dirs()));
    setup.images = image_choice(selection.images);
    setup.images_name = selection.images;
    setup.image_refs = {{"base", setup.profile.get("SANDBOX_IMAGE", "secure-python:latest")},
                        {"science", default_image_refs().at("science")}};
    setup.cases = select_cases(*setup.catalogue, selection);
    if (setup.cases.empty())
        throw Error(fmt::format("no case matches suite '{}', filter '{}' and image '{}'", selection.suite,
                                fmt::join(selection.filters, ","), selection.images));
    return setup;
}

}  // namespace sh
