#pragma once
/// The Docker Engine boundary: a small client of Engine API v1.41 to v1.47 over libcurl, talking to
/// a unix socket or a tcp:// endpoint (DOCKER_HOST). The only file that includes curl.h is
/// docker_client.cpp; the JSON is turned into structs by engine_parse.h, which also says which
/// version is spoken to which engine and what changed between those versions.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/engine_parse.h"
#include "util/error.h"

namespace sh {

/// Any failed Engine API call. The message names the call, the endpoint and what to do, e.g.
/// "GET /version via unix:///var/run/docker.sock: Couldn't connect to server (is dockerd
/// running? run ci/setup-host.sh, or set DOCKER_HOST)"; for HTTP errors it carries the status and
/// the engine's own `message`.
struct DockerError : Error {
    long http_status;  ///< 0 when no HTTP response arrived (connect failure, timeout)
    DockerError(const std::string& message, long status) : Error(message), http_status(status) {}
};

/// A subscription to the engine's event stream (DockerEngine::watch_events): events arrive on a
/// thread of its own; stop() and the destructor end it.
class EventWatch {
public:
    virtual ~EventWatch() = default;
    /// True once the engine delivers every later event; false on timeout or when the stream
    /// failed first (see error()).
    virtual bool wait_ready(std::chrono::milliseconds) = 0;
    virtual void stop() = 0;
    /// Set if the stream failed (connect error, HTTP error, or the engine closed it before stop()).
    virtual std::optional<std::string> error() const = 0;
};

/// The Engine API calls the harness makes: the seam between the run logic and the engine.
/// DockerClient is the real one; testing/fake_docker.h stands in for it in unit tests.
class DockerEngine {
public:
    virtual ~DockerEngine() = default;
    /// Where the engine is, for messages: "unix:///var/run/docker.sock".
    virtual const std::string& endpoint() const = 0;

    virtual EngineVersion version() = 0;  ///< GET /version + GET /info
    /// GET /containers/{id}/json; nullopt on 404.
    virtual std::optional<nlohmann::json> inspect_container(const std::string& name_or_id) = 0;
    /// GET /containers/json?all=true&filters={"label":[label_filter]}; label_filter is
    /// "key=value" or "key".
    virtual std::vector<ContainerSummary> list_containers(const std::string& label_filter) = 0;
    /// DELETE /containers/{id}?force=true&v=true. Neither 404 (already gone) nor 409 "removal
    /// already in progress" (an AutoRemove container on its way out) is an error.
    virtual void remove_container(const std::string& id) = 0;
    /// GET /images/{ref}/json; nullopt on 404.
    virtual std::optional<ImageDetails> inspect_image(const std::string& ref) = 0;
    /// GET /events?filters=...: calls `on_event` (on the watch's own thread) for each event.
    /// Connection failures go to the watch's error().
    virtual std::unique_ptr<EventWatch> watch_events(nlohmann::json filters,
                                                     std::function<void(const EngineEvent&)> on_event) = 0;

    // Direct lifecycle, for measuring the launcher's own overhead against the Engine API.
    /// POST /containers/create?name=NAME (empty name: the engine picks one); returns the id.
    virtual std::string create_container(const nlohmann::json& body, const std::string& name) = 0;
    virtual void start_container(const std::string& id) = 0;  ///< POST /containers/{id}/start
    /// POST /containers/{id}/wait?condition=...; blocks with no total timeout and returns
    /// StatusCode. Use condition "removed" for AutoRemove containers; "next-exit" must be
    /// requested before start.
    virtual int wait_container(const std::string& id, const std::string& condition = "not-running") = 0;
};

/// Every call is independent (its own curl handle), so one client may be used from several
/// threads at once. Timeouts: connect 2 s, total 30 s, except wait_container (none).
///
/// The first call of a client negotiates the API version: GET /version (unversioned), then every
/// call goes to /v{negotiate_api_version()}/... . Negotiation happens once per client, whichever
/// thread comes first (the others wait for it). A failed one (no engine yet, an HTTP error, an
/// engine older than 1.41) is not kept: the next call asks again.
class DockerClient final : public DockerEngine {
public:
    /// endpoint: "unix:///path" or "tcp://host:port"; throws DockerError for any other scheme.
    explicit DockerClient(std::string endpoint = default_endpoint());
    /// DOCKER_HOST when set and non-empty, else unix:///var/run/docker.sock.
    static std::string default_endpoint();
    const std::string& endpoint() const override { return endpoint_; }

