#include "core/catalogue.h"
#include "util/escape.h"
#include "util/files.h"
#include "util/hash.h"
#include "util/error.h"
#include "util/text.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

namespace sh {

namespace {

/// `[a-z0-9][a-z0-9._-]*`: ids and tags.
bool is_name(std::string_view s) {
    if (s.empty()) return false;
    auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!lower_or_digit(s[0])) return false;
    return std::all_of(s.begin(), s.end(),
                       [&](char c) { return lower_or_digit(c) || c == '.' || c == '_' || c == '-'; });
}

/// Comma-separated list, each entry trimmed; empty entries are kept (as "") for the caller to reject.
std::vector<std::string> split_commas(std::string_view value) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        auto comma = value.find(',', start);
        out.emplace_back(trim(value.substr(start, comma == std::string_view::npos ? comma : comma - start)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

const std::vector<std::string>& header_keys() {
    static const std::vector<std::string> v = {
        "id", "family", "controls", "expect", "timeout", "image", "args", "targets",
        "accepted-risk", "host-files", "self-test", "checked-by", "tags", "expect-exit", "expect-stdout",
        "expect-stdout-file", "summary"};
    return v;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

const char* const kMissingHeader =
    "missing header: the first comment block must start with '# sandbox-harness: probe' or "
    "'# sandbox-harness: workload'";

struct HeaderLine {
    int line;
    std::string key;
    std::string value;
};

/// Parses one header, collecting every problem; `id_line` is where `id` was given (for the
/// catalogue's duplicate check).
class HeaderParser {
public:
    HeaderParser(const std::string& path, const FileReader& read) : path_(path), read_(read) {}

    CaseSpec parse(std::string_view text, int& id_line) {
        const auto lines = split_lines(text);
        std::size_t i = 0;
        if (!lines.empty() && lines[0].starts_with("#!")) ++i;
        while (i < lines.size() && trim(lines[i]).empty()) ++i;
        const int header_line = static_cast<int>(std::min(i, lines.size() - 1)) + 1;

        std::optional<HeaderLine> first;
        if (i < lines.size()) first = split_key_value(lines[i], static_cast<int>(i) + 1);
        if (!first || first->key != "sandbox-harness") {
            error(header_line, kMissingHeader);
            throw CatalogueError(errors_);
        }
        if (auto kind = case_kind_from_string(first->value)) {
            spec_.kind = *kind;
        } else {
            error(header_line, fmt::format("bad sandbox-harness '{}' (allowed: probe, workload)",
                                           first->value));
            throw CatalogueError(errors_);
        }
        seen_["sandbox-harness"] = header_line;
        if (spec_.kind == CaseKind::Workload) spec_.family = "benign";

        for (++i; i < lines.size() && lines[i].starts_with("#"); ++i) {
            if (trim(lines[i]) == "#") break;  // a bare '#' ends the header; prose may follow
            const int n = static_cast<int>(i) + 1;
            if (!valid_utf8(lines[i])) {
                error(n, "not valid UTF-8: a header is UTF-8 text (as Python source is)");
                continue;
            }
            auto kv = split_key_value(lines[i], n);
            if (!kv) {
                error(n, fmt::format("not a 'key: value' line: '{}' (a bare '#' line ends the "
                                     "header, so prose can follow it)", trim(lines[i])));
                continue;
            }
            if (auto it = seen_.find(kv->key); it != seen_.end()) {
                error(n, fmt::format("duplicate key '{}' (first on line {})", kv->key, it->second));
                continue;
            }
            if (!contains(header_keys(), kv->key)) {
                error(n, fmt::format("unknown key '{}' (known: {})", kv->key, join(header_keys(), ", ")));
                continue;
            }
            seen_[kv->key] = n;
            if (kv->value.empty()) {
                error(n, fmt::format("empty value for '{}'", kv->key));
                continue;
            }
            apply(*kv);
        }
        check_whole(header_line);
        if (!errors_.empty()) throw CatalogueError(errors_);
        id_line = seen_.at("id");
        return spec_;
    }

private:
    void error(int line, const std::string& message) {
        errors_.push_back(fmt::format("{}:{}: {}", path_, line, message));
    }

    /// `# key: value` → {key, value}; nullopt when the line has no `key:` of [a-z][a-z0-9-]*.
    static std::optional<HeaderLine> split_key_value(std::string_view line, int n) {
        if (!line.starts_with("#")) return std::nullopt;
        std::string_view rest = trim(line.substr(1));
        const auto colon = rest.find(':');
        if (colon == std::string_view::npos || colon == 0) return std::nullopt;
        std::string_view key = rest.substr(0, colon);
        if (!(key[0] >= 'a' && key[0] <= 'z')) return std::nullopt;
        for (char c : key)
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return std::nullopt;
        return HeaderLine{n, std::string(key), std::string(trim(rest.substr(colon + 1)))};
    }

    void apply(const HeaderLine& kv) {
        const std::string& v = kv.value;
        const int n = kv.line;
        if (kv.key == "id") {
            if (is_name(v)) spec_.id = v;
            else error(n, fmt::format("bad id '{}': lowercase letters, digits, '.', '_' and '-', "
                                      "starting with a letter or digit", v));
        } else if (kv.key == "family") {
            spec_.family = v;
        } else if (kv.key == "controls") {
            for (const auto& c : split_commas(v)) {
                if (c.empty()) error(n, "empty entry in controls");
                else if (!contains(known_controls(), c))
                    error(n, fmt::format("unknown control '{}' (allowed: {})", c, join(known_controls(), ", ")));
                else if (contains(spec_.controls, c)) error(n, fmt::format("control '{}' listed twice", c));
                else spec_.controls.push_back(c);
            }
        } else if (kv.key == "expect") {
            expect_value_ = v;  // judged in check_whole(): the allowed values depend on the kind
        } else if (kv.key == "timeout") {
            double t = 0;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), t);
            if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(t) || t <= 0)
                error(n, fmt::format("bad timeout '{}': a positive number of seconds", v));
            else spec_.timeout_s = t;
        } else if (kv.key == "image") {
            if (auto img = image_choice_from_string(v)) spec_.image = *img;
            else error(n, fmt::format("bad image '{}' (allowed: base, science, all)", v));
        } else if (kv.key == "args") {
            apply_args(v, n);
        } else if (kv.key == "targets") {
            if (v == "canary" || v == "external") spec_.targets_external = v == "external";
            else error(n, fmt::format("bad targets '{}' (allowed: canary, external)", v));
        } else if (kv.key == "accepted-risk") {
            const auto num = parse_int(v);
            if (!num || *num <= 0)
                error(n, fmt::format("bad accepted-risk '{}': the number of a Known Weakness in "
                                     "sandbox/README.md", v));
            else spec_.accepted_risk = *num;
        } else if (kv.key == "host-files") {
            for (const auto& f : split_commas(v)) {
                if (f.empty() || f[0] != '/') {
                    error(n, fmt::format("bad host-files entry '{}': an absolute host path", f));
                    continue;
                }
                // Watched by content: a device or a FIFO has none (reading /dev/zero never ends).
                std::error_code ec;
                const auto st = std::filesystem::status(f, ec);
                if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
                    error(n, fmt::format("bad host-files entry '{}': not a regular file (only regular files, or "
                                         "paths that do not exist yet, can be watched)", f));
                else
                    spec_.host_files.push_back(f);
            }
        } else if (kv.key == "self-test") {
            std::istringstream words(v);
            for (std::string w; words >> w;) spec_.self_test_args.push_back(w);
            if (spec_.self_test_args.empty()) error(n, "empty self-test: the arguments of the probe's positive control");
        } else if (kv.key == "checked-by") {
            spec_.checked_by = v;
            if (v.empty()) error(n, "empty checked-by: the test that checks the harness against this probe");
        } else if (kv.key == "tags") {
            for (const auto& t : split_commas(v)) {
                if (!is_name(t)) error(n, fmt::format("bad tag '{}': lowercase letters, digits, '.', '_' and '-'", t));
                else if (!spec_.has_tag(t)) spec_.tags.push_back(t);
            }
        } else if (kv.key == "expect-exit") {
            const auto num = parse_int(v);
            if (!num || *num < 0 || *num > 255) error(n, fmt::format("bad expect-exit '{}': an exit status, 0 to 255", v));
            else spec_.expect_exit = *num;
        } else if (kv.key == "expect-stdout") {
            apply_expect_stdout(v, n);
        } else if (kv.key == "expect-stdout-file") {
            apply_expect_stdout_file(v, n);
        } else if (kv.key == "summary") {
            spec_.summary = v;
        }
    }

    static std::optional<int> parse_int(const std::string& v) {
        int out = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
        if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
        return out;
    }

    void apply_args(const std::string& v, int n) {
        std::istringstream words(v);
        for (std::string w; words >> w;) {
            for (auto open = w.find('{'); open != std::string::npos; open = w.find('{', open + 1)) {
                const auto close = w.find('}', open);
                const std::string ph = w.substr(open, close == std::string::npos ? close : close - open + 1);
                if (!contains(known_placeholders(), ph))
                    error(n, fmt::format("unknown placeholder '{}' in args (known: {})", ph,
                                         join(known_placeholders(), ", ")));
            }
            spec_.args.push_back(w);
        }
    }

    void apply_expect_stdout(const std::string& v, int n) {
        std::string out;
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i] != '\\') {
                out += v[i];
            } else if (i + 1 < v.size() && (v[i + 1] == 'n' || v[i + 1] == '\\')) {
                out += v[i + 1] == 'n' ? '\n' : '\\';
                ++i;
            } else {
                error(n, fmt::format("bad escape '{}' in expect-stdout (only \\n and \\\\)",
                                     v.substr(i, 2)));
                return;
            }
        }
        spec_.expect_stdout = out + "\n";
    }

    void apply_expect_stdout_file(const std::string& v, int n) {
        const auto file = std::filesystem::path(path_).parent_path() / v;
        std::string why;
        auto content = read_(file, why);
        if (!content) {
            error(n, fmt::format("cannot read expect-stdout-file '{}' ({}): {}", v, file.string(), why));
            return;
        }
        spec_.expect_stdout = std::move(*content);
        spec_.expect_stdout_file = std::filesystem::absolute(file).lexically_normal().string();
    }

    /// Checks that need the whole header: required keys, and keys that belong to one kind only.
    void check_whole(int header_line) {
        const bool probe = spec_.kind == CaseKind::Probe;
        std::vector<std::string> missing;
        for (std::string_view key : {"id", "family", "controls", "expect", "summary"}) {
            const bool required = probe || key == "id" || key == "summary";
            if (required && !seen_.count(std::string(key))) missing.emplace_back(key);
        }
        if (!missing.empty())
            error(header_line, fmt::format("missing required key{}: {}", missing.size() > 1 ? "s" : "",
                                           join(missing, ", ")));

        const std::vector<std::string> workload_only = {"expect-exit", "expect-stdout", "expect-stdout-file"};
        if (probe) {
            for (const auto& k : workload_only)
                if (seen_.count(k)) error(seen_.at(k), fmt::format("'{}' is for workloads only", k));
            if (seen_.count("family") && !spec_.family.empty() &&
                (spec_.family == "benign" || !contains(known_families(), spec_.family))) {
                std::vector<std::string> allowed = known_families();
                std::erase(allowed, "benign");
                error(seen_.at("family"), fmt::format("unknown family '{}' (allowed: {})", spec_.family,
                                                      join(allowed, ", ")));
            }
            if (seen_.count("expect")) {
                const auto e = expect_from_string(expect_value_);
                if (e && *e != Expect::Exit) spec_.expect = *e;
                else error(seen_.at("expect"), fmt::format("bad expect '{}' for a probe (allowed: report, "
                                                           "killed, timeout)", expect_value_));
            }
        } else {
            if (seen_.count("accepted-risk")) error(seen_.at("accepted-risk"), "'accepted-risk' is for probes only");
            if (seen_.count("self-test")) error(seen_.at("self-test"), "'self-test' is for probes only");
            if (seen_.count("checked-by")) error(seen_.at("checked-by"), "'checked-by' is for probes only");
            if (seen_.count("family") && spec_.family != "benign")
                error(seen_.at("family"), fmt::format("bad family '{}' for a workload (workloads are 'benign')",
                                                      spec_.family));
            if (seen_.count("expect") && expect_value_ != "exit")
                error(seen_.at("expect"), fmt::format("bad expect '{}' for a workload (allowed: exit)",
                                                      expect_value_));
            spec_.expect = Expect::Exit;
            if (seen_.count("expect-stdout") && seen_.count("expect-stdout-file"))
                error(std::max(seen_.at("expect-stdout"), seen_.at("expect-stdout-file")),
                      "'expect-stdout' and 'expect-stdout-file' exclude each other");
            if (!seen_.count("expect-stdout") && !seen_.count("expect-stdout-file") && !seen_.count("expect-exit"))
                error(header_line, "a workload must state what it must produce: expect-stdout, "
                                   "expect-stdout-file or expect-exit");
        }
    }

    std::string path_;
    const FileReader& read_;
    std::vector<std::string> errors_;
    std::map<std::string, int> seen_;  ///< key → line
    CaseSpec spec_;
    std::string expect_value_;
};

