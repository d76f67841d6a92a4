#include "core/profile.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "core/case_spec.h"

namespace sh {

namespace {

bool is_variable_name(std::string_view s) {
    if (!s.starts_with("SANDBOX_") || s.size() == 8) return false;
    return std::all_of(s.begin() + 8, s.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

template <typename T>
std::optional<T> parse_number(std::string_view s) {
    T out{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return out;
}

std::string stem_of(const std::string& path) { return std::filesystem::path(path).stem().string(); }

/// Bash's [[:space:]] in the C locale: what the launcher treats as blank.
constexpr std::string_view kShellBlanks = " \t\n\v\f\r";

std::string_view trim_blanks_right(std::string_view s) {
    const auto last = s.find_last_not_of(kShellBlanks);
    return last == std::string_view::npos ? std::string_view{} : s.substr(0, last + 1);
}

/// A value as messages show it: on one line, quoted, cut to 60 characters (a value may be a
/// megabyte long; the message names where it is).
std::string shown_value(std::string_view value) { return "'" + one_line(ellipsize(value, 60)) + "'"; }
/// A variable's name as messages show it: the grammar keeps it to [A-Z0-9_], but not its length.
std::string shown_name(std::string_view name) { return one_line(ellipsize(name, 60)); }

/// " (did you mean SANDBOX_NETWORK?)" for a name close to a known one, else " (the launcher
/// refuses it)".
std::string nearest_hint(const std::string& key) {
    std::string nearest;
    std::size_t best = 4;  // suggest only close names
    if (key.size() < 64)
        for (const auto& var : profile_variables())
            if (auto d = edit_distance(key, var.name); !is_per_run_variable(var.name) && d < best)
                best = d, nearest = var.name;
    return nearest.empty() ? " (the launcher refuses it)" : " (did you mean " + nearest + "?)";
}

/// The lines of a profile-grammar file; comments are handed to `on_comment` (line, text).
template <typename OnComment>
Profile parse_lines(std::string_view text, const std::string& path, std::vector<std::string>& errors,
                    OnComment on_comment) {
    Profile p;
    p.path = path;
    p.name = stem_of(path);
    int n = 0;
    for (std::string_view raw : split(text, '\n')) {
        ++n;
        // As the launcher: a line of blanks only ([[:space:]]) is blank; a value loses its
        // trailing blanks and nothing else.
        const std::string_view line = trim_blanks_right(raw);
        if (line.empty()) continue;
        if (line[0] == '#') {
            on_comment(n, line);
            continue;
        }
        const auto eq = line.find('=');
        const std::string_view name = line.substr(0, eq);
        if (eq == std::string_view::npos || !is_variable_name(name)) {
            errors.push_back(fmt::format("{}:{}: not a profile line: {} (expected a blank line, a '#' comment "
                                         "or SANDBOX_NAME=VALUE)", path, n, shown_value(line)));
            continue;
        }
        const std::string key(name);
        // The launcher reads only its profile variables from a file; the per-run ones come from the
        // environment (the harness sets them for each case), and any other name is a typo.
        if (is_per_run_variable(key)) {
            errors.push_back(fmt::format("{}:{}: {} is a per-run variable: set it in the environment, not in a "
                                         "profile (the harness sets it for each case)",
                                         path, n, key));
            continue;
        }
        if (!profile_default(key)) {
            errors.push_back(fmt::format("{}:{}: unknown variable {}{}", path, n, shown_name(key), nearest_hint(key)));
            continue;
        }
        if (auto it = p.lines.find(key); it != p.lines.end()) {
            errors.push_back(fmt::format("{}:{}: {} set twice (first on line {})", path, n, key, it->second));
            continue;
        }
        p.values[key] = std::string(line.substr(eq + 1));
        p.lines[key] = n;
    }
    return p;
}

std::string read_or_throw(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ProfileError({fmt::format("{}: cannot read: {}", path.string(), std::strerror(errno))});
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

// The launcher's own patterns (bash ERE), matched by hand: std::regex recurses per character and
// overflows the stack on a long value, and a value may be a megabyte long.

bool in(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }
constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kDigits = "0123456789";

/// ^[first][rest]*$
bool word_of(std::string_view v, std::string_view first, std::string_view rest) {
    if (v.empty() || !in(v[0], first)) return false;
    return std::all_of(v.begin() + 1, v.end(), [&](char c) { return in(c, rest); });
}
/// ^[0-9]+$
bool digits(std::string_view v) { return word_of(v, kDigits, kDigits); }
/// ^([0-9]+(\.[0-9]*)?|\.[0-9]+)$
bool decimal(std::string_view v) {
    const auto dot = v.find('.');
    if (dot == std::string_view::npos) return digits(v);
    const std::string_view whole = v.substr(0, dot), frac = v.substr(dot + 1);
    if (whole.empty()) return digits(frac);
    return digits(whole) && (frac.empty() || digits(frac));
}
/// ^[0-9]{1,12}([kmgtKMGT]([iI]?[bB])?|[bB])?$
bool docker_size(std::string_view v) {
    const auto n = std::min(v.find_first_not_of(kDigits), v.size());
    if (n == 0 || n > 12) return false;
    const std::string_view unit = v.substr(n);
    const auto is = [](char c, std::string_view set) { return in(c, set); };
    if (unit.empty()) return true;
    if (unit.size() == 1) return is(unit[0], "kmgtKMGTbB");
    if (!is(unit[0], "kmgtKMGT")) return false;
    if (unit.size() == 2) return is(unit[1], "bB");
    return unit.size() == 3 && is(unit[1], "iI") && is(unit[2], "bB");
}
/// ^(-1|[0-9]+)$
bool limit_value(std::string_view v) { return v == "-1" || digits(v); }
/// One tmpfs option: ^(rw|ro|exec|noexec|suid|nosuid|dev|nodev|size=[0-9]+[kmgKMG%]?|mode=[0-7]{3,4}|
/// uid=[0-9]+|gid=[0-9]+|nr_inodes=[0-9]+[kmgKMG]?)$
bool tmpfs_option(std::string_view o) {
    for (std::string_view flag : {"rw", "ro", "exec", "noexec", "suid", "nosuid", "dev", "nodev"})
        if (o == flag) return true;
    const auto number_with = [](std::string_view v, std::string_view units) {
        if (!v.empty() && in(v.back(), units)) v.remove_suffix(1);
        return digits(v);
    };
    if (o.starts_with("size=")) return number_with(o.substr(5), "kmgKMG%");
    if (o.starts_with("nr_inodes=")) return number_with(o.substr(10), "kmgKMG");
    if (o.starts_with("uid=") || o.starts_with("gid=")) return digits(o.substr(4));
    if (o.starts_with("mode=")) {
        const std::string_view m = o.substr(5);
        return (m.size() == 3 || m.size() == 4) && word_of(m, "01234567", "01234567");
    }
    return false;
}

/// "0012" > "9": decimal strings of any length compared as numbers.
bool decimal_greater(std::string_view a, std::string_view b) {
    a.remove_prefix(std::min(a.find_first_not_of('0'), a.size()));
    b.remove_prefix(std::min(b.find_first_not_of('0'), b.size()));
    return a.size() != b.size() ? a.size() > b.size() : a > b;
}

/// The launcher's to_bytes: the leading digits shifted by the first unit letter's power of 1024,
/// in 64-bit arithmetic as bash does it (a 12-digit count in terabytes wraps, as there).
std::int64_t launcher_bytes(const std::string& v) {
    const std::size_t count = v.find_first_not_of("0123456789");
    const std::string number = v.substr(0, count);
    std::uint64_t n = 0;
    for (char c : number) n = n * 10 + static_cast<std::uint64_t>(c - '0');
    int shift = 0;
    if (count != std::string::npos) {
        switch (std::tolower(static_cast<unsigned char>(v[count]))) {
            case 'k': shift = 10; break;
            case 'm': shift = 20; break;
            case 'g': shift = 30; break;
            case 't': shift = 40; break;
            default: break;
        }
    }
    return static_cast<std::int64_t>(n << shift);
}

bool positive_decimal(const std::string& v) { return decimal(v) && v.find_first_of("123456789") != std::string::npos; }

constexpr const char* kWordChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";

bool user_ok(const std::string& v) {  // none, or ^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$
    if (v == "none") return true;
    const auto name = [](std::string_view w) {
        return word_of(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", kWordChars);
    };
    const auto colon = v.find(':');
    return name(std::string_view(v).substr(0, colon)) &&
           (colon == std::string::npos || name(std::string_view(v).substr(colon + 1)));
}

bool tmpfs_ok(const std::string& v) {  // none, or mounts ^/[A-Za-z0-9_./-]*(:(.*))?$, then each option
    if (v == "none") return true;
    const auto mounts = words(v);
    bool ok = !mounts.empty();
    for (const std::string_view mount : mounts) {
        const auto colon = mount.find(':');
        if (!word_of(mount.substr(0, colon), "/", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-"))
            ok = false;
        else if (colon != std::string_view::npos)
            for (const std::string_view o : split(mount.substr(colon + 1), ','))
                if (!tmpfs_option(o)) ok = false;
    }
    return ok;
}

bool capabilities_ok(const std::string& v) {  // none, or ^[A-Za-z_]+(,[A-Za-z_]+)*$
    const auto caps = split(v, ',');
    return v == "none" || std::all_of(caps.begin(), caps.end(), [](std::string_view c) {
               return word_of(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_",
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_");
           });
}

bool ulimits_ok(const std::string& v) {  // none, or ^(NAME)=(-1|[0-9]+)(:(-1|[0-9]+))?$ each, soft <= hard
    if (v == "none") return true;
    const auto limits = words(v);
    bool ok = !limits.empty();
    static const std::vector<std::string_view> names = {"core",   "cpu",    "data",     "fsize",  "locks",
                                                        "memlock", "msgqueue", "nice",   "nofile", "nproc",
                                                        "rss",    "rtprio", "rttime",   "sigpending", "stack"};
    for (const std::string_view l : limits) {
        const auto eq = l.find('=');
        const auto parts = split(l.substr(eq == std::string_view::npos ? l.size() : eq + 1), ':');
        if (eq == std::string_view::npos || std::find(names.begin(), names.end(), l.substr(0, eq)) == names.end() ||
            parts.size() > 2 || !limit_value(parts[0]) || (parts.size() == 2 && !limit_value(parts[1]))) {
            ok = false;
            continue;
        }
        const std::string_view soft = parts[0], hard = parts.size() == 2 ? parts[1] : soft;
        if (hard != "-1" && (soft == "-1" || decimal_greater(soft, hard))) ok = false;
    }
    return ok;
}

/// default, unconfined, or a path: as the launcher, relative to the profile's folder when the file
/// sets it, else to the working directory; a readable regular file.
bool seccomp_ok(const Profile& p, const std::string& key, const std::string& v) {
    if (v == "default" || v == "unconfined") return true;
    std::filesystem::path file(v);
    const auto line = p.lines.find(key);
    if (!v.empty() && file.is_relative() && line != p.lines.end() && line->second > 0 && !p.path.empty())
        file = std::filesystem::path(p.path).parent_path() / file;
    std::error_code ec;
    return !v.empty() && std::filesystem::is_regular_file(file, ec) && std::ifstream(file, std::ios::binary).is_open();
}

bool pool_ok(const std::string& v) {  // empty, or ^/[A-Za-z0-9_./-]*$ of at most 107 bytes (sun_path)
    return v.empty() ||
           (v.size() <= 107 && v[0] == '/' && word_of(v, "/", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-"));
}

/// Whether the launcher takes `v` for `key` (sandbox/run_secure_python.sh, "validation": the same
/// patterns). Unknown keys pass: check_profile names them.
bool value_ok(const Profile& p, const std::string& key, const std::string& v) {
    if (key == "SANDBOX_READ_ONLY" || key == "SANDBOX_NO_NEW_PRIVILEGES" || key == "SANDBOX_AST_CHECK" ||
        key == "SANDBOX_PRIVILEGED")
        return v == "0" || v == "1";
    if (key == "SANDBOX_IMAGE") return word_of(v, kAlnum, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/:@-");
    if (key == "SANDBOX_NETWORK") return word_of(v, kAlnum, kWordChars);
    if (key == "SANDBOX_USER") return user_ok(v);
    if (key == "SANDBOX_TMPFS") return tmpfs_ok(v);
    if (key == "SANDBOX_CAP_DROP" || key == "SANDBOX_CAP_ADD") return capabilities_ok(v);
    if (key == "SANDBOX_CPUS") return v == "none" || positive_decimal(v);
    if (key == "SANDBOX_MEMORY")
        return v == "none" || (docker_size(v) && v.find_first_of("123456789") != std::string::npos &&
                               launcher_bytes(v) >= kMinMemoryBytes);
    if (key == "SANDBOX_MEMORY_SWAP") return v == "none" || v == "-1" || docker_size(v);
    if (key == "SANDBOX_PIDS_LIMIT") return v == "none" || (digits(v) && v.find_first_of("123456789") != std::string::npos);
    if (key == "SANDBOX_ULIMITS") return ulimits_ok(v);
    if (key == "SANDBOX_TIMEOUT") return decimal(v) && v.substr(0, v.find('.')).size() <= 7;
    if (key == "SANDBOX_SECCOMP") return seccomp_ok(p, key, v);
    if (key == "SANDBOX_PID_MODE") return v == "private" || v == "host";
    if (key == "SANDBOX_RUNTIME") return word_of(v, kWordChars, kWordChars);  // one --runtime=NAME: never a flag or path
    if (key == "SANDBOX_POOL") return pool_ok(v);
    return true;
}

/// nullopt when `v` is a value the launcher takes for `key`, else what is allowed (in the
/// launcher's words where they fit). Rules that tie two values together are in check_profile.
std::optional<std::string> value_problem(const Profile& p, const std::string& key, const std::string& v) {
    if (value_ok(p, key, v)) return std::nullopt;
    for (const auto& var : profile_variables())
        if (var.name == key) return var.allowed;
    return std::nullopt;
}

}  // namespace

ProfileError::ProfileError(std::vector<std::string> errors)
    : Error(join(errors, "\n")), errors_(std::move(errors)) {}

std::string Profile::get(const std::string& key, const std::string& fallback) const {
    auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
}

std::string Profile::effective(const std::string& key) const {
    return get(key, profile_default(key).value_or(""));
}

const std::vector<ProfileVariable>& profile_variables() {
    static const std::vector<ProfileVariable> v = {
        {"SANDBOX_IMAGE", "secure-python:latest", "an image reference"},
        {"SANDBOX_NETWORK", "none", "none, host, bridge or a network name"},
        {"SANDBOX_USER", "65534:65534", "uid:gid"},
        {"SANDBOX_READ_ONLY", "1", "0 or 1"},
        {"SANDBOX_TMPFS", "/tmp:rw,noexec,nosuid,nodev,size=16m", "/path[:options] entries separated by spaces, or none"},
        {"SANDBOX_CAP_DROP", "ALL", "ALL, none, or a comma-separated list of capabilities"},
        {"SANDBOX_CAP_ADD", "none", "none, or a comma-separated list of capabilities to add back"},
        {"SANDBOX_NO_NEW_PRIVILEGES", "1", "0 or 1"},
        {"SANDBOX_CPUS", "1", "a positive number of CPUs, or none"},
        {"SANDBOX_MEMORY", "256m", "a size of at least 6m (Docker's minimum) such as 256m, or none"},
        {"SANDBOX_MEMORY_SWAP", "256m", "a size such as 256m, -1, or none"},
        {"SANDBOX_PIDS_LIMIT", "64", "a positive number, or none"},
        {"SANDBOX_ULIMITS", "nofile=256:256 fsize=16777216:16777216 core=0:0",
         "name=soft[:hard] entries separated by spaces (names: core cpu data fsize locks memlock msgqueue nice "
         "nofile nproc rss rtprio rttime sigpending stack; soft no larger than hard), or none"},
        {"SANDBOX_TIMEOUT", "10", "seconds, 0 for none"},
        {"SANDBOX_AST_CHECK", "1", "0 or 1"},
        {"SANDBOX_SECCOMP", "default", "default, unconfined or a profile path"},
        {"SANDBOX_PRIVILEGED", "0", "0 or 1"},
        {"SANDBOX_PID_MODE", "private", "private or host"},
        {"SANDBOX_RUNTIME", "runc", "the name of a runtime the engine has registered ([A-Za-z0-9_.-]+), such as runc or runsc"},
        {"SANDBOX_POOL", "", "empty (a cold launch) or the absolute path of a sandbox-pool socket ([A-Za-z0-9_./-], at most 107 bytes)"},
        {"SANDBOX_NAME", "", "a container name (set by the harness per case)"},
        {"SANDBOX_LABELS", "", "key=value labels separated by spaces (set by the harness per case)"},
        {"SANDBOX_CGROUP_PARENT", "", "a cgroup parent (set by the harness per case)"},
        {"SANDBOX_PROFILE", "", "a profile path (environment only)"},
    };
    return v;
}

std::optional<std::string> profile_default(std::string_view key) {
    for (const auto& var : profile_variables())
        if (var.name == key) return var.default_value;
    return std::nullopt;
}

bool is_per_run_variable(std::string_view key) {
    for (const char* name : kPerRunVariables)
        if (key == name) return true;
    return false;
}

Profile parse_profile(std::string_view text, const std::string& path) {
    std::vector<std::string> errors;
    Profile p = parse_lines(text, path, errors, [](int, std::string_view) {});
    if (!errors.empty()) throw ProfileError(std::move(errors));
    return p;
}

Profile load_profile(const std::filesystem::path& path) { return parse_profile(read_or_throw(path), path.string()); }

Profile default_profile() {
    Profile p;
    p.name = "default";
    for (const auto& var : profile_variables())
        if (!is_per_run_variable(var.name)) p.values[var.name] = var.default_value;
    return p;
}

Profile with_overrides(Profile p, const std::map<std::string, std::string>& overrides) {
    for (const auto& [k, v] : overrides) {
        p.values[k] = v;
        p.lines[k] = 0;
    }
    return p;
}

namespace {

/// "FILE:LINE" where the profile sets `key`, or "FILE (overridden)" for a value from the
/// environment or the command line (line 0).
std::string where_set(const Profile& p, const std::string& key) {
    const std::string file = p.path.empty() ? "(profile)" : p.path;
    const auto it = p.lines.find(key);
    if (it == p.lines.end() || it->second == 0) return file + " (overridden)";
    return fmt::format("{}:{}", file, it->second);
}

}  // namespace

std::vector<std::string> check_profile(const Profile& p) {
    std::vector<std::string> out;
    for (const auto& [key, value] : p.values) {
        const std::string where = where_set(p, key);
        if (is_per_run_variable(key))
            out.push_back(fmt::format("{}: {} is a per-run variable: set it in the environment, not in a profile "
                                      "(the harness sets it for each case)",
                                      where, key));
        else if (!profile_default(key))
            out.push_back(fmt::format("{}: unknown variable {}{}", where, shown_name(key), nearest_hint(key)));
        else if (auto want = value_problem(p, key, value))
            out.push_back(fmt::format("{}: bad {} {}: {}", where, key, shown_value(value), *want));
    }
    // The rule that ties two values together, as the launcher applies it: after both are valid.
    const auto swap = p.values.find("SANDBOX_MEMORY_SWAP");
    const std::string m = p.effective("SANDBOX_MEMORY");
    if (swap != p.values.end() && swap->second != "none" && !value_problem(p, swap->first, swap->second) &&
        !value_problem(p, "SANDBOX_MEMORY", m)) {
        if (m == "none")
            out.push_back(fmt::format("{}: bad SANDBOX_MEMORY_SWAP {}: none when SANDBOX_MEMORY is none (swap is "
                                      "limited together with memory)",
                                      where_set(p, swap->first), shown_value(swap->second)));
        else if (swap->second != "-1" && launcher_bytes(swap->second) < launcher_bytes(m))
            out.push_back(fmt::format("{}: bad SANDBOX_MEMORY_SWAP {}: at least SANDBOX_MEMORY ({}); equal means "
                                      "no swap",
                                      where_set(p, swap->first), shown_value(swap->second), one_line(ellipsize(m, 60))));
    }
    return out;
}

std::vector<std::string> missing_variables(const Profile& p) {
    std::vector<std::string> out;
    for (const auto& var : profile_variables())
        if (!is_per_run_variable(var.name) && !p.values.count(var.name))
            out.push_back(fmt::format("{}: {} is not set", p.path.empty() ? "(profile)" : p.path, var.name));
    return out;
}

std::optional<std::int64_t> parse_docker_size(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    const auto number = parse_number<std::int64_t>(s.substr(0, i));
    if (!number || i > 12) return std::nullopt;
    std::string unit(s.substr(i));
    std::transform(unit.begin(), unit.end(), unit.begin(), [](char c) { return std::tolower(c); });
    if (unit.ends_with("ib")) unit.resize(unit.size() - 2);
    else if (unit.size() == 2 && unit.back() == 'b') unit.resize(1);
    static const std::map<std::string, int> shifts = {{"", 0}, {"b", 0}, {"k", 10}, {"m", 20}, {"g", 30}, {"t", 40}};
    auto it = shifts.find(unit);
    if (it == shifts.end()) return std::nullopt;
    return *number << it->second;
}

std::optional<std::map<std::string, std::pair<std::int64_t, std::int64_t>>> parse_ulimits(std::string_view s) {
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> out;
    if (s == "none") return out;
    if (words(s).empty()) return std::nullopt;
    for (auto w : words(s)) {
        const auto eq = w.find('=');
        if (eq == std::string_view::npos || eq == 0) return std::nullopt;
        const auto limits = split(w.substr(eq + 1), ':');
        if (limits.size() > 2) return std::nullopt;
        const auto soft = parse_number<std::int64_t>(limits[0]);
        const auto hard = limits.size() == 2 ? parse_number<std::int64_t>(limits[1]) : soft;
        if (!soft || !hard) return std::nullopt;
        out[std::string(w.substr(0, eq))] = {*soft, *hard};
    }
    return out;
}

std::optional<std::map<std::string, std::string>> parse_tmpfs(std::string_view s) {
    std::map<std::string, std::string> out;
    if (s == "none") return out;
    if (words(s).empty()) return std::nullopt;
    for (auto w : words(s)) {
        const auto colon = w.find(':');
        const std::string target(w.substr(0, colon));
        if (target.empty() || target[0] != '/') return std::nullopt;
        out[target] = colon == std::string_view::npos ? "" : std::string(w.substr(colon + 1));
    }
    return out;
}

std::optional<std::int64_t> parse_nano_cpus(std::string_view s) {
    if (s == "none") return 0;
    const auto cpus = parse_number<double>(s);
    if (!cpus || !std::isfinite(*cpus) || *cpus <= 0) return std::nullopt;
    return std::llround(*cpus * 1e9);
}

Weakening parse_weakening(std::string_view text, const std::string& path) {
    std::vector<std::string> errors;
    Weakening w;
    w.path = path;
    int control_line = 0, description_line = 0;
    auto on_comment = [&](int n, std::string_view line) {
        const std::string_view body = trim(line.substr(1));
        for (auto [tag, field, seen] : {std::tuple{"control:", &w.control, &control_line},
                                        std::tuple{"weakening:", &w.description, &description_line}}) {
            if (!body.starts_with(tag)) continue;
            if (*seen) {
                errors.push_back(fmt::format("{}:{}: second '# {}' comment (first on line {})", path, n, tag, *seen));
                return;
            }
            *seen = n;
            *field = std::string(trim(body.substr(std::strlen(tag))));
            if (field == &w.control &&
                std::find(known_controls().begin(), known_controls().end(), w.control) == known_controls().end())
                errors.push_back(fmt::format("{}:{}: unknown control '{}' (allowed: {})", path, n, w.control,
                                             join(known_controls(), ", ")));
            if (field == &w.description && w.description.empty())
                errors.push_back(fmt::format("{}:{}: empty '# weakening:' comment", path, n));
        }
    };
    Profile p = parse_lines(text, path, errors, on_comment);
    if (!control_line)
        errors.push_back(fmt::format("{}:1: missing '# control: NAME' comment (one of: {})", path,
                                     join(known_controls(), ", ")));
    if (!description_line)
        errors.push_back(fmt::format("{}:1: missing '# weakening: ...' comment: one line saying what changes", path));
    if (p.values.empty())
        errors.push_back(fmt::format("{}:1: a weakening must set at least one SANDBOX_* variable", path));
    if (!errors.empty()) throw ProfileError(std::move(errors));
    w.overrides = std::move(p.values);
    return w;
}

Weakening load_weakening(const std::filesystem::path& path) {
    return parse_weakening(read_or_throw(path), path.string());
}

std::vector<Weakening> load_weakenings(const std::filesystem::path& dir) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".env" && it->is_regular_file()) files.push_back(it->path());
    if (ec) throw ProfileError({fmt::format("{}: cannot list: {}", dir.string(), ec.message())});
    std::sort(files.begin(), files.end(),
              [](const auto& a, const auto& b) { return a.filename() < b.filename(); });
    std::vector<Weakening> out;
    std::vector<std::string> errors;
    for (const auto& f : files) {
        try {
            out.push_back(load_weakening(f));
        } catch (const ProfileError& e) {
            errors.insert(errors.end(), e.errors().begin(), e.errors().end());
        }
    }
    if (!errors.empty()) throw ProfileError(std::move(errors));
    return out;
}

Profile weaken(const Profile& base, const Weakening& w) {
    Profile p = with_overrides(base, w.overrides);
    p.name = "weakened-" + w.control;
    return p;
}

std::optional<std::int64_t> profile_size_bytes(const std::string& value) {
    if (value == "none" || !docker_size(value)) return std::nullopt;
    return launcher_bytes(value);
}

}  // namespace sh
