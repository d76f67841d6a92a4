#include "io/canary.h"
#include "util/error.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace sh {

namespace {

constexpr std::size_t kPayloadCap = 512;
constexpr std::size_t kMaxOpenConnections = 64;
constexpr std::size_t kMaxHits = 10000;  ///< a connect flood must not grow memory without bound
constexpr auto kConnectionLinger = std::chrono::seconds(2);

double now_unix_s() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

[[noreturn]] void fail(const std::string& what, int err) {
    throw Error("canary: " + what + ": " + std::strerror(err));
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

std::string peer_text(const sockaddr_storage& ss) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET) {
        const auto& a = reinterpret_cast<const sockaddr_in&>(ss);
        ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
        return std::string(buf) + ":" + std::to_string(ntohs(a.sin_port));
    }
    if (ss.ss_family == AF_INET6) {
        const auto& a = reinterpret_cast<const sockaddr_in6&>(ss);
        ::inet_ntop(AF_INET6, &a.sin6_addr, buf, sizeof buf);
        return "[" + std::string(buf) + "]:" + std::to_string(ntohs(a.sin6_port));
    }
    return "?";
}

/// Binds a loopback socket of `family`/`type` to `port` (0 = ephemeral). Returns the fd, or -1
/// with `err` set when bind fails (so the caller can retry another port); other failures throw.
int bind_loopback(int family, int type, std::uint16_t port, int& err) {
    const bool v6 = family == AF_INET6;
    const std::string what = std::string(v6 ? "::1 " : "127.0.0.1 ") +
                             (type == SOCK_STREAM ? "tcp" : "udp");
    int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        err = errno;
        if (v6 && (err == EAFNOSUPPORT || err == EPROTONOSUPPORT)) return -1;
        fail("socket " + what, err);
    }
    int one = 1;
    if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (v6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    sockaddr_storage ss{};
    socklen_t len;
    if (v6) {
        auto& a = reinterpret_cast<sockaddr_in6&>(ss);
        a.sin6_family = AF_INET6;
        a.sin6_addr = in6addr_loopback;
        a.sin6_port = htons(port);
        len = sizeof a;
    } else {
        auto& a = reinterpret_cast<sockaddr_in&>(ss);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port);
        len = sizeof a;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
        err = errno;
        ::close(fd);
        // Port taken, or ::1 missing on a host with IPv6 disabled: the caller decides.
        if (err == EADDRINUSE || err == EADDRNOTAVAIL) return -1;
        fail("bind " + what, err);
    }
    if (type == SOCK_STREAM && ::listen(fd, 64) != 0) {
        err = errno;
        ::close(fd);
        fail("listen " + what, err);
    }
    return fd;
}

std::uint16_t local_port(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) fail("getsockname", errno);
    return ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(ss).sin6_port)
                                    : ntohs(reinterpret_cast<sockaddr_in&>(ss).sin_port);
}

}  // namespace

Canary::Canary() {
    try {
        int err = 0;
        // TCP on both families must share one port (we publish one tcp_port); retry a few
        // ephemeral ports when ::1 happens to have ours taken.
        for (int attempt = 0; attempt < 8 && tcp6_ < 0; ++attempt) {
            close_fd(tcp4_);
            tcp4_ = bind_loopback(AF_INET, SOCK_STREAM, 0, err);
            if (tcp4_ < 0) fail("bind 127.0.0.1 tcp", err);
            tcp_port_ = local_port(tcp4_);
            tcp6_ = bind_loopback(AF_INET6, SOCK_STREAM, tcp_port_, err);
            if (tcp6_ < 0 && err != EADDRINUSE) break;  // no IPv6 loopback here: IPv4 only
        }
        // UDP: the TCP port when free, else any.
        udp4_ = bind_loopback(AF_INET, SOCK_DGRAM, tcp_port_, err);
        if (udp4_ < 0) udp4_ = bind_loopback(AF_INET, SOCK_DGRAM, 0, err);
        if (udp4_ < 0) fail("bind 127.0.0.1 udp", err);
        udp_port_ = local_port(udp4_);
        if (tcp6_ >= 0) udp6_ = bind_loopback(AF_INET6, SOCK_DGRAM, udp_port_, err);
        if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) fail("pipe2", errno);
    } catch (...) {
        for (int* fd : {&tcp4_, &tcp6_, &udp4_, &udp6_, &wake_[0], &wake_[1]}) close_fd(*fd);
        throw;
    }
    thread_ = std::thread([this] { loop(); });
}

