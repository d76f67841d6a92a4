#include "io/canary.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "util/files.h"

namespace sh {
namespace {

using namespace std::chrono_literals;

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
}

/// Connects, sends `payload`, reads the reply (if any) and closes.
std::string tcp_send(std::uint16_t port, const std::string& payload) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto a = loopback(port);
    EXPECT_EQ(0, ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a));
    EXPECT_EQ(static_cast<ssize_t>(payload.size()), ::send(fd, payload.data(), payload.size(), MSG_NOSIGNAL));
    ::shutdown(fd, SHUT_WR);
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string reply;
    char buf[64];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return reply;
}

void udp_send(std::uint16_t port, const std::string& payload) {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    auto a = loopback(port);
    EXPECT_EQ(static_cast<ssize_t>(payload.size()),
              ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a));
    ::close(fd);
}

std::vector<CanaryHit> carrying(const Canary& c, const std::string& text) {
    std::vector<CanaryHit> out;
    for (const auto& h : c.hits())
        if (h.payload.find(text) != std::string::npos) out.push_back(h);
    return out;
}

/// The canary records on its own thread; a TCP payload arrives after the accept that sync()
/// waits for, so wait until `n` hits carry `text`.
std::vector<CanaryHit> wait_for_hits(Canary& c, const std::string& text, std::size_t n) {
    c.sync();
    for (int i = 0; i < 400; ++i) {
        auto hits = carrying(c, text);
        if (hits.size() >= n) return hits;
        std::this_thread::sleep_for(5ms);
    }
    return carrying(c, text);
}

std::string own_cgroup() {
    std::string error;
    return read_regular_file("/proc/self/cgroup", 1 << 20, error).value_or("");
}

TEST(Canary, ListensOnLoopbackWithEphemeralPorts) {
    LoopbackCanary c;
    EXPECT_EQ("127.0.0.1", c.host());
    EXPECT_GT(c.tcp_port(), 0);
    EXPECT_GT(c.udp_port(), 0);
    EXPECT_TRUE(c.hits().empty());
}

TEST(Canary, RecordsATcpConnectionWithItsPayloadAndRepliesCanaryOk) {
    LoopbackCanary c;
    const double before = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    EXPECT_EQ("CANARY-OK\n", tcp_send(c.tcp_port(), "hello token-tcp-1"));
    auto hits = wait_for_hits(c, "token-tcp-1", 1);
    ASSERT_EQ(1u, hits.size());
    EXPECT_EQ("tcp", hits[0].proto);
    EXPECT_EQ("hello token-tcp-1", hits[0].payload);
    EXPECT_EQ(0u, hits[0].peer.rfind("127.0.0.1:", 0)) << hits[0].peer;
    EXPECT_NEAR(before, hits[0].time_s, 5.0);
}

TEST(Canary, RecordsAUdpDatagramWithItsPayload) {
    LoopbackCanary c;
    udp_send(c.udp_port(), "ping token-udp-1");
    auto hits = wait_for_hits(c, "token-udp-1", 1);
    ASSERT_EQ(1u, hits.size());
    EXPECT_EQ("udp", hits[0].proto);
    EXPECT_EQ("ping token-udp-1", hits[0].payload);
}

