#pragma once
/// The catalogue: every probe and workload script, parsed from its header (attacks/README.md),
/// and the ways a run selects cases from it (id globs, suites, images).

#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

#include "core/case_spec.h"

namespace sh {

/// One or more `FILE:LINE: message` lines; what() joins them with newlines. All the problems
/// found are reported at once, so a reviewer fixes them in one pass.
class CatalogueError : public Error {
public:
    explicit CatalogueError(std::vector<std::string> errors);
    const std::vector<std::string>& errors() const { return errors_; }

private:
    std::vector<std::string> errors_;
};

/// Reads a whole file; on failure returns nullopt and sets `error` (e.g. "No such file or
/// directory"). The only I/O a header can cause is reading its `expect-stdout-file`.
using FileReader =
    std::function<std::optional<std::string>(const std::filesystem::path&, std::string& error)>;
std::optional<std::string> read_text_file(const std::filesystem::path&, std::string& error);

/// Parses the header of one script. `path` names the script in messages (as given) and is made
/// absolute for CaseSpec::path; `expect-stdout-file` is resolved against its directory and read
/// with `read`. Throws CatalogueError listing every problem in the header.
CaseSpec parse_case_header(std::string_view text, const std::string& path,
                           const FileReader& read = read_text_file);

struct Catalogue {
    std::vector<CaseSpec> cases;  ///< in path order

    const CaseSpec* find(std::string_view id) const;
    std::vector<const CaseSpec*> all() const;
};

/// Reads every *.py under each directory (recursively, in path order) and parses its header.
/// Ids must be unique across all of them. Throws CatalogueError listing every problem in every
/// file (and missing directories).
Catalogue load_catalogue(const std::vector<std::filesystem::path>& dirs);

/// `*` matches any run of characters (including none), `?` exactly one; nothing else is special.
bool glob_match(std::string_view pattern, std::string_view text);

enum class Suite { All, Probes, Workloads, Smoke };

/// "nightly" and "all" are everything; "probes", "workloads"; "smoke" is the cases tagged smoke.
/// Throws CatalogueError("unknown suite 'x' (known: nightly, all, probes, workloads, smoke)").
Suite parse_suite(std::string_view);
const char* to_string(Suite);

/// Keeps the cases whose id matches any of `patterns` (all of them when `patterns` is empty).
std::vector<const CaseSpec*> filter_by_glob(const std::vector<const CaseSpec*>&,
                                            const std::vector<std::string>& patterns);
/// The patterns that match no case: worth a warning, since a typo would silently run nothing.
std::vector<std::string> unmatched_patterns(const std::vector<const CaseSpec*>&,
                                            const std::vector<std::string>& patterns);
std::vector<const CaseSpec*> filter_by_suite(const std::vector<const CaseSpec*>&, Suite);
/// Keeps the cases that run on `image` ("base", "science"; "all" keeps everything).
std::vector<const CaseSpec*> filter_by_image(const std::vector<const CaseSpec*>&,
                                             ImageChoice image);

}  // namespace sh
