#pragma once
/// Test-only: a ProcessRunner that runs nothing. Each run() calls the test's `script` with the
/// request (the launcher's argv and SANDBOX_* environment), which plays the launcher: it may drive
/// a FakeDocker and returns the LaunchResult the harness sees. Every request is kept.

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "io/process_runner.h"

namespace sh {

class FakeProcessRunner final : public ProcessRunner {
public:
    using Script = std::function<LaunchResult(const ProcessRequest&, const std::atomic<bool>* cancel)>;
    explicit FakeProcessRunner(Script script) : script_(std::move(script)) {}

    LaunchResult run(const ProcessRequest& req, const std::atomic<bool>* cancel = nullptr) override {
        {
            std::lock_guard lock(mu_);
            requests_.push_back(req);
        }
        return script_(req, cancel);
    }
    std::vector<ProcessRequest> requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }

private:
    Script script_;
    mutable std::mutex mu_;
    std::vector<ProcessRequest> requests_;
};

/// A launcher that ran: exit status, and what it printed.
inline LaunchResult exited(int exit_code, std::string out = "", std::string err = "") {
    LaunchResult r;
    r.started = true;
    r.exit_code = exit_code;
    r.stdout_bytes = out.size();
    r.stderr_bytes = err.size();
    r.stdout_text = std::move(out);
    r.stderr_text = std::move(err);
    r.wall_ms = 100;
    return r;
}

}  // namespace sh
