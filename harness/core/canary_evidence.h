#pragma once
/// Canary evidence and who it belongs to. Every connection or datagram that reaches the canary is
/// evidence of an escape, whatever it carries; these rules decide which case it counts against.
/// Pure logic: the canary (io/canary.h) numbers and samples the hits, the runner opens and closes
/// one window per case, and attribute() reads the ledger.
///
/// A hit belongs to a case by evidence the script cannot forge:
///  - its owner: the sending socket, found through /proc when the hit arrived, belonged to a process
///    in the case's container (its cgroup path names the container), or
///  - time: it arrived while that case, and no other, was running.
/// A hit that matches neither counts against every case that was running when it arrived (they
/// all could have sent it), and a hit that arrived while no case was running counts against the
/// run. Nothing a script sends (a token, another case's token) takes part: a probe cannot frame
/// another case without failing itself.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"

namespace sh {

struct CanaryHit {
    std::uint64_t seq = 0;  ///< 1-based arrival number; every hit has one, sampled or not
    std::string proto;      ///< "tcp", "udp", "tcp6", "udp6"
    std::string peer;       ///< "127.0.0.1:54321" or "[::1]:54321"
    std::string payload;    ///< the first 512 bytes, as received (TCP: grows while it arrives)
    double time_s = 0;      ///< seconds since epoch, when it arrived
    /// /proc/PID/cgroup of the process that owned the sending socket when the hit arrived, when
    /// that could be found (the owner left, or the lookup budget was spent: unset).
    std::optional<std::string> owner_cgroup;
};

/// One case's window on the hit sequence: hits with first < seq <= last arrived while it ran.
struct CanaryWindow {
    std::string label;           ///< "case-id[image]#rep", for messages
    std::string container_name;  ///< the case's container name (its cgroup parent carries it)
    std::optional<std::string> container_id;
    std::uint64_t first = 0;              ///< hit count when the case was opened (before launch)
    std::optional<std::uint64_t> last;    ///< hit count once the canary was drained after it ended
};

/// The windows of a run, shared by the worker threads.
class CanaryLedger {
public:
    /// Before the launcher starts: `hits_so_far` is the canary's count. Returns the window's handle.
    std::size_t open(std::string label, std::string container_name, std::uint64_t hits_so_far);
    /// After the launcher returned and the canary was drained (Canary::sync()).
    void close(std::size_t handle, std::uint64_t hits_so_far, std::optional<std::string> container_id);
    std::vector<CanaryWindow> windows() const;

private:
    mutable std::mutex mu_;
    std::vector<CanaryWindow> windows_;
};

/// True when `owner_cgroup` (the text of /proc/PID/cgroup) places the process in the window's
/// container: a path component equal to its id, or to its name (the harness's cgroup parent).
bool owned_by(const std::string& owner_cgroup, const CanaryWindow&);

/// The case whose window is `self` (an index into `windows`, closed): the evidence lines for every
/// hit in its window that counts against it. `sampled` holds the hits the canary kept (any order);
/// hits of the window beyond the sample are counted in one line.
std::vector<std::string> attribute(const std::vector<CanaryHit>& sampled,
                                   const std::vector<CanaryWindow>& windows, std::size_t self);

/// Hits (1..total) that arrived while no case was running: evidence against the run itself.
std::vector<std::string> unexplained_hits(const std::vector<CanaryHit>& sampled,
                                          const std::vector<CanaryWindow>& windows,
                                          std::uint64_t total);

/// The record of the run itself (case "run.canary") for hits no case can be blamed or cleared for
/// (unexplained_hits()): an error, so that every report and the exit status show it.
Record unexplained_hits_record(const std::string& run_id, std::vector<std::string> hits);

/// "tcp from 127.0.0.1:5555, 17 bytes: 'hello'" — one hit, for a reason line (escaped).
std::string describe_hit(const CanaryHit&);

}  // namespace sh
