#include "io/canary.h"
#include "util/error.h"
#include "util/files.h"
#include "util/text.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace sh {

namespace {

constexpr std::size_t kPayloadCap = 512;
constexpr std::size_t kMaxOpenConnections = 64;
constexpr std::uint64_t kMaxKept = 4096;  ///< the first hits, kept with their payload (all are counted)
constexpr std::uint64_t kRecent = 1024;   ///< and the latest ones, so hits after a flood keep their detail
constexpr int kOwnerLookupsPerSecond = 128;  ///< /proc scans for the sending socket's owner
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
    if (type == SOCK_DGRAM) {
        ::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);  // count what a full queue drops
        int rcvbuf = 1 << 20;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    }
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


std::uint16_t peer_port(const sockaddr_storage& ss) {
    if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(ss).sin_port);
    if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(ss).sin6_port);
    return 0;
}

/// The socket inode whose local port is `port` in /proc/net/{table} (and, for TCP, whose remote
/// port is `remote_port`), or 0.
unsigned long socket_inode(const std::string& table, std::uint16_t port, std::uint16_t remote_port, bool tcp) {
    std::string error;
    const auto text = read_regular_file("/proc/net/" + table, 16 << 20, error);
    if (!text) return 0;
    for (std::string_view line : split_lines(*text)) {
        const auto f = words(line);
        if (f.size() < 10 || f[0] == "sl") continue;
        auto port_of = [](std::string_view addr) -> long {
            const auto colon = addr.rfind(':');
            if (colon == std::string_view::npos) return -1;
            return std::strtol(std::string(addr.substr(colon + 1)).c_str(), nullptr, 16);
        };
        if (port_of(f[1]) != port || (tcp && port_of(f[2]) != remote_port)) continue;
        const unsigned long inode = std::strtoul(std::string(f[9]).c_str(), nullptr, 10);
        if (inode != 0) return inode;
    }
    return 0;
}

/// /proc/PID/cgroup of the process holding the socket that sent from `port` to the canary's
/// `own_port`, or nullopt when it cannot be found (the sender closed it already).
std::optional<std::string> socket_owner_cgroup(const std::string& proto, std::uint16_t port, std::uint16_t own_port) {
    const bool tcp = proto.starts_with("tcp");
    unsigned long inode = 0;
    static constexpr const char* kTcpTables[] = {"tcp", "tcp6"};
    static constexpr const char* kUdpTables[] = {"udp", "udp6"};
    for (const char* table : tcp ? kTcpTables : kUdpTables)
        if ((inode = socket_inode(table, port, own_port, tcp)) != 0) break;
    if (inode == 0) return std::nullopt;
    const std::string wanted = "socket:[" + std::to_string(inode) + "]";
    std::error_code ec;
    std::filesystem::directory_iterator procs("/proc", ec), procs_end;
    for (; !ec && procs != procs_end; procs.increment(ec)) {
        const auto& proc = *procs;
        const std::string pid = proc.path().filename().string();
        if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
        // Processes come and go while we look: the error_code forms only, nothing may throw here.
        std::error_code fd_ec;
        std::filesystem::directory_iterator fds(proc.path() / "fd", fd_ec), end;
        for (; !fd_ec && fds != end; fds.increment(fd_ec)) {
            const auto& fd = *fds;
            char target[64];
            const ssize_t n = ::readlink(fd.path().c_str(), target, sizeof target - 1);
            if (n <= 0 || std::string_view(target, static_cast<std::size_t>(n)) != wanted) continue;
            std::string error;
            return read_regular_file(proc.path() / "cgroup", 1 << 20, error);
        }
    }
    return std::nullopt;
}

}  // namespace

LoopbackCanary::LoopbackCanary() {
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

LoopbackCanary::~LoopbackCanary() {
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
    }
    char c = 'x';
    [[maybe_unused]] auto n = ::write(wake_[1], &c, 1);
    if (thread_.joinable()) thread_.join();
    for (int* fd : {&tcp4_, &tcp6_, &udp4_, &udp6_, &wake_[0], &wake_[1]}) close_fd(*fd);
}

