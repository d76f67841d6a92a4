#include "io/docker_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

namespace sh {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

/// A canned HTTP server on a unix socket (or TCP loopback): answers "METHOD target" by the longest
/// matching prefix and records what it was asked. A `stream` reply sends headers and body but
/// keeps the connection open, like GET /events. Unless told otherwise it answers the negotiation's
/// GET /version as Docker 20.10 does (kDocker20Version), so clients speak /v1.41.
const char* const kDocker20Version =
    R"({"Version":"20.10.24","ApiVersion":"1.41","MinAPIVersion":"1.12","Os":"linux","KernelVersion":"6.1"})";

class FakeEngine {
public:
    struct Reply {
        int status = 200;
        std::string body;
        bool stream = false;
    };

    explicit FakeEngine(bool tcp = false) {
        if (tcp) {
            fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            EXPECT_EQ(0, ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a));
            socklen_t len = sizeof a;
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
            endpoint_ = "tcp://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
        } else {
            path_ = "/tmp/sh-fake-engine-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_) + ".sock";
            ::unlink(path_.c_str());
            fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un a{};
            a.sun_family = AF_UNIX;
            std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path_.c_str());
            EXPECT_EQ(0, ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a));
            endpoint_ = "unix://" + path_;
        }
        EXPECT_EQ(0, ::listen(fd_, 16));
        EXPECT_EQ(0, ::pipe(stop_));
        replies_["GET /version"] = {200, kDocker20Version};
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeEngine() {
        [[maybe_unused]] auto n = ::write(stop_[1], "x", 1);
        thread_.join();
        for (int fd : held_) ::close(fd);
        ::close(fd_);
        ::close(stop_[0]);
        ::close(stop_[1]);
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    void on(const std::string& method_and_target, Reply r) {
        std::lock_guard lock(mutex_);
        replies_[method_and_target] = std::move(r);
    }
    const std::string& endpoint() const { return endpoint_; }
    std::vector<std::string> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    std::size_t count(const std::string& request) const {
        std::lock_guard lock(mutex_);
        return static_cast<std::size_t>(std::count(requests_.begin(), requests_.end(), request));
    }
    std::string last_body() const {
        std::lock_guard lock(mutex_);
        return last_body_;
    }

private:
    void serve() {
        for (;;) {
            pollfd p[2] = {{fd_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
            if (::poll(p, 2, -1) < 0 || p[1].revents) return;
            int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c >= 0) handle(c);
        }
    }
    void handle(int c) {
        std::string req;
        char buf[4096];
        std::size_t head_end;
        while ((head_end = req.find("\r\n\r\n")) == std::string::npos) {
            ssize_t n = ::read(c, buf, sizeof buf);
            if (n <= 0) return (void)::close(c);
            req.append(buf, static_cast<std::size_t>(n));
        }
        std::size_t length = 0;
        if (auto at = req.find("Content-Length: "); at != std::string::npos && at < head_end)
            length = std::stoul(req.substr(at + 16));
        while (req.size() < head_end + 4 + length) {
            ssize_t n = ::read(c, buf, sizeof buf);
            if (n <= 0) break;
            req.append(buf, static_cast<std::size_t>(n));
        }
        const std::string line = req.substr(0, req.find(" HTTP/1.1"));
        Reply reply{404, R"({"message":"fake engine: no reply for )" + line + "\"}"};
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(line);
            last_body_ = req.substr(head_end + 4);
            std::size_t best = 0;
            for (const auto& [prefix, r] : replies_)
                if (line.rfind(prefix, 0) == 0 && prefix.size() >= best) {
                    best = prefix.size();
                    reply = r;
                }
        }
        std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\nContent-Type: application/json\r\n";
        if (!reply.stream) out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n";
        out += "\r\n" + reply.body;
        [[maybe_unused]] auto n = ::write(c, out.data(), out.size());
        if (reply.stream) held_.push_back(c);
        else ::close(c);
    }

    static inline int counter_ = 0;
    int fd_ = -1;
    int stop_[2] = {-1, -1};
    std::string path_, endpoint_;
    mutable std::mutex mutex_;
    std::map<std::string, Reply> replies_;
    std::vector<std::string> requests_;
    std::string last_body_;
    std::vector<int> held_;
    std::thread thread_;
};

// ---- without an engine -------------------------------------------------------------------------

TEST(DockerClient, AMissingSocketNamesTheCallTheSocketAndWhatToDo) {
    try {
        DockerClient("unix:///nonexistent.sock").version();
        FAIL() << "no exception";
    } catch (const DockerError& e) {
        EXPECT_STREQ("GET /version via unix:///nonexistent.sock: Couldn't connect to server "
                     "(/nonexistent.sock: No such file or directory) "
                     "(is dockerd running? run ci/setup-host.sh, or set DOCKER_HOST)",
                     e.what());
        EXPECT_EQ(0, e.http_status);
    }
}

