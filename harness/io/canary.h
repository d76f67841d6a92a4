#pragma once
/// A loopback listener that probes try to reach: a network probe that gets a connection or a
/// datagram through to the host is outside evidence of an escape, whatever the probe reports.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/canary_evidence.h"

struct pollfd;
struct sockaddr_storage;
#include "util/error.h"

namespace sh {

/// What the runner needs of a canary: where probes aim, and the hits so far. LoopbackCanary is the
/// real one; tests play one with testing/fake_world.h's FakeCanary.
class Canary {
public:
    virtual ~Canary() = default;
    virtual std::string host() const = 0;
    virtual std::uint16_t tcp_port() const = 0;
    virtual std::uint16_t udp_port() const = 0;
    /// Every hit so far (sampled or not).
    virtual std::uint64_t hit_count() const = 0;
    /// Waits until everything that reached the canary before the call has been taken in, and
    /// returns hit_count() then. After a case's container is gone, sync() makes its hits visible.
    virtual std::uint64_t sync() = 0;
    /// The kept hits, in arrival order.
    virtual std::vector<CanaryHit> hits() const = 0;
};

/// Listens on 127.0.0.1 and ::1, TCP and UDP, on ephemeral ports (the same port number for all
/// four where the kernel allows it), on its own thread. Never sends anything except, for TCP, a
/// short "CANARY-OK\n" reply once some payload is read. When ::1 is unavailable (IPv6 disabled)
/// it listens on IPv4 only.
///
/// Every connection and every datagram is a hit and gets the next sequence number; the count
/// never stops (datagrams the kernel dropped from a full receive queue are counted too, through
/// SO_RXQ_OVFL). The first 4096 hits and the latest 1024 are kept with their payload; for up to
/// 128 hits a second the process that owns the sending socket is looked up in /proc (its cgroup
/// names its container), which is what ties a hit to a case (core/canary_evidence.h). At most 64 connections are served at once;
/// later ones are counted and closed. Stops in the destructor.
class LoopbackCanary final : public Canary {
public:
    /// Throws Error naming the failed call, e.g. "canary: bind 127.0.0.1 tcp: ...".
    LoopbackCanary();
    ~LoopbackCanary() override;
    LoopbackCanary(const LoopbackCanary&) = delete;
    LoopbackCanary& operator=(const LoopbackCanary&) = delete;

    std::string host() const override { return "127.0.0.1"; }
    std::uint16_t tcp_port() const override { return tcp_port_; }
    std::uint16_t udp_port() const override { return udp_port_; }
    std::uint64_t hit_count() const override { return count_.load(); }
    /// Drains the sockets (see Canary::sync()).
    std::uint64_t sync() override;
    std::vector<CanaryHit> hits() const override;

private:
    /// A TCP connection served for a while, for its payload; only the loop's thread touches them.
    struct Conn {
        int fd;
        std::uint64_t seq;  ///< the hit's number; its payload is kept when the hit was sampled
        std::chrono::steady_clock::time_point opened;
        bool replied = false;
    };
    enum class Wakeup { Sync, Stop };

    void loop();
    /// What the self-pipe asked for: Stop (the destructor's 'x') wins over any sync().
    Wakeup read_wakeups();
    /// Drains the readable listeners (all of them when a sync() is wanted, then acknowledges it).
    void drain_listeners(const pollfd* listeners, std::size_t count, bool sync_wanted);
    /// Takes in everything queued on listener `fd`: each connection or datagram a hit.
    void drain(int fd);
    void accept_all(int fd);
    void receive_all(int fd);
    /// Reads what the first `count` open connections sent (`ready[i]` is conns_[i]'s poll result;
    /// those accepted since the poll wait for the next one), replies once, and closes those that
    /// are done or have lingered long enough.
    void serve_connections(const pollfd* ready, std::size_t count);
    /// The cgroup of the process that sent from `peer`, within a per-second budget of lookups.
    std::optional<std::string> lookup_owner(const std::string& proto, const sockaddr_storage& peer,
                                            std::uint16_t own_port);
    std::uint64_t next_seq(std::uint64_t n = 1);
    void keep(CanaryHit);
    CanaryHit* kept(std::uint64_t seq);  ///< the kept hit with this number, if any (mutex_ held)

    int tcp4_ = -1, tcp6_ = -1, udp4_ = -1, udp6_ = -1;
    int wake_[2] = {-1, -1};  ///< self-pipe: the destructor writes to end the loop
    std::uint16_t tcp_port_ = 0, udp_port_ = 0;
    mutable std::mutex mutex_;
    std::vector<CanaryHit> hits_;    ///< the first kMaxKept hits
    std::vector<CanaryHit> recent_;  ///< a ring of the latest ones after those, by seq
    std::atomic<std::uint64_t> count_{0};
    std::uint32_t udp_dropped_[2] = {0, 0};  ///< SO_RXQ_OVFL counters seen on udp4_, udp6_
    int owner_lookups_ = 0;  ///< in the current second
    std::chrono::steady_clock::time_point lookup_second_{};
    // sync(): a request number the loop acknowledges once it has drained the sockets.
    std::condition_variable synced_;
    std::uint64_t sync_requested_ = 0, sync_done_ = 0;
    bool stopped_ = false;
    std::vector<Conn> conns_;
    std::thread thread_;
};

}  // namespace sh