std::vector<CanaryHit> LoopbackCanary::hits() const {
    std::lock_guard lock(mutex_);
    std::vector<CanaryHit> out = hits_;
    std::vector<const CanaryHit*> late;
    for (const CanaryHit& h : recent_)
        if (h.seq > kMaxKept) late.push_back(&h);
    std::sort(late.begin(), late.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
    for (const CanaryHit* h : late) out.push_back(*h);
    return out;
}

CanaryHit* LoopbackCanary::kept(std::uint64_t seq) {
    if (seq >= 1 && seq <= hits_.size()) return &hits_[seq - 1];
    if (recent_.size() == kRecent && recent_[(seq - 1) % kRecent].seq == seq) return &recent_[(seq - 1) % kRecent];
    return nullptr;
}

std::uint64_t LoopbackCanary::sync() {
    std::unique_lock lock(mutex_);
    const std::uint64_t ticket = ++sync_requested_;
    char c = 's';
    [[maybe_unused]] auto n = ::write(wake_[1], &c, 1);
    synced_.wait(lock, [&] { return sync_done_ >= ticket || stopped_; });
    return count_.load();
}

std::uint64_t LoopbackCanary::next_seq(std::uint64_t n) { return count_.fetch_add(n) + n; }

void LoopbackCanary::keep(CanaryHit hit) {
    std::lock_guard lock(mutex_);
    if (hits_.size() < kMaxKept) {
        hits_.push_back(std::move(hit));
        return;
    }
    if (recent_.size() < kRecent) recent_.resize(kRecent);
    recent_[(hit.seq - 1) % kRecent] = std::move(hit);
}

std::optional<std::string> LoopbackCanary::lookup_owner(const std::string& proto, const sockaddr_storage& peer,
                                                std::uint16_t own_port) {
    // A budget per second: a flood must not turn the canary into a /proc scanner.
    const auto now = std::chrono::steady_clock::now();
    if (now - lookup_second_ >= std::chrono::seconds(1)) {
        lookup_second_ = now;
        owner_lookups_ = 0;
    }
    if (owner_lookups_ >= kOwnerLookupsPerSecond) return std::nullopt;
    ++owner_lookups_;
    return socket_owner_cgroup(proto, peer_port(peer), own_port);
}

void LoopbackCanary::accept_all(int fd) {
    for (;;) {
        sockaddr_storage peer{};
        socklen_t plen = sizeof peer;
        int cfd = ::accept4(fd, reinterpret_cast<sockaddr*>(&peer), &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return;  // EAGAIN: nothing more queued (or a resource error: try again on the next poll)
        }
        const std::string proto = fd == tcp4_ ? "tcp" : "tcp6";
        const std::uint64_t seq = next_seq();
        CanaryHit hit{seq, proto, peer_text(peer), "", now_unix_s(), std::nullopt};
        hit.owner_cgroup = lookup_owner(proto, peer, tcp_port_);
        keep(std::move(hit));
        if (conns_.size() >= kMaxOpenConnections) {
            ::close(cfd);  // counted; a flood must not exhaust our descriptors
            continue;
        }
        conns_.push_back({cfd, seq, std::chrono::steady_clock::now()});
    }
}

void LoopbackCanary::receive_all(int fd) {
    const int family_index = fd == udp4_ ? 0 : 1;
    char buf[2048];
    for (;;) {
        sockaddr_storage peer{};
        iovec iov{buf, sizeof buf};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(std::uint32_t))];
        msghdr msg{};
        msg.msg_name = &peer;
        msg.msg_namelen = sizeof peer;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const ssize_t n = ::recvmsg(fd, &msg, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        // SO_RXQ_OVFL: the socket's running count of datagrams dropped for a full queue.
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL) continue;
            std::uint32_t dropped = 0;
            std::memcpy(&dropped, CMSG_DATA(c), sizeof dropped);
            if (dropped != udp_dropped_[family_index]) {
                next_seq(dropped - udp_dropped_[family_index]);  // wraps correctly in uint32
                udp_dropped_[family_index] = dropped;
            }
        }
        const std::string proto = fd == udp4_ ? "udp" : "udp6";
        const std::uint64_t seq = next_seq();
        CanaryHit hit{seq, proto, peer_text(peer),
                      std::string(buf, std::min<std::size_t>(static_cast<std::size_t>(n), kPayloadCap)),
                      now_unix_s(), std::nullopt};
        hit.owner_cgroup = lookup_owner(proto, peer, udp_port_);
        keep(std::move(hit));
    }
}