TEST(DockerClient, AnUnsupportedEndpointIsRejectedAtConstruction) {
    try {
        DockerClient c("ssh://builder@host");
        FAIL() << "no exception";
    } catch (const DockerError& e) {
        EXPECT_STREQ("Docker endpoint 'ssh://builder@host' is not supported: use "
                     "unix:///path/to/docker.sock or tcp://host:port (check DOCKER_HOST)",
                     e.what());
    }
}

TEST(DockerClient, DefaultEndpointHonoursDockerHost) {
    const char* old = std::getenv("DOCKER_HOST");
    const std::string saved = old ? old : "";
    ::setenv("DOCKER_HOST", "tcp://10.0.0.5:2375", 1);
    EXPECT_EQ("tcp://10.0.0.5:2375", DockerClient::default_endpoint());
    ::setenv("DOCKER_HOST", "", 1);
    EXPECT_EQ("unix:///var/run/docker.sock", DockerClient::default_endpoint());
    if (old) ::setenv("DOCKER_HOST", saved.c_str(), 1);
    else ::unsetenv("DOCKER_HOST");
}

TEST(EventStream, AMissingSocketIsNeverReadyAndSaysWhy) {
    EventStream s("unix:///nonexistent.sock", "1.41", json::object(), [](const EngineEvent&) {});
    EXPECT_FALSE(s.wait_ready(3s));
    ASSERT_TRUE(s.error().has_value());
    EXPECT_NE(std::string::npos, s.error()->find("GET /v1.41/events via unix:///nonexistent.sock: Couldn't connect"));
}

// ---- against a fake engine ---------------------------------------------------------------------

TEST(DockerClient, Inspect404IsNulloptNotAnError) {
    FakeEngine fake;
    fake.on("GET /v1.41/containers/gone/json", {404, R"({"message":"No such container: gone"})"});
    EXPECT_FALSE(DockerClient(fake.endpoint()).inspect_container("gone").has_value());
    EXPECT_FALSE(DockerClient(fake.endpoint()).inspect_image("gone:latest").has_value());
}

TEST(DockerClient, HttpErrorsCarryTheStatusAndTheEnginesMessage) {
    FakeEngine fake;
    fake.on("POST /v1.41/containers/create", {404, R"({"message":"No such image: nope:latest"})"});
    try {
        DockerClient(fake.endpoint()).create_container({{"Image", "nope:latest"}}, "sh-x");
        FAIL() << "no exception";
    } catch (const DockerError& e) {
        EXPECT_EQ("POST /v1.41/containers/create via " + fake.endpoint() + ": HTTP 404: No such image: nope:latest",
                  std::string(e.what()));
        EXPECT_EQ(404, e.http_status);
    }
}

TEST(DockerClient, CreateSendsTheNameAndTheJsonBodyAndReturnsTheId) {
    FakeEngine fake;
    fake.on("POST /v1.41/containers/create", {201, R"({"Id":"abc123","Warnings":[]})"});
    const json body = {{"Image", "secure-python:latest"}, {"Cmd", {"true"}}};
    EXPECT_EQ("abc123", DockerClient(fake.endpoint()).create_container(body, "sh-case-1"));
    EXPECT_EQ((std::vector<std::string>{"GET /version", "POST /v1.41/containers/create?name=sh-case-1"}),
              fake.requests());
    EXPECT_EQ(body, json::parse(fake.last_body()));
}

TEST(DockerClient, ListSendsAllAndTheLabelFilter) {
    FakeEngine fake;
    fake.on("GET /v1.41/containers/json", {200, R"([{"Id":"a","Names":["/n"],"State":"exited","Labels":{"k":"v"}}])"});
    auto list = DockerClient(fake.endpoint()).list_containers("k=v");
    ASSERT_EQ(1u, list.size());
    EXPECT_EQ("exited", list[0].state);
    EXPECT_EQ((std::vector<std::string>{"GET /version",
                                        "GET /v1.41/containers/json?all=true&filters=%7B%22label%22%3A%5B%22k%3Dv%22%5D%7D"}),
              fake.requests());
}

TEST(DockerClient, RemoveIsForcedAndToleratesAContainerAlreadyGone) {
    FakeEngine fake;
    fake.on("DELETE /v1.41/containers/gone", {404, R"({"message":"No such container: gone"})"});
    fake.on("DELETE /v1.41/containers/going", {409, R"({"message":"removal of container going is already in progress"})"});
    fake.on("DELETE /v1.41/containers/stuck", {500, R"({"message":"device or resource busy"})"});
    DockerClient c(fake.endpoint());
    EXPECT_NO_THROW(c.remove_container("gone"));
    EXPECT_NO_THROW(c.remove_container("going"));
    EXPECT_THROW(c.remove_container("stuck"), DockerError);
    EXPECT_EQ("GET /version", fake.requests().at(0));  // once for the client, not once per call
    EXPECT_EQ("DELETE /v1.41/containers/gone?force=true&v=true", fake.requests().at(1));
    EXPECT_EQ(4u, fake.requests().size());
}

