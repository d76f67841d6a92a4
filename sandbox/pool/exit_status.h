#pragma once
/// The launcher's exit statuses (sandbox/README.md, "Exit codes"), which the pool keeps.

namespace pool {

inline constexpr int kTimedOut = 124;  ///< the deadline: container killed and removed
inline constexpr int kFailure = 125;   ///< launcher, pool or engine failure
inline constexpr int kRejected = 126;  ///< the AST check rejected the script

/// What the client is told from a slot's docker client's wait status: its exit code (the
/// script's own status, 128+N for a signal inside, 125 for a Docker failure); 125 when the
/// client itself was killed by a signal (the pool cannot tell what the script did).
int client_status(int wait_status);

}  // namespace pool
