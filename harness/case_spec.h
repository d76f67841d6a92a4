#pragma once
/// A catalogue entry: one probe or workload script and what its header says.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sh {

enum class CaseKind { Probe, Workload };
enum class Expect { Report, Killed, Timeout, Exit };
enum class ImageChoice { Base, Science, All };

/// The closed set of controls a probe can name (sandbox/README.md, controls 1-10).
inline const std::vector<std::string>& known_controls() {
    static const std::vector<std::string> v = {
        "isolation", "network", "user", "read-only", "tmpfs", "cap-drop", "no-new-privileges",
        "cpus", "memory", "pids", "ulimits", "timeout", "ast"};
    return v;
}

inline const std::vector<std::string>& known_families() {
    static const std::vector<std::string> v = {
        "resource", "network", "filesystem", "privilege", "kernel", "info-leak",
        "timeout", "output", "cve", "ast-bypass", "benign"};
    return v;
}

struct CaseSpec {
    CaseKind kind = CaseKind::Probe;
    std::string id;
    std::string family;                 ///< "benign" for workloads
    std::vector<std::string> controls;  ///< probes only
    Expect expect = Expect::Exit;
    double timeout_s = 10.0;
    ImageChoice image = ImageChoice::Base;
    std::vector<std::string> args;      ///< may hold {canary_host} ... placeholders
    bool targets_external = false;
    std::optional<int> accepted_risk;   ///< Known Weakness number in sandbox/README.md
    std::vector<std::string> host_files;
    std::vector<std::string> tags;
    int expect_exit = 0;
    std::optional<std::string> expect_stdout;  ///< exact, escapes resolved, final newline included
    std::string summary;
    std::string path;  ///< absolute path of the script
};

const char* to_string(CaseKind);
const char* to_string(Expect);
const char* to_string(ImageChoice);

}  // namespace sh
