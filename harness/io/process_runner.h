#pragma once
/// The process boundary: runs one program (in practice sandbox/run_secure_python.sh) to completion
/// with capped output, a safety deadline and a cancel flag. The only file that includes
/// Boost.Process is process_runner.cpp. ProcessRunner is the seam the run logic uses;
/// testing/fake_process_runner.h stands in for it in unit tests.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/launch_result.h"

namespace sh {

struct ProcessRequest {
    std::vector<std::string> argv;               ///< argv[0] is a path (no PATH search)
    std::map<std::string, std::string> env_set;  ///< added/overriding on top of the harness's own environment
    std::filesystem::path cwd;                   ///< empty = inherit
    std::size_t output_cap_bytes = 1 << 20;      ///< per stream; beyond it bytes are counted but dropped
    /// When set, every stdout line that begins with this word (alone or followed by a space) is
    /// counted over the whole stream, past the cap too (LaunchResult::watched_lines: the first
    /// four, each kept up to output_cap_bytes).
    std::string watch_word;
    /// Safety deadline: SIGTERM to the direct child (the launcher traps it and removes its
    /// container), then after `grace` SIGKILL to its whole process group.
    std::chrono::milliseconds deadline{60000};
    std::chrono::milliseconds grace{3000};
};

/// Runs one process to completion; never throws for the child's failures (they go in
/// LaunchResult). Safe to call from several threads at once: each call has its own io_context,
/// and no process-wide state (no SIGCHLD handler) is touched.
///
/// - A missing or non-executable argv[0], or a missing cwd, gives started=false and
///   start_error "cannot execute PATH[ in DIR]: REASON"; no child is created.
/// - stdin is /dev/null; stdout and stderr are drained to EOF concurrently, so a child writing
///   hundreds of MB never blocks (bytes past the cap are counted, then dropped).
/// - The child runs in its own process group (a terminal's Ctrl-C reaches only the harness),
///   with default signal dispositions, an empty signal mask, and none of the harness's file
///   descriptors beyond 0-2. The calling thread blocks every signal from vfork until the child
///   has exec'd, so no harness signal handler can run in the child.
/// - `cancel`, when non-null and set to true by another thread, ends the run like the deadline
///   does (SIGTERM, grace, SIGKILL group) but leaves `harness_deadline_hit` false. It is polled
///   every 250 ms.
/// - When the direct child exits but something it left behind still holds a pipe open, the group
///   gets SIGKILL after `grace`, so the call always returns. Leftovers that closed both pipes
///   are left alone (the launcher may have started them on purpose).
/// - wall_ms runs from spawn to the child's exit (not to pipe EOF); cpu_*_ms is the child's
///   rusage including the descendants it reaped.
LaunchResult run_process(const ProcessRequest&, const std::atomic<bool>* cancel = nullptr);

/// Runs one process to completion, as run_process() describes.
class ProcessRunner {
public:
    virtual ~ProcessRunner() = default;
    virtual LaunchResult run(const ProcessRequest&, const std::atomic<bool>* cancel = nullptr) = 0;
};

/// The real one: run_process().
class SubprocessRunner final : public ProcessRunner {
public:
    LaunchResult run(const ProcessRequest& req, const std::atomic<bool>* cancel = nullptr) override {
        return run_process(req, cancel);
    }
};

}  // namespace sh
