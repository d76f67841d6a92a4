#pragma once
/// CPU and memory pressure, the way another job on a shared host makes it (the chaos faults
/// cpu-pressure and memory-pressure): busy loops (8 per CPU) in a session of their own at nice
/// -15, and a quarter of the available memory (at most 4 GiB) touched and held by this process.
/// The session matters: with autogroup scheduling, which Linux enables by default, a session's
/// tasks share one weight, so busy loops at nice 0 in this session would take no more than half
/// the CPU from a container; at -15 their group outweighs a container's cgroup about 14 to 1, and
/// every other task as much (root may lower nice, so chaos runs as root). The loops run under
/// coreutils timeout, which ends its whole process group after 10 minutes: they do not outlive a
/// chaos command killed before stop() (SIGKILL runs no destructor).

#include <sys/types.h>

#include <vector>

namespace sh {

class NoisyNeighbour {
public:
    NoisyNeighbour();
    ~NoisyNeighbour() { stop(); }
    NoisyNeighbour(const NoisyNeighbour&) = delete;
    NoisyNeighbour& operator=(const NoisyNeighbour&) = delete;
    /// False when the busy loops could not be started.
    bool started() const { return hogs_ > 0; }
    /// Ends the loops (SIGKILL to their process group) and frees the memory.
    void stop();

private:
    pid_t hogs_ = -1;
    std::vector<char> held_;
};

}  // namespace sh
