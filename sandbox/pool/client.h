#pragma once
/// The client side: what `run_secure_python.sh` runs when the profile sets SANDBOX_POOL
/// (`sandbox-pool --client SOCKET ...`). A C++ binary, not Python: its start-up counts in every
/// warm launch.

#include <string>
#include <vector>

namespace pool {

struct ClientRequest {
    std::string socket;
    std::string name;           ///< shown in the pool's messages (the script's path)
    std::string profile_flags;  ///< the launcher's; "" = whatever the pool runs
    std::string script_path;
    std::vector<std::string> args;
};

/// Sends the script, writes the relayed stdout/stderr to its own, and returns the exit status
/// (125 with a message naming the socket when no pool answers).
int run_client(const ClientRequest&);

}  // namespace pool
