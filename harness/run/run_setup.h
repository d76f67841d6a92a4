#pragma once
/// What every command that runs or lists cases decides before it runs any, decided once: the
/// checkout, the effective profile, the selected cases and the images they run on. run, review
/// and ablate hand it to execute_suite (one per profile); bench, capacity and chaos take its
/// checkout and profile; list its cases. Nothing here needs the engine: what does (the images
/// exist, the scripts parse) is checked by execute_suite before its first case.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/case_spec.h"
#include "core/catalogue.h"
#include "core/checkout.h"
#include "core/profile.h"

namespace sh {

/// Which cases: --suite, --filter, --image.
struct CaseSelection {
    std::string suite = "nightly";
    std::vector<std::string> filters;  ///< id globs; empty = all
    std::string images = "all";        ///< base | science | all
};

/// Which profile: a file (empty: the checkout's default.env), then the SANDBOX_* variables of the
/// harness's environment, then `overrides`: the precedence the launcher applies, so that flag-drift
/// checks compare like with like.
struct ProfileChoice {
    std::filesystem::path path;
    std::map<std::string, std::string> overrides;
    std::string label = "default";  ///< the records' profile name ("current", an ablation row)
};

struct RunSetup {
    Checkout checkout;
    Profile profile;  ///< effective, checked as the launcher would check it
    std::string profile_label = "default";
    std::shared_ptr<const Catalogue> catalogue;
    std::vector<const CaseSpec*> cases;  ///< the selection, pointing into *catalogue
    ImageChoice images = ImageChoice::All;
    std::string images_name = "all";
    /// The tag each image name runs as: "base" is the profile's SANDBOX_IMAGE.
    std::map<std::string, std::string> image_refs;
};

/// The effective profile. Throws ProfileError listing every value the launcher would refuse and
/// every variable missing.
Profile effective_profile(const Checkout&, const ProfileChoice&);

/// The cases of `catalogue` that `selection` names (possibly none). Throws CatalogueError for an
/// unknown suite, Error for an unknown image.
std::vector<const CaseSpec*> select_cases(const Catalogue&, const CaseSelection&);

/// Throws CatalogueError (a header, an unknown suite), ProfileError (also for a profile on the warm
/// path, SANDBOX_POOL set: the harness cannot run cases through a pool yet), or Error for an
/// unknown image or a selection that matches no case.
RunSetup prepare_run(const Checkout&, const ProfileChoice&, const CaseSelection&);

}  // namespace sh
