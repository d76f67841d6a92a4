#pragma once
/// Launcher profiles: the `SANDBOX_*=VALUE` files that sandbox/run_secure_python.sh reads
/// (sandbox/profiles/default.env), the weakening overlays used by ablation runs
/// (sandbox/profiles/weakened/*.env), and what their values mean.
///
/// Grammar, the launcher's (sandbox/run_secure_python.sh, "profile"): each line is blank (blanks
/// only), a comment starting with `#` in the first column, or `SANDBOX_[A-Z0-9_]+=VALUE` where
/// VALUE is the rest of the line verbatim (quotes are not special) minus trailing blanks and CR.
/// NAME must be one of the launcher's profile variables: a per-run variable (SANDBOX_NAME, ...)
/// or an unknown name is an error, and so is a variable set twice. Every error is
/// `FILE:LINE: message`, naming the variable; a value or line quoted in one is cut to 60
/// characters.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.h"

namespace sh {

/// One or more `FILE:LINE: message` lines; what() joins them with newlines.
class ProfileError : public Error {
public:
    explicit ProfileError(std::vector<std::string> errors);
    const std::vector<std::string>& errors() const { return errors_; }

private:
    std::vector<std::string> errors_;
};

struct Profile {
    std::string path;   ///< the file it was read from; "" for the built-in defaults
    std::string name;   ///< the file's stem ("default"), or what with_overrides/weaken made it
    std::map<std::string, std::string> values;
    std::map<std::string, int> lines;  ///< where each value was set; 0 = an override

    /// The value the profile sets, or `fallback`.
    std::string get(const std::string& key, const std::string& fallback = "") const;
    /// The value the launcher will use: the profile's, else the documented default ("" if none).
    std::string effective(const std::string& key) const;
};

/// A variable the launcher understands. `default_value` is empty for the ones the harness sets
/// per case (SANDBOX_NAME, SANDBOX_LABELS, SANDBOX_CGROUP_PARENT, SANDBOX_PROFILE), and for
/// SANDBOX_POOL, whose default (empty: a cold launch) a profile must still set.
struct ProfileVariable {
    std::string name;
    std::string default_value;
    std::string allowed;  ///< human-readable, for messages
};
const std::vector<ProfileVariable>& profile_variables();
std::optional<std::string> profile_default(std::string_view key);

/// The launcher's per-run variables: taken from the environment only, an error in a profile file
/// (its RUN_KEYS, and SANDBOX_PROFILE). sandbox/README.md lists them under "Per-run variables";
/// a unit test reads both the launcher and that table, so the three lists cannot drift apart.
inline constexpr const char* kPerRunVariables[] = {"SANDBOX_NAME", "SANDBOX_LABELS", "SANDBOX_CGROUP_PARENT",
                                                   "SANDBOX_PROFILE"};
bool is_per_run_variable(std::string_view key);

Profile parse_profile(std::string_view text, const std::string& path);
/// Throws ProfileError("FILE: cannot read: ...") or the parse errors.
Profile load_profile(const std::filesystem::path&);
/// Every variable at its default; name "default", path "".
Profile default_profile();
/// `overrides` replace or add values (their `lines` become 0); the name is kept.
Profile with_overrides(Profile, const std::map<std::string, std::string>& overrides);

/// A size value of the profile (SANDBOX_MEMORY's syntax: 256m, 1GiB) in bytes, as the launcher
/// reads it; nullopt for "none" or what is no size.
std::optional<std::int64_t> profile_size_bytes(const std::string& value);

/// Values the launcher would refuse, by its own rules (sandbox/run_secure_python.sh,
/// "validation": the same patterns): malformed values, a seccomp profile path that is no
/// readable file (relative to the profile's folder when the file sets it), values refused
/// together (swap below memory); and, for overrides, unknown or per-run variables.
/// `FILE:LINE: message` each, the value cut to 60 characters; "FILE (overridden)" for an override.
/// The suite checks the whole effective profile with this before any case runs, and a unit test
/// runs the launcher itself on the same profiles to show that the two agree.
inline constexpr std::int64_t kMinMemoryBytes = 6 << 20;  ///< Docker's minimum --memory
std::vector<std::string> check_profile(const Profile&);
/// The launcher refuses a profile that leaves any of its variables unset (all but the per-case
/// ones): one `FILE: SANDBOX_X is not set` per missing variable, in the launcher's order.
std::vector<std::string> missing_variables(const Profile&);

// What values mean (shared by check_profile and flag_drift).

/// Docker's size syntax as the launcher accepts it: up to 12 digits with an optional binary unit
/// b, k, m, g, t (any case, optional trailing "b"/"ib"): "256m" → 268435456, "1GiB". No
/// fractions (Docker takes "1.5g"; the launcher refuses it). nullopt when malformed.
std::optional<std::int64_t> parse_docker_size(std::string_view);
/// `name=soft[:hard]` entries separated by spaces (hard defaults to soft); "none" → empty.
std::optional<std::map<std::string, std::pair<std::int64_t, std::int64_t>>> parse_ulimits(std::string_view);
/// `/path[:options]` entries separated by spaces; "none" → empty.
std::optional<std::map<std::string, std::string>> parse_tmpfs(std::string_view);
/// "1", "0.5" → nano-CPUs; "none" → 0.
std::optional<std::int64_t> parse_nano_cpus(std::string_view);

/// A weakening overlay: one control removed or weakened to its realistic misconfiguration.
/// Same grammar as a profile, plus two comments anywhere: `# control: NAME` (one of
/// known_controls()) and `# weakening: one line saying what changes`.
struct Weakening {
    std::string control;
    std::string description;
    std::string path;
    std::map<std::string, std::string> overrides;
};

Weakening parse_weakening(std::string_view text, const std::string& path);
Weakening load_weakening(const std::filesystem::path&);
/// Every *.env directly in `dir`, sorted by file name. Errors of all files are thrown together.
std::vector<Weakening> load_weakenings(const std::filesystem::path& dir);
/// `base` with the weakening's overrides; named "weakened-<control>".
Profile weaken(const Profile& base, const Weakening&);

}  // namespace sh