TEST(DockerClient, WaitReturnsTheStatusCode) {
    FakeEngine fake;
    fake.on("POST /v1.41/containers/c1/wait?condition=removed", {200, R"({"Error":null,"StatusCode":137})"});
    EXPECT_EQ(137, DockerClient(fake.endpoint()).wait_container("c1", "removed"));
}

TEST(DockerClient, TalksToATcpEndpoint) {
    FakeEngine fake(/*tcp=*/true);
    fake.on("GET /v1.41/info", {200, R"({"CgroupVersion":"2","Driver":"overlay2","DockerRootDir":"/var/lib/docker"})"});
    auto v = DockerClient(fake.endpoint()).version();
    EXPECT_EQ("20.10.24", v.version);
    EXPECT_EQ("1.41", v.api_version);
    EXPECT_EQ("2", v.cgroup_version);
    // The negotiation's answer is the version document: /version is asked once, unversioned.
    EXPECT_EQ((std::vector<std::string>{"GET /version", "GET /v1.41/info"}), fake.requests());
}

TEST(DockerClient, OneClientServesSeveralThreadsAtOnce) {
    FakeEngine fake;
    fake.on("GET /v1.41/containers/c/json", {200, R"({"Id":"c"})"});
    DockerClient client(fake.endpoint());
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10; ++i)
                if (auto j = client.inspect_container("c"); j && (*j)["Id"] == "c") ++ok;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(40, ok.load());
    EXPECT_EQ(1u, fake.count("GET /version"));  // negotiated once, by whichever thread came first
}

TEST(EventStream, DeliversEventsAndStopsPromptlyWhileTheEngineKeepsTheStreamOpen) {
    FakeEngine fake;
    fake.on("GET /v1.41/events",
            {200,
             "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"c1\",\"Attributes\":{\"name\":\"n1\"}},\"timeNano\":1}\n"
             "{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"c1\",\"Attributes\":{\"exitCode\":\"3\"}},\"timeNano\":2}\n",
             /*stream=*/true});
    std::mutex m;
    std::vector<EngineEvent> seen;
    auto s = std::make_unique<EventStream>(fake.endpoint(), "1.41", json{{"label", {"sandbox-harness.run=r1"}}},
                                           [&](const EngineEvent& e) {
                                               std::lock_guard lock(m);
                                               seen.push_back(e);
                                           });
    ASSERT_TRUE(s->wait_ready(3s)) << s->error().value_or("");
    for (int i = 0; i < 100; ++i) {
        {
            std::lock_guard lock(m);
            if (seen.size() == 2) break;
        }
        std::this_thread::sleep_for(10ms);
    }
    const auto t0 = std::chrono::steady_clock::now();
    s.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
    ASSERT_EQ(2u, seen.size());
    EXPECT_EQ("start", seen[0].action);
    EXPECT_EQ("n1", seen[0].name);
    EXPECT_EQ("3", seen[1].attributes.at("exitCode"));
    EXPECT_EQ("GET /v1.41/events?filters=%7B%22label%22%3A%5B%22sandbox-harness.run%3Dr1%22%5D%7D",
              fake.requests().at(0));
}

TEST(EventStream, AnHttpErrorIsReportedAndTheStreamIsNotReady) {
    FakeEngine fake;
    fake.on("GET /v1.41/events", {400, R"({"message":"invalid filter 'labl'"})"});
    EventStream s(fake.endpoint(), "1.41", json{{"labl", {"x"}}}, [](const EngineEvent&) {});
    EXPECT_FALSE(s.wait_ready(3s));
    EXPECT_EQ("GET /v1.41/events via " + fake.endpoint() + ": HTTP 400: invalid filter 'labl'", s.error().value_or(""));
}

