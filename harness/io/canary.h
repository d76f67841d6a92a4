#pragma once
/// A loopback listener that probes try to reach: a network probe that gets a connection or a
/// datagram through to the host is outside evidence of an escape, whatever the probe reports.

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "util/error.h"

namespace sh {

struct CanaryHit {
    std::string proto;    ///< "tcp", "udp", "tcp6", "udp6"
    std::string peer;     ///< "127.0.0.1:54321" or "[::1]:54321"
    std::string payload;  ///< the first 512 bytes, as received (TCP: until EOF, 512 bytes or 1 s)
    double time_s = 0;    ///< seconds since epoch, when the connection or datagram arrived
};

/// Listens on 127.0.0.1 and ::1, TCP and UDP, on ephemeral ports (the same port number for all
/// four where the kernel allows it), on its own thread, and records every connection and
/// datagram. Never sends anything except, for TCP, a short "CANARY-OK\n" reply once the
/// payload is read. When ::1 is unavailable (IPv6 disabled) it listens on IPv4 only.
/// Keeps at most 10000 hits and 64 open connections (a flood is recorded, not served).
/// Stops in the destructor.
class Canary {
public:
    /// Throws Error naming the failed call, e.g. "canary: bind 127.0.0.1 tcp: ...".
    Canary();
    ~Canary();
    Canary(const Canary&) = delete;
    Canary& operator=(const Canary&) = delete;

    std::string host() const { return "127.0.0.1"; }
    std::uint16_t tcp_port() const { return tcp_port_; }
    std::uint16_t udp_port() const { return udp_port_; }
    std::vector<CanaryHit> hits() const;
    /// Hits whose payload contains `token` (each case puts its own token in what it sends).
    std::vector<CanaryHit> hits_with_token(const std::string& token) const;

private:
    void loop();
    void record(CanaryHit);

    int tcp4_ = -1, tcp6_ = -1, udp4_ = -1, udp6_ = -1;
    int wake_[2] = {-1, -1};  ///< self-pipe: the destructor writes to end the loop
    std::uint16_t tcp_port_ = 0, udp_port_ = 0;
    mutable std::mutex mutex_;
    std::vector<CanaryHit> hits_;
    std::thread thread_;
};

}  // namespace sh