CaseSpec parse_with_id_line(std::string_view text, const std::string& path, const FileReader& read,
                            int& id_line) {
    HeaderParser parser(path, read);
    CaseSpec spec = parser.parse(text, id_line);
    spec.path = std::filesystem::absolute(path).lexically_normal().string();
    return spec;
}

}  // namespace

CatalogueError::CatalogueError(std::vector<std::string> errors)
    : Error(join(errors, "\n")), errors_(std::move(errors)) {}

std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& error) {
    // A FIFO or a device named by a header (expect-stdout-file: /dev/zero) must neither block nor
    // flood the reader: regular files only, 16 MiB at most.
    return read_regular_file(path, 16 << 20, error);
}

CaseSpec parse_case_header(std::string_view text, const std::string& path, const FileReader& read) {
    int id_line = 0;
    return parse_with_id_line(text, path, read, id_line);
}

const CaseSpec* Catalogue::find(std::string_view id) const {
    for (const auto& c : cases)
        if (c.id == id) return &c;
    return nullptr;
}

std::vector<const CaseSpec*> Catalogue::all() const {
    std::vector<const CaseSpec*> out;
    for (const auto& c : cases) out.push_back(&c);
    return out;
}

Catalogue load_catalogue(const std::vector<std::filesystem::path>& dirs) {
    namespace fs = std::filesystem;
    std::vector<std::string> errors;
    std::vector<fs::path> files;
    for (const auto& dir : dirs) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) {
            errors.push_back(fmt::format("{}: not a directory: the catalogue is read from directories of "
                                         "*.py scripts", dir.string()));
            continue;
        }
        for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            if (it->path().extension() != ".py") continue;
            std::error_code st_ec;
            if (it->is_regular_file(st_ec)) {
                files.push_back(it->path());
            } else {
                // A dangling link or a directory named *.py would silently drop a case.
                const bool link = it->is_symlink(st_ec);
                errors.push_back(fmt::format("{}: not a script: {} (every *.py under the catalogue must be a "
                                             "regular file)", it->path().string(),
                                             link ? "a symbolic link to nothing readable" : "not a regular file"));
            }
        }
        if (ec) errors.push_back(fmt::format("{}: cannot list: {}", dir.string(), ec.message()));
    }
    std::sort(files.begin(), files.end());

    Catalogue cat;
    std::map<std::string, std::string> id_owner;  // id → file that first used it
    for (const auto& file : files) {
        std::string why;
        auto text = read_text_file(file, why);
        if (!text) {
            errors.push_back(fmt::format("{}: cannot read: {}", file.string(), why));
            continue;
        }
        try {
            int id_line = 0;
            CaseSpec spec = parse_with_id_line(*text, file.string(), read_text_file, id_line);
            spec.script_hash = fnv1a64(*text);
            if (auto [it, fresh] = id_owner.emplace(spec.id, file.string()); !fresh) {
                errors.push_back(fmt::format("{}:{}: duplicate id '{}' (also in {})", file.string(), id_line,
                                             spec.id, it->second));
                continue;
            }
            cat.cases.push_back(std::move(spec));
        } catch (const CatalogueError& e) {
            errors.insert(errors.end(), e.errors().begin(), e.errors().end());
        }
    }
    if (!errors.empty()) throw CatalogueError(std::move(errors));
    return cat;
}

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative matcher with one backtrack point: the last '*' seen.
    std::size_t p = 0, t = 0, star = std::string_view::npos, star_t = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_t = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++star_t;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