TEST(EventStream, AStreamTheEngineEndsIsAnError) {
    FakeEngine fake;
    fake.on("GET /v1.41/events", {200, ""});
    EventStream s(fake.endpoint(), "1.41", json::object(), [](const EngineEvent&) {});
    s.wait_ready(3s);
    for (int i = 0; i < 300 && !s.error(); ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ("GET /v1.41/events via " + fake.endpoint() + ": the engine closed the events stream", s.error().value_or(""));
}

// ---- API version negotiation -------------------------------------------------------------------

std::string version_doc(const std::string& api, const std::string& min) {
    return json{{"Version", "test"}, {"ApiVersion", api}, {"MinAPIVersion", min}}.dump();
}

TEST(DockerClientNegotiation, A141EngineIsSpokenToIn141) {
    FakeEngine fake;  // answers /version as Docker 20.10
    fake.on("GET /v1.41/containers/c/json", {200, R"({"Id":"c"})"});
    DockerClient client(fake.endpoint());
    EXPECT_TRUE(client.inspect_container("c").has_value());
    EXPECT_EQ("1.41", client.api_version());
    EXPECT_EQ((std::vector<std::string>{"GET /version", "GET /v1.41/containers/c/json"}), fake.requests());
}

TEST(DockerClientNegotiation, A145EngineIsSpokenToIn145EventsIncluded) {
    FakeEngine fake;
    fake.on("GET /version", {200, version_doc("1.45", "1.24")});
    fake.on("GET /v1.45/containers/c/json", {200, R"({"Id":"c"})"});
    fake.on("GET /v1.45/events", {200, "", /*stream=*/true});
    DockerClient client(fake.endpoint());
    EXPECT_TRUE(client.inspect_container("c").has_value());
    auto watch = client.watch_events(json{{"type", {"container"}}}, [](const EngineEvent&) {});
    ASSERT_TRUE(watch->wait_ready(3s)) << watch->error().value_or("");
    watch->stop();
    EXPECT_EQ((std::vector<std::string>{"GET /version", "GET /v1.45/containers/c/json",
                                        "GET /v1.45/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D"}),
              fake.requests());
}

TEST(DockerClientNegotiation, ANewerEngineIsSpokenToInTheNewestVersionTheClientKnows) {
    FakeEngine fake;
    fake.on("GET /version", {200, version_doc("1.52", "1.44")});  // Docker 29
    const std::string newest = "/v" + std::string(kNewestApiVersion);
    fake.on("DELETE " + newest + "/containers/c", {204, ""});
    DockerClient client(fake.endpoint());
    client.remove_container("c");
    EXPECT_EQ(std::string(kNewestApiVersion), client.api_version());
    EXPECT_EQ("DELETE " + newest + "/containers/c?force=true&v=true", fake.requests().at(1));
}

TEST(DockerClientNegotiation, An140EngineIsRefusedWithBothVersionsAndTheFix) {
    FakeEngine fake;
    fake.on("GET /version", {200, version_doc("1.40", "1.12")});  // Docker 19.03
    DockerClient client(fake.endpoint());
    try {
        client.inspect_container("c");
        FAIL() << "no exception";
    } catch (const DockerError& e) {
        EXPECT_EQ("GET /version via " + fake.endpoint() +
                      ": the engine speaks Engine API 1.40, older than 1.41, the oldest sandbox-harness supports: "
                      "upgrade the engine to Docker 20.10 or later (ci/setup-host.sh installs one), or set "
                      "DOCKER_HOST to a newer engine",
                  std::string(e.what()));
        EXPECT_EQ(200, e.http_status);
    }
    EXPECT_EQ(std::vector<std::string>{"GET /version"}, fake.requests());  // nothing versioned was sent
}

TEST(DockerClientNegotiation, AVersionFailureIsAClearErrorAndIsAskedAgainNextTime) {
    FakeEngine fake;
    fake.on("GET /version", {500, R"({"message":"daemon is starting"})"});
    fake.on("GET /v1.41/info", {200, R"({"CgroupVersion":"2"})"});
    DockerClient client(fake.endpoint());
    try {
        client.version();
        FAIL() << "no exception";
    } catch (const DockerError& e) {
        EXPECT_EQ("GET /version via " + fake.endpoint() + ": HTTP 500: daemon is starting", std::string(e.what()));
        EXPECT_EQ(500, e.http_status);
    }
    fake.on("GET /version", {200, "<html>not an engine</html>"});
    try {
        client.api_version();
        FAIL() << "no exception";
    } catch (const DockerError& e) {
        EXPECT_EQ("GET /version via " + fake.endpoint() + ": the answer is not JSON: <html>not an engine</html>",
                  std::string(e.what()));
    }
    fake.on("GET /version", {200, kDocker20Version});
    EXPECT_EQ("2", client.version().cgroup_version);
    EXPECT_EQ(3u, fake.count("GET /version"));
}

TEST(DockerClientNegotiation, HappensOnceWhenManyThreadsStartAtOnce) {
    FakeEngine fake;
    fake.on("GET /v1.41/containers/c/json", {200, R"({"Id":"c"})"});
    DockerClient client(fake.endpoint());
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            if (client.inspect_container("c")) ++ok;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(8, ok.load());
    EXPECT_EQ(1u, fake.count("GET /version"));
}

}  // namespace
}  // namespace sh