    /// The negotiated API version, e.g. "1.41"; negotiates on first use. Throws DockerError
    /// ("GET /version via ...: ...") when the engine cannot be asked or is refused.
    std::string api_version() const;

    /// The engine's answer to the negotiation's GET /version, then GET /info.
    EngineVersion version() override;
    std::optional<nlohmann::json> inspect_container(const std::string& name_or_id) override;
    std::vector<ContainerSummary> list_containers(const std::string& label_filter) override;
    void remove_container(const std::string& id) override;
    std::optional<ImageDetails> inspect_image(const std::string& ref) override;
    std::unique_ptr<EventWatch> watch_events(nlohmann::json filters,
                                             std::function<void(const EngineEvent&)> on_event) override;
    std::string create_container(const nlohmann::json& body, const std::string& name) override;
    void start_container(const std::string& id) override;
    int wait_container(const std::string& id, const std::string& condition = "not-running") override;

    /// The raw answer of one call, for callers that need an endpoint not wrapped above.
    struct Response {
        long status = 0;
        std::string body;
        std::string target;  ///< what was asked, with the version prefix: "/v1.41/containers/json?all=1"
    };
    /// `path` starts with "/" and excludes the version prefix, e.g. "/containers/json?all=1".
    /// Throws DockerError when no HTTP response arrived, and when negotiation fails (see above);
    /// `timeout` zero means none.
    Response request(const std::string& method, const std::string& path,
                     const std::string& body = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

private:
    /// One HTTP exchange for `target` as given (no prefix added).
    Response send(const std::string& method, const std::string& target, const std::string& body,
                  std::chrono::milliseconds timeout) const;
    std::string endpoint_;
    std::string socket_path_;  ///< unix endpoints: the socket; empty for tcp
    std::string base_url_;     ///< "http://localhost" or "http://host:port"; the version goes into the target
    mutable std::mutex negotiation_mutex_;
    mutable std::string api_version_;    ///< "" until negotiated
    mutable nlohmann::json version_doc_; ///< the engine's GET /version, kept for version()
};

/// Streams GET /v{api_version}/events?filters=... on its own thread with its own curl handle and
/// calls `on_event` (on that thread) for each parsed event. `api_version` is one the engine
/// accepts (DockerClient::api_version(); DockerClient::watch_events passes it). `filters` is JSON
/// as the API wants it, e.g. {"label":["sandbox-harness.run=X"]}. stop() and the destructor wake
/// the transfer at once (curl_multi_wakeup) and join the thread. An exception from on_event ends
/// the stream and is reported by error().
class EventStream final : public EventWatch {
public:
    /// Throws DockerError for an unsupported endpoint; connection failures go to error().
    EventStream(std::string endpoint, const std::string& api_version, nlohmann::json filters,
                std::function<void(const EngineEvent&)> on_event);
    ~EventStream();
    EventStream(const EventStream&) = delete;
    EventStream& operator=(const EventStream&) = delete;

    /// True once the HTTP response headers arrived (the engine now delivers every later event);
    /// false on timeout or when the stream failed first (see error()).
    bool wait_ready(std::chrono::milliseconds) override;
    void stop() override;
    std::optional<std::string> error() const override;

private:
    struct Transfer;  ///< the curl handles; defined in docker_client.cpp
    void run();

    std::string endpoint_;
    std::unique_ptr<Transfer> transfer_;
    std::function<void(const EngineEvent&)> on_event_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool ready_ = false;
    bool finished_ = false;
    std::optional<std::string> error_;
    std::string partial_;  ///< an event line not yet terminated by '\n'
    std::thread thread_;
};

}  // namespace sh
