#include "io/canary.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

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

/// The canary records on its own thread: wait until `n` hits carry `token`.
std::vector<CanaryHit> wait_for_hits(const Canary& c, const std::string& token, std::size_t n) {
    for (int i = 0; i < 200; ++i) {
        auto hits = c.hits_with_token(token);
        if (hits.size() >= n) return hits;
        std::this_thread::sleep_for(5ms);
    }
    return c.hits_with_token(token);
}

TEST(Canary, ListensOnLoopbackWithEphemeralPorts) {
    Canary c;
    EXPECT_EQ("127.0.0.1", c.host());
    EXPECT_GT(c.tcp_port(), 0);
    EXPECT_GT(c.udp_port(), 0);
    EXPECT_TRUE(c.hits().empty());
}

TEST(Canary, RecordsATcpConnectionWithItsPayloadAndRepliesCanaryOk) {
    Canary c;
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
    Canary c;
    udp_send(c.udp_port(), "ping token-udp-1");
    auto hits = wait_for_hits(c, "token-udp-1", 1);
    ASSERT_EQ(1u, hits.size());
    EXPECT_EQ("udp", hits[0].proto);
    EXPECT_EQ("ping token-udp-1", hits[0].payload);
}

TEST(Canary, TokenFilterKeepsOnlyTheHitsOfOneCase) {
    Canary c;
    tcp_send(c.tcp_port(), "case-a");
    udp_send(c.udp_port(), "case-b");
    udp_send(c.udp_port(), "xx case-a xx");
    auto a = wait_for_hits(c, "case-a", 2);
    EXPECT_EQ(2u, a.size());
    EXPECT_EQ(1u, wait_for_hits(c, "case-b", 1).size());
    EXPECT_TRUE(c.hits_with_token("case-c").empty());
    EXPECT_EQ(3u, c.hits().size());
}

TEST(Canary, KeepsOnlyTheFirst512BytesOfAPayload) {
    Canary c;
    const std::string big = "tok-big " + std::string(2000, 'x');
    udp_send(c.udp_port(), big);
    tcp_send(c.tcp_port(), big);
    auto hits = wait_for_hits(c, "tok-big", 2);
    ASSERT_EQ(2u, hits.size());
    for (const auto& h : hits) EXPECT_EQ(big.substr(0, 512), h.payload) << h.proto;
}

TEST(Canary, AConnectionWithoutPayloadIsStillRecorded) {
    Canary c;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto a = loopback(c.tcp_port());
    ASSERT_EQ(0, ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a));
    ::close(fd);
    for (int i = 0; i < 200 && c.hits().empty(); ++i) std::this_thread::sleep_for(5ms);
    ASSERT_EQ(1u, c.hits().size());
    EXPECT_EQ("", c.hits()[0].payload);
}

TEST(Canary, ListensOnIpv6LoopbackTooWhenTheHostHasIt) {
    Canary c;
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
        Canary c;
        tcp_send(c.tcp_port(), "x");
    }
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
}

}  // namespace
}  // namespace sh
