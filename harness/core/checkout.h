#pragma once
/// The checkout's layout, in one place: where the launcher, its profiles, the catalogue and the
/// chaos cases live under the root that --root (or $SH_ROOT, or the source tree) names. Every
/// command and every run reaches these files through a Checkout, never by spelling the path.

#include <filesystem>
#include <string>
#include <vector>

namespace sh {

struct Checkout {
    std::filesystem::path root;

    std::filesystem::path sandbox() const { return root / "sandbox"; }
    std::filesystem::path launcher() const { return sandbox() / "run_secure_python.sh"; }
    std::filesystem::path build_script() const { return sandbox() / "build_secure_python.sh"; }
    std::filesystem::path default_profile() const { return sandbox() / "profiles/default.env"; }
    std::filesystem::path weakenings() const { return sandbox() / "profiles/weakened"; }
    std::filesystem::path workloads() const { return root / "workloads"; }
    std::filesystem::path attacks() const { return root / "attacks"; }
    std::filesystem::path chaos_cases() const { return root / "chaos"; }
    /// The catalogue's directories, in the order the catalogue reads them.
    std::vector<std::filesystem::path> catalogue_dirs() const { return {workloads(), attacks()}; }
    /// `file` relative to the root, as reports and annotations name it ("attacks/net/x.py"); a file
    /// outside the checkout keeps its own path.
    std::string relative(const std::filesystem::path& file) const {
        const auto shown = file.lexically_normal().lexically_relative(root.lexically_normal());
        return shown.empty() || *shown.begin() == ".." ? file.string() : shown.string();
    }
};

}  // namespace sh