Canary::~Canary() {
    char c = 'x';
    [[maybe_unused]] auto n = ::write(wake_[1], &c, 1);
    if (thread_.joinable()) thread_.join();
    for (int* fd : {&tcp4_, &tcp6_, &udp4_, &udp6_, &wake_[0], &wake_[1]}) close_fd(*fd);
}

std::vector<CanaryHit> Canary::hits() const {
    std::lock_guard lock(mutex_);
    return hits_;
}

std::vector<CanaryHit> Canary::hits_with_token(const std::string& token) const {
    std::lock_guard lock(mutex_);
    std::vector<CanaryHit> out;
    for (const auto& h : hits_)
        if (h.payload.find(token) != std::string::npos) out.push_back(h);
    return out;
}

void Canary::record(CanaryHit hit) {
    std::lock_guard lock(mutex_);
    if (hits_.size() < kMaxHits) hits_.push_back(std::move(hit));
}

/// One poll loop for everything. A TCP hit is recorded at accept and its payload grows as bytes
/// arrive, so a caller that checks right after the probe finished sees what was sent.
void Canary::loop() {
    struct Conn {
        int fd;
        std::size_t hit;  // index into hits_
        std::chrono::steady_clock::time_point opened;
        bool replied = false;
    };
    std::vector<Conn> conns;
    std::vector<pollfd> fds;
    char buf[2048];

    for (;;) {
        fds.clear();
        for (int fd : {wake_[0], tcp4_, tcp6_, udp4_, udp6_})
            if (fd >= 0) fds.push_back({fd, POLLIN, 0});
        const std::size_t first_conn = fds.size();
        for (const auto& c : conns) fds.push_back({c.fd, POLLIN, 0});
        int timeout_ms = conns.empty() ? -1 : 200;
        if (::poll(fds.data(), fds.size(), timeout_ms) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        const auto now = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < first_conn; ++i) {
            if (!(fds[i].revents & POLLIN)) continue;
            const int fd = fds[i].fd;
            if (fd == wake_[0]) {
                for (auto& c : conns) ::close(c.fd);
                return;
            }
            sockaddr_storage peer{};
            socklen_t plen = sizeof peer;
            if (fd == tcp4_ || fd == tcp6_) {
                int cfd = ::accept4(fd, reinterpret_cast<sockaddr*>(&peer), &plen,
                                    SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (cfd < 0) continue;
                std::size_t index;
                {
                    std::lock_guard lock(mutex_);
                    index = hits_.size();
                    if (index < kMaxHits)
                        hits_.push_back({fd == tcp4_ ? "tcp" : "tcp6", peer_text(peer), "", now_unix_s()});
                }
                if (index >= kMaxHits || conns.size() >= kMaxOpenConnections) {
                    ::close(cfd);  // a flood must not exhaust our descriptors
                    continue;
                }
                conns.push_back({cfd, index, now});
            } else {
                ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&peer), &plen);
                if (n < 0) continue;
                record({fd == udp4_ ? "udp" : "udp6", peer_text(peer),
                        std::string(buf, std::min<std::size_t>(static_cast<std::size_t>(n), kPayloadCap)),
                        now_unix_s()});
            }
        }
        for (std::size_t i = first_conn; i < fds.size(); ++i) {
            Conn& c = conns[i - first_conn];
            bool done = now - c.opened > kConnectionLinger;
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
                if (n <= 0) {
                    done = done || n == 0 || (errno != EAGAIN && errno != EINTR);
                } else {
                    std::lock_guard lock(mutex_);
                    std::string& payload = hits_[c.hit].payload;
                    payload.append(buf, std::min(static_cast<std::size_t>(n), kPayloadCap - payload.size()));
                    done = done || payload.size() >= kPayloadCap;
                }
                if (n > 0 && !c.replied) {
                    static constexpr char kReply[] = "CANARY-OK\n";
                    [[maybe_unused]] auto w = ::send(c.fd, kReply, sizeof kReply - 1, MSG_NOSIGNAL);
                    c.replied = true;
                }
            }
            if (done) {
                ::close(c.fd);
                c.fd = -1;
            }
        }
        std::erase_if(conns, [](const Conn& c) { return c.fd < 0; });
    }
}

}  // namespace sh
