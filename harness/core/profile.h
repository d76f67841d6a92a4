#pragma once
/// Launcher profiles: the `SANDBOX_*=VALUE` files that sandbox/run_secure_python.sh reads
/// (sandbox/profiles/default.env), the weakening overlays used by ablation runs
/// (sandbox/profiles/weakened/*.env), and what their values mean.
///
/// Grammar, shared with the launcher: each line is blank, a comment starting with `#` in the first
/// column, or `SANDBOX_[A-Z0-9_]+=VALUE` where VALUE is the rest of the line verbatim (quotes are
/// not special) minus trailing whitespace and CR. Anything else is an error `FILE:LINE: message`.
/// The harness also rejects a variable set twice in one file.

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
/// per case (SANDBOX_NAME, SANDBOX_LABELS, SANDBOX_CGROUP_PARENT, SANDBOX_PROFILE).
struct ProfileVariable {
    std::string name;
    std::string default_value;
    std::string allowed;  ///< human-readable, for messages
};
const std::vector<ProfileVariable>& profile_variables();
std::optional<std::string> profile_default(std::string_view key);

Profile parse_profile(std::string_view text, const std::string& path);
/// Throws ProfileError("FILE: cannot read: ...") or the parse errors.
Profile load_profile(const std::filesystem::path&);
/// Every variable at its default; name "default", path "".
Profile default_profile();
/// `overrides` replace or add values (their `lines` become 0); the name is kept.
Profile with_overrides(Profile, const std::map<std::string, std::string>& overrides);

/// Problems the grammar allows but the launcher would refuse or silently ignore: unknown
/// variables (with the nearest known name), malformed values, and values the launcher refuses
/// together (swap below memory). `FILE:LINE: message` each; LINE is 0 for an override. The
/// launcher's rules (sandbox/run_secure_python.sh) and these must agree: the suite checks the
/// whole profile with this before any case runs.
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