void LoopbackCanary::drain(int fd) {
    if (fd == tcp4_ || fd == tcp6_)
        accept_all(fd);
    else
        receive_all(fd);
}

LoopbackCanary::Wakeup LoopbackCanary::read_wakeups() {
    char wake[64];
    for (ssize_t n; (n = ::read(wake_[0], wake, sizeof wake)) > 0;)
        if (std::memchr(wake, 'x', static_cast<std::size_t>(n))) return Wakeup::Stop;
    return Wakeup::Sync;
}

void LoopbackCanary::drain_listeners(const pollfd* listeners, std::size_t count, bool sync_wanted) {
    std::uint64_t ticket = 0;
    if (sync_wanted) {
        std::lock_guard lock(mutex_);
        ticket = sync_requested_;  // everything queued before these requests is drained below
    }
    for (std::size_t i = 0; i < count; ++i)
        if (sync_wanted || (listeners[i].revents & POLLIN)) drain(listeners[i].fd);
    if (sync_wanted) {
        std::lock_guard lock(mutex_);
        sync_done_ = std::max(sync_done_, ticket);
        synced_.notify_all();
    }
}

void LoopbackCanary::serve_connections(const pollfd* ready, std::size_t count) {
    char buf[2048];
    const auto now = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < count; ++i) {
        Conn& c = conns_[i];
        bool done = now - c.opened > kConnectionLinger;
        if (ready[i].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n <= 0) {
                done = done || n == 0 || (errno != EAGAIN && errno != EINTR);
            } else {
                std::lock_guard lock(mutex_);
                if (CanaryHit* h = kept(c.seq)) {
                    std::string& payload = h->payload;
                    payload.append(buf, std::min(static_cast<std::size_t>(n), kPayloadCap - payload.size()));
                    done = done || payload.size() >= kPayloadCap;
                }
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
    std::erase_if(conns_, [](const Conn& c) { return c.fd < 0; });
}

/// One poll loop for everything. Each time a listener is readable, it is drained until the
/// kernel has nothing more queued, so that sync() can promise that nothing sent before it is
/// still waiting. A TCP hit is numbered at accept; its payload grows as bytes arrive.
void LoopbackCanary::loop() {
    std::vector<pollfd> fds;
    for (;;) {
        fds.clear();
        for (int fd : {wake_[0], tcp4_, tcp6_, udp4_, udp6_})
            if (fd >= 0) fds.push_back({fd, POLLIN, 0});
        const std::size_t first_conn = fds.size();
        for (const auto& c : conns_) fds.push_back({c.fd, POLLIN, 0});
        int timeout_ms = conns_.empty() ? -1 : 200;
        if (::poll(fds.data(), fds.size(), timeout_ms) < 0) {
            if (errno == EINTR) continue;
            // Cannot watch the sockets any more: wake every sync() waiter rather than hang it.
            std::lock_guard lock(mutex_);
            stopped_ = true;
            synced_.notify_all();
            std::fprintf(stderr, "sandbox-harness: canary: poll failed: %s; no more hits are recorded\n",
                         std::strerror(errno));
            return;
        }
        bool sync_wanted = false;
        if (fds[0].revents & POLLIN) {
            if (read_wakeups() == Wakeup::Stop) {
                for (auto& c : conns_) ::close(c.fd);
                return;
            }
            sync_wanted = true;
        }
        drain_listeners(fds.data() + 1, first_conn - 1, sync_wanted);
        serve_connections(fds.data() + first_conn, fds.size() - first_conn);
    }
}

}  // namespace sh
