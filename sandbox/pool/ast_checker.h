#pragma once
/// The AST check (control 10) without one CPython start per script: one long-lived
/// `ast_check.py --serve` (it drops to uid 65534 when the pool runs as root), fed one script at a
/// time. Started again once if it died; a checker that cannot answer is a failure (125), never a
/// pass.

#include <mutex>
#include <optional>
#include <string>

#include "process.h"

namespace pool {

struct CheckResult {
    enum Kind { Accepted, Rejected, Failed } kind;
    std::string text;  ///< the findings (Rejected) or what went wrong (Failed), as stderr lines
};

class AstChecker {
public:
    /// `ast_check_py`: sandbox/ast_check.py; `prefix` starts every message line.
    AstChecker(std::string ast_check_py, std::string prefix);
    ~AstChecker();
    AstChecker(const AstChecker&) = delete;
    AstChecker& operator=(const AstChecker&) = delete;

    /// Thread-safe; one script at a time. `name` is the path shown in the findings.
    CheckResult check(const std::string& name, const std::string& script);

private:
    bool start();
    void stop();
    std::optional<CheckResult> ask(const std::string& name, const std::string& script);

    std::string path_, prefix_;
    std::mutex mutex_;
    Child child_;
};

}  // namespace pool
