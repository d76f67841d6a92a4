#pragma once
/// What the process launcher saw of one run of sandbox/run_secure_python.sh.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sh {

struct LaunchResult {
    bool started = false;           ///< false: the launcher could not be executed at all
    std::string start_error;        ///< why, when !started
    int exit_code = -1;             ///< the launcher's exit status (valid when exited normally)
    std::optional<int> signal;      ///< set when the launcher itself died of a signal
    bool harness_deadline_hit = false;  ///< the harness's own safety deadline killed the launcher
    std::string stdout_text;        ///< capped
    std::string stderr_text;        ///< capped
    bool stdout_truncated = false;
    bool stderr_truncated = false;
    std::size_t stdout_bytes = 0;   ///< total bytes seen, including what the cap dropped
    std::size_t stderr_bytes = 0;
    /// Lines of stdout that begin with the request's watch word (the probe report's prefix),
    /// found in the whole stream as it was read, however much of it the cap kept.
    bool lines_watched = false;
    std::size_t watched_line_count = 0;
    std::vector<std::string> watched_lines;  ///< the first few of them
    double wall_ms = 0;             ///< spawn → exit, monotonic clock
    double start_unix_s = 0;        ///< wall-clock time of spawn (seconds since epoch)
    double cpu_user_ms = 0;         ///< the launcher process tree's CPU (children reaped), if known
    double cpu_sys_ms = 0;
};

/// Launcher exit codes (sandbox/README.md is the reference).
inline constexpr int kLauncherTimeout = 124;
inline constexpr int kLauncherFailure = 125;
inline constexpr int kLauncherAstRejected = 126;

}  // namespace sh
