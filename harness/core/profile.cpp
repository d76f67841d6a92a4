#include "core/profile.h"
#include "util/error.h"
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
        const std::string_view line = trim_right(raw);
        if (line.empty()) continue;
        if (line[0] == '#') {
            on_comment(n, line);
            continue;
        }
        const auto eq = line.find('=');
        const std::string_view name = line.substr(0, eq);
        if (eq == std::string_view::npos || !is_variable_name(name)) {
            errors.push_back(fmt::format("{}:{}: not a profile line: '{}' (expected a blank line, a '#' comment "
                                         "or SANDBOX_NAME=VALUE)", path, n, line));
            continue;
        }
        const std::string key(name);
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

bool is_bool(std::string_view v) { return v == "0" || v == "1"; }

/// nullopt when `value` suits `key`, else what it should be.
std::optional<std::string> value_problem(const std::string& key, const std::string& v) {
    auto none_or = [&](bool ok) { return v == "none" || ok; };
    bool ok = true;
    if (key == "SANDBOX_READ_ONLY" || key == "SANDBOX_NO_NEW_PRIVILEGES" || key == "SANDBOX_AST_CHECK" ||
        key == "SANDBOX_PRIVILEGED")
        ok = is_bool(v);
    else if (key == "SANDBOX_TMPFS") ok = parse_tmpfs(v).has_value();
    else if (key == "SANDBOX_CAP_DROP" || key == "SANDBOX_CAP_ADD")
        ok = none_or(!v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
                         return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ',';
                     }));
    else if (key == "SANDBOX_CPUS") ok = parse_nano_cpus(v).value_or(0) > 0 || v == "none";
    else if (key == "SANDBOX_MEMORY") ok = none_or(parse_docker_size(v).value_or(0) >= kMinMemoryBytes);
    else if (key == "SANDBOX_MEMORY_SWAP") ok = none_or(v == "-1" || parse_docker_size(v).value_or(-1) >= 0);
    else if (key == "SANDBOX_PIDS_LIMIT") ok = none_or(parse_number<std::int64_t>(v).value_or(0) > 0);
    else if (key == "SANDBOX_ULIMITS") {
        // As the launcher: known names only, and no soft limit above its hard one (-1 = unlimited).
        static const std::vector<std::string> names = {"core", "cpu", "data", "fsize", "locks", "memlock",
                                                       "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio",
                                                       "rttime", "sigpending", "stack"};
        const auto limits = parse_ulimits(v);
        ok = limits.has_value();
        if (limits)
            for (const auto& [name, soft_hard] : *limits) {
                const auto [soft, hard] = soft_hard;
                if (std::find(names.begin(), names.end(), name) == names.end() || soft < -1 || hard < -1 || (hard != -1 && (soft == -1 || soft > hard)))
                    ok = false;
            }
    }
    else if (key == "SANDBOX_TIMEOUT") ok = parse_number<double>(v).value_or(-1) >= 0;
    else if (key == "SANDBOX_PID_MODE") ok = v == "private" || v == "host";
    else if (key == "SANDBOX_RUNTIME")  // passed as --runtime=NAME: a name, never a flag or a path
        ok = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
                 return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '.' || c == '-';
             });
    else if (key == "SANDBOX_IMAGE" || key == "SANDBOX_NETWORK" || key == "SANDBOX_USER" || key == "SANDBOX_SECCOMP")
        ok = !v.empty() && v.find_first_of(" \t\"'") == std::string::npos;
    if (ok) return std::nullopt;
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
        if (!var.default_value.empty()) p.values[var.name] = var.default_value;
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
    // Rules that tie two values together, as the launcher applies them.
    const std::string memory = p.effective("SANDBOX_MEMORY"), swap = p.effective("SANDBOX_MEMORY_SWAP");
    const auto where_of = [&](const std::string& key) {
        return where_set(p, key);
    };
    if (p.values.count("SANDBOX_MEMORY_SWAP") && swap != "none") {
        const auto m = parse_docker_size(memory), sw = parse_docker_size(swap);
        if (memory == "none")
            out.push_back(fmt::format("{}: bad SANDBOX_MEMORY_SWAP '{}': none when SANDBOX_MEMORY is none (swap is "
                                      "limited together with memory)", where_of("SANDBOX_MEMORY_SWAP"), swap));
        else if (m && sw && *sw < *m)
            out.push_back(fmt::format("{}: bad SANDBOX_MEMORY_SWAP '{}': at least SANDBOX_MEMORY ({}); equal means "
                                      "no swap", where_of("SANDBOX_MEMORY_SWAP"), swap, memory));
    }
    for (const auto& [key, value] : p.values) {
        const std::string where = where_set(p, key);
        if (!profile_default(key)) {
            std::string nearest;
            std::size_t best = 4;  // suggest only close names
            for (const auto& var : profile_variables())
                if (auto d = edit_distance(key, var.name); d < best) best = d, nearest = var.name;
            out.push_back(fmt::format("{}: unknown variable {}{}", where, key,
                                      nearest.empty() ? " (the launcher ignores it)" : " (did you mean " + nearest + "?)"));
        } else if (auto want = value_problem(key, value)) {
            out.push_back(fmt::format("{}: bad {} '{}': {}", where, key, value, *want));
        }
    }
    return out;
}

std::vector<std::string> missing_variables(const Profile& p) {
    std::vector<std::string> out;
    for (const auto& var : profile_variables())
        if (!var.default_value.empty() && !p.values.count(var.name))
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

}  // namespace sh
