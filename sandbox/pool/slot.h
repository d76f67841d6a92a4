#pragma once
/// One warm slot: a hardened container started ahead by the launcher's `--slot` mode (so its
/// flags are the profile's, computed in one place), whose PID 1 (sandbox/slot_init.py) waits for
/// one script on stdin. A slot runs at most one script; whatever happens, it is removed at the end
/// (by the destructor at the latest).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process.h"

namespace pool {

struct SlotConfig {
    std::string launcher;          ///< sandbox/run_secure_python.sh
    std::vector<std::string> env;  ///< SANDBOX_LABELS etc. for every slot
    unsigned idle_seconds = 600;   ///< a slot not handed a script by then ends itself
    std::size_t max_script_bytes = 1 << 20;
    double timeout_seconds = 10;   ///< the profile's SANDBOX_TIMEOUT; 0 = none
};

/// `docker rm -f NAME`, waited for. False when the engine did not confirm it.
bool remove_container(const std::string& name);

/// How a relayed run ended.
struct RunOutcome {
    int status = 125;
    bool timed_out = false;
    bool client_gone = false;  ///< disconnected, or did not read its output in time
    std::chrono::steady_clock::duration run_time{};  ///< hand-over to the exit status
};

class Slot {
public:
    /// Spawns the slot's docker client; does not wait for it.
    Slot(const SlotConfig&, std::string name);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

    /// Waits for PID 1's readiness line. On failure `error` says why (the client's stderr).
    bool wait_ready(std::chrono::seconds limit, std::string& error);
    /// False when the slot ended on its own since it was ready (its idle limit, an engine kill).
    bool alive() const;
    const std::string& name() const { return name_; }

    /// Hands `request` (protocol.h, already checked) over and relays the output to `client_fd`
    /// as frames, ending with the exit frame. The slot is used up afterwards.
    RunOutcome run(const std::string& request, int client_fd);

private:
    struct Relay;
    using Clock = std::chrono::steady_clock;
    enum class Step { Go, ClientGone, Broken };
    /// One poll of the slot's pipes and the client: writes the request on, reads output into
    /// frames, sends frames. ClientGone when the client went away, Broken when poll failed.
    Step relay_once(Relay&, int client_fd, std::optional<Clock::time_point> deadline);
    /// The exit status (the exit line, the deadline's 124, or the client's own), the last frames,
    /// and the slot removed.
    void conclude(Relay&, RunOutcome&, int client_fd);
    /// `running`: the container is known to run (handed over): its client is killed first, as
    /// a client blocked on a full stdout pipe would hold up the engine's removal.
    void kill_and_remove(bool running = false);

    SlotConfig config_;
    std::string name_;
    Child child_;
    bool finished_ = false;
};

}  // namespace pool
