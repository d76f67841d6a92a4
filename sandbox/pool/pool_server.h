#pragma once
/// The pool manager: keeps `slots` warm slots ready, listens on a unix socket, checks each script
/// (protocol, cap, profile, AST), hands it to a ready slot (or queues it, bounded), relays the
/// result, and starts a new slot for each one taken. Runs in the foreground until SIGTERM or
/// SIGINT, then removes every slot it started and exits 0.

#include <cstddef>
#include <string>

namespace pool {

struct PoolOptions {
    std::string socket;
    std::size_t slots = 2;
    std::size_t queue = 16;
    unsigned idle_seconds = 600;
    std::size_t max_script_bytes = 1 << 20;
    std::string sandbox_dir;  ///< where run_secure_python.sh, slot_init.py and ast_check.py are
};

/// The profile as the launcher sees it (`run_secure_python.sh --slot-info`).
struct ProfileInfo {
    double timeout_seconds = 10;
    bool ast_check = true;
    std::string pool;           ///< the profile's SANDBOX_POOL
    std::string profile_flags;  ///< compared with each request's
};

/// Parses the `key=value` lines of --slot-info; throws std::runtime_error if one is missing.
ProfileInfo parse_profile_info(const std::string& text);

/// Runs the pool; its exit status (0 after SIGTERM/SIGINT, 125 when it cannot start).
int run_pool(const PoolOptions&);

}  // namespace pool
