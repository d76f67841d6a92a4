#pragma once
/// A catalogue entry: one probe or workload script and what its header says
/// (attacks/README.md is the reference for the header format).

#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sh {

enum class CaseKind { Probe, Workload };
enum class Expect { Report, Killed, Timeout, Exit };
enum class ImageChoice { Base, Science, All };

/// The closed set of controls a probe can name (sandbox/README.md describes each).
inline const std::vector<std::string>& known_controls() {
    static const std::vector<std::string> v = {
        "isolation", "network", "user", "read-only", "tmpfs", "cap-drop", "no-new-privileges",
        "cpus", "memory", "pids", "ulimits", "timeout", "ast"};
    return v;
}

/// Probe families, plus "benign", the only family of workloads.
inline const std::vector<std::string>& known_families() {
    static const std::vector<std::string> v = {
        "resource", "network", "filesystem", "privilege", "kernel", "info-leak",
        "timeout", "output", "cve", "ast-bypass", "benign"};
    return v;
}

/// The placeholders the harness fills in a case's `args`.
inline const std::vector<std::string>& known_placeholders() {
    static const std::vector<std::string> v = {
        "{canary_host}", "{canary_tcp_port}", "{canary_udp_port}", "{token}"};
    return v;
}

struct CaseSpec {
    CaseKind kind = CaseKind::Probe;
    std::string id;
    std::string family;                 ///< "benign" for workloads
    std::vector<std::string> controls;  ///< probes: non-empty; workloads: optional, informative
    Expect expect = Expect::Exit;       ///< Report/Killed/Timeout for probes, Exit for workloads
    double timeout_s = 10.0;
    ImageChoice image = ImageChoice::Base;
    std::vector<std::string> args;      ///< may hold {canary_host} ... placeholders
    /// Probes whose escape no weakening can produce on a patched host: the arguments (after `args`)
    /// that point the same check at a stand-in the probe makes itself, i.e. its positive control.
    std::vector<std::string> self_test_args;
    /// Probes that attack the harness itself (its capture, its reports), whose own report cannot
    /// show their escape: the test that checks the harness against them, with its positive control.
    std::string checked_by;
    bool targets_external = false;
    std::optional<int> accepted_risk;   ///< Known Weakness number in sandbox/README.md
    std::vector<std::string> host_files;
    std::vector<std::string> tags;
    int expect_exit = 0;
    std::optional<std::string> expect_stdout;  ///< exact, escapes resolved, final newline included
    std::optional<std::string> expect_stdout_file;  ///< absolute path it was read from, if any
    std::string summary;
    std::string path;  ///< absolute path of the script
    std::uint64_t script_hash = 0;  ///< FNV-1a 64 of the script as the catalogue read it

    bool has_tag(std::string_view tag) const;
    bool has_control(std::string_view control) const;
    /// The image names this case runs on: {"base"}, {"science"} or {"base", "science"}.
    std::vector<std::string> image_names() const;
};

const char* to_string(CaseKind);
const char* to_string(Expect);
const char* to_string(ImageChoice);

/// Inverses of to_string; nullopt for anything else (exact, case-sensitive match).
std::optional<CaseKind> case_kind_from_string(std::string_view);
std::optional<Expect> expect_from_string(std::string_view);
std::optional<ImageChoice> image_choice_from_string(std::string_view);

}  // namespace sh