Suite parse_suite(std::string_view s) {
    if (s == "nightly" || s == "all") return Suite::All;
    if (s == "probes") return Suite::Probes;
    if (s == "workloads") return Suite::Workloads;
    if (s == "smoke") return Suite::Smoke;
    throw CatalogueError({fmt::format("unknown suite '{}' (known: nightly, all, probes, workloads, smoke)", s)});
}

const char* to_string(Suite s) {
    switch (s) {
        case Suite::All: return "all";
        case Suite::Probes: return "probes";
        case Suite::Workloads: return "workloads";
        case Suite::Smoke: return "smoke";
    }
    return "?";
}

std::vector<const CaseSpec*> filter_by_glob(const std::vector<const CaseSpec*>& cases,
                                            const std::vector<std::string>& patterns) {
    if (patterns.empty()) return cases;
    std::vector<const CaseSpec*> out;
    for (const CaseSpec* c : cases)
        if (std::any_of(patterns.begin(), patterns.end(), [&](const auto& p) { return glob_match(p, c->id); }))
            out.push_back(c);
    return out;
}

std::vector<std::string> unmatched_patterns(const std::vector<const CaseSpec*>& cases,
                                            const std::vector<std::string>& patterns) {
    std::vector<std::string> out;
    for (const auto& p : patterns)
        if (std::none_of(cases.begin(), cases.end(), [&](const CaseSpec* c) { return glob_match(p, c->id); }))
            out.push_back(p);
    return out;
}

std::vector<const CaseSpec*> filter_by_suite(const std::vector<const CaseSpec*>& cases, Suite suite) {
    std::vector<const CaseSpec*> out;
    for (const CaseSpec* c : cases) {
        const bool keep = suite == Suite::All ||
                          (suite == Suite::Probes && c->kind == CaseKind::Probe) ||
                          (suite == Suite::Workloads && c->kind == CaseKind::Workload) ||
                          (suite == Suite::Smoke && c->has_tag("smoke"));
        if (keep) out.push_back(c);
    }
    return out;
}

std::vector<const CaseSpec*> filter_by_image(const std::vector<const CaseSpec*>& cases, ImageChoice image) {
    std::vector<const CaseSpec*> out;
    for (const CaseSpec* c : cases)
        if (image == ImageChoice::All || c->image == ImageChoice::All || c->image == image) out.push_back(c);
    return out;
}

}  // namespace sh
