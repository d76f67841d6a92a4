#include "ast_checker.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <optional>

namespace pool {

AstChecker::AstChecker(std::string ast_check_py, std::string prefix)
    : path_(std::move(ast_check_py)), prefix_(std::move(prefix)) {}

AstChecker::~AstChecker() { stop(); }

bool AstChecker::start() {
    try {
        // -I -S as the launcher runs it: no user site, no PYTHON* variables, no site imports.
        child_ = spawn({"/usr/bin/python3", "-I", "-S", path_, "--prefix", prefix_, "--serve"}, {}, true, true, false);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void AstChecker::stop() {
    if (child_.pid <= 0) return;
    child_.in.reset();  // EOF: it ends by itself
    child_.out.reset();
    ::kill(child_.pid, SIGKILL);
    wait_for(child_.pid);
    child_.pid = -1;
}

std::optional<CheckResult> AstChecker::ask(const std::string& name, const std::string& script) {
    const std::string request = std::to_string(name.size()) + " " + std::to_string(script.size()) + "\n" + name + script;
    if (!write_all(child_.in.get(), request)) return std::nullopt;
    // The answer: "<status> <len>\n<text>".
    std::string got;
    char buf[4096];
    std::size_t need = std::string::npos, header_end = 0;
    int status = -1;
    while (need == std::string::npos || got.size() < need) {
        const ssize_t n = ::read(child_.out.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        got.append(buf, static_cast<std::size_t>(n));
        if (need == std::string::npos) {
            header_end = got.find('\n');
            if (header_end == std::string::npos) {
                if (got.size() > 64) return std::nullopt;
                continue;
            }
            std::size_t len = 0;
            if (std::sscanf(got.substr(0, header_end).c_str(), "%d %zu", &status, &len) != 2) return std::nullopt;
            need = header_end + 1 + len;
        }
    }
    if (status != 0 && status != 1) return std::nullopt;
    return CheckResult{status == 0 ? CheckResult::Accepted : CheckResult::Rejected, got.substr(header_end + 1)};
}

CheckResult AstChecker::check(const std::string& name, const std::string& script) {
    std::lock_guard lock(mutex_);
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (child_.pid <= 0 && !start()) break;
        if (auto r = ask(name, script)) return *r;
        stop();  // it died or answered nonsense: a fresh one gets one more try
    }
    return {CheckResult::Failed, prefix_ + "the AST check failed to run (" + path_ + " --serve did not answer)\n"};
}

}  // namespace pool