TEST(Canary, NumbersEveryHitWhateverItCarriesAndSyncTakesInAllSentBeforeIt) {
    LoopbackCanary c;
    tcp_send(c.tcp_port(), "case-a");
    udp_send(c.udp_port(), "");
    for (int i = 0; i < 50; ++i) udp_send(c.udp_port(), "junk");
    EXPECT_EQ(52u, c.sync());  // no sleeping: sync() drains what the kernel holds
    const auto hits = c.hits();
    ASSERT_EQ(52u, hits.size());
    for (std::size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(i + 1, hits[i].seq);
}

TEST(Canary, AFloodIsCountedExactlyBeyondTheKeptSample) {
    LoopbackCanary c;
    // More datagrams than the canary keeps. Paced (the loopback device's own backlog drops a
    // burst of more than ~1000 before any socket sees it: those never reached the canary).
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    auto a = loopback(c.udp_port());
    const int n = 6000;
    for (int i = 0; i < n; ++i) {
        ASSERT_EQ(4, ::sendto(fd, "tokn", 4, 0, reinterpret_cast<sockaddr*>(&a), sizeof a));
        if (i % 200 == 199) c.sync();
    }
    ::close(fd);
    EXPECT_EQ(static_cast<std::uint64_t>(n), c.sync());
    EXPECT_EQ(4096u + 1024u, c.hits().size());  // the first ones and the latest ones
    tcp_send(c.tcp_port(), "late escape");
    EXPECT_EQ(static_cast<std::uint64_t>(n + 1), c.sync());
    // A hit after the flood keeps its detail.
    const auto late = wait_for_hits(c, "late escape", 1);
    ASSERT_EQ(1u, late.size());
    EXPECT_EQ(static_cast<std::uint64_t>(n + 1), late[0].seq);
}

TEST(Canary, FindsTheProcessThatOwnsTheSendingSocket) {
    LoopbackCanary c;
    // A connection kept open: its socket still belongs to this process when the canary looks.
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto a = loopback(c.tcp_port());
    ASSERT_EQ(0, ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a));
    int ufd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    auto u = loopback(c.udp_port());
    ASSERT_EQ(1, ::sendto(ufd, "u", 1, 0, reinterpret_cast<sockaddr*>(&u), sizeof u));
    ASSERT_EQ(2u, c.sync());
    const auto hits = c.hits();
    ::close(fd);
    ::close(ufd);
    ASSERT_EQ(2u, hits.size());
    for (const auto& h : hits) {
        ASSERT_TRUE(h.owner_cgroup.has_value()) << h.proto;
        EXPECT_EQ(own_cgroup(), *h.owner_cgroup) << h.proto;
    }
}

TEST(Canary, KeepsOnlyTheFirst512BytesOfAPayload) {
    LoopbackCanary c;
    const std::string big = "tok-big " + std::string(2000, 'x');
    udp_send(c.udp_port(), big);
    tcp_send(c.tcp_port(), big);
    auto hits = wait_for_hits(c, "tok-big", 2);
    ASSERT_EQ(2u, hits.size());
    for (const auto& h : hits) EXPECT_EQ(big.substr(0, 512), h.payload) << h.proto;
}

TEST(Canary, AConnectionWithoutPayloadIsStillRecorded) {
    LoopbackCanary c;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto a = loopback(c.tcp_port());
    ASSERT_EQ(0, ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a));
    ::close(fd);
    ASSERT_EQ(1u, c.sync());
    ASSERT_EQ(1u, c.hits().size());
    EXPECT_EQ("", c.hits()[0].payload);
}

TEST(Canary, ListensOnIpv6LoopbackTooWhenTheHostHasIt) {
    LoopbackCanary c;
    int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) GTEST_SKIP() << "no IPv6 on this host";
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    a.sin6_port = htons(c.udp_port());
    if (::sendto(fd, "tok6", 4, 0, reinterpret_cast<sockaddr*>(&a), sizeof a) != 4) {
        ::close(fd);
        GTEST_SKIP() << "no ::1 on this host";
    }
    ::close(fd);
    auto hits = wait_for_hits(c, "tok6", 1);
    ASSERT_EQ(1u, hits.size());
    EXPECT_EQ("udp6", hits[0].proto);
    EXPECT_EQ(0u, hits[0].peer.rfind("[::1]:", 0)) << hits[0].peer;
}

TEST(Canary, StopsPromptlyInTheDestructor) {
    const auto t0 = std::chrono::steady_clock::now();
    {
        LoopbackCanary c;
        tcp_send(c.tcp_port(), "x");
    }
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
}

}  // namespace
}  // namespace sh
