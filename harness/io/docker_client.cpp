#include "io/docker_client.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace sh {

namespace {

constexpr long kConnectTimeoutMs = 2000;
constexpr const char* kConnectHint = "is dockerd running? run ci/setup-host.sh, or set DOCKER_HOST";

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct MultiDeleter {
    void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;
using Multi = std::unique_ptr<CURLM, MultiDeleter>;

struct Endpoint {
    std::string socket_path;  // unix only
    std::string base_url;     // no path: the target, version prefix included, follows
};

Endpoint parse_endpoint(const std::string& endpoint) {
    if (endpoint.rfind("unix://", 0) == 0 && endpoint.size() > 7) return {endpoint.substr(7), "http://localhost"};
    if (endpoint.rfind("tcp://", 0) == 0 && endpoint.size() > 6) {
        std::string hostport = endpoint.substr(6);
        if (!hostport.empty() && hostport.back() == '/') hostport.pop_back();
        return {"", "http://" + hostport};
    }
    throw DockerError("Docker endpoint '" + endpoint +
                          "' is not supported: use unix:///path/to/docker.sock or tcp://host:port "
                          "(check DOCKER_HOST)",
                      0);
}

/// Percent-encodes everything outside the unreserved set and the characters that image
/// references and names legitimately carry in a path (":/@").
std::string escape_path(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || std::strchr("-._~:/@", c)) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string escape_query(const std::string& s) {
    std::string out = escape_path(s);
    std::string strict;
    for (char c : out) {  // ':' '/' '@' are fine in a path, not worth the doubt in a query
        if (c == ':') strict += "%3A";
        else if (c == '/') strict += "%2F";
        else if (c == '@') strict += "%40";
        else strict += c;
    }
    return strict;
}

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

/// "/v1.41" + path: the version prefix of every call but the negotiation's GET /version.
std::string versioned(const std::string& api_version, const std::string& path) { return "/v" + api_version + path; }

/// "GET /v1.41/containers/x/json via unix:///var/run/docker.sock" (the query left out).
std::string describe(const std::string& method, const std::string& target, const std::string& endpoint) {
    return method + " " + target.substr(0, target.find('?')) + " via " + endpoint;
}

/// Why a transfer failed, with what to do next. For a unix socket, says what is wrong with the
/// path (curl itself only says "Couldn't connect", and names port 80).
std::string transport_failure(CURLcode rc, const char* errbuf, const std::string& socket_path,
                              long timeout_ms) {
    std::string msg = curl_easy_strerror(rc);
    if (rc == CURLE_COULDNT_CONNECT && !socket_path.empty()) {
        struct stat st {};
        if (::stat(socket_path.c_str(), &st) != 0)
            msg += " (" + socket_path + ": " + std::strerror(errno) + ")";
        else if (!S_ISSOCK(st.st_mode))
            msg += " (" + socket_path + " is not a socket)";
        else if (::access(socket_path.c_str(), R_OK | W_OK) != 0)
            msg += " (" + socket_path + ": " + std::strerror(errno) + ")";
        else
            msg += " (" + socket_path + ": nothing accepts connections there)";
    } else if (errbuf && *errbuf) {
        msg += " (" + std::string(errbuf) + ")";
    }
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return msg + " (no answer within " + std::to_string(timeout_ms > 0 ? timeout_ms : kConnectTimeoutMs) +
               " ms: is the engine overloaded or stuck?)";
    return msg + " (" + kConnectHint + ")";
}

/// The engine's own words for an HTTP error: its JSON `message`, else the body.
std::string engine_message(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("message") && j["message"].is_string()) return j["message"];
    return body.empty() ? "(empty body)" : body.substr(0, 300);
}

Easy new_handle(const std::string& url, const std::string& socket_path, char* errbuf) {
    global_init();
    Easy h(curl_easy_init());
    if (!h) throw DockerError("curl_easy_init failed (out of memory?)", 0);
    curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
    if (!socket_path.empty()) curl_easy_setopt(h.get(), CURLOPT_UNIX_SOCKET_PATH, socket_path.c_str());
    curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);  // several threads; no SIGALRM for timeouts
    curl_easy_setopt(h.get(), CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
    curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, errbuf);
    errbuf[0] = '\0';
    return h;
}

}  // namespace

// ---- DockerClient ------------------------------------------------------------------------------

DockerClient::DockerClient(std::string endpoint) : endpoint_(std::move(endpoint)) {
    Endpoint e = parse_endpoint(endpoint_);
    socket_path_ = std::move(e.socket_path);
    base_url_ = std::move(e.base_url);
}

std::string DockerClient::default_endpoint() {
    const char* env = std::getenv("DOCKER_HOST");
    return env && *env ? env : "unix:///var/run/docker.sock";
}

DockerClient::Response DockerClient::request(const std::string& method, const std::string& path,
                                             const std::string& body,
                                             std::chrono::milliseconds timeout) const {
    return send(method, versioned(api_version(), path), body, timeout);
}

DockerClient::Response DockerClient::send(const std::string& method, const std::string& target,
                                          const std::string& body, std::chrono::milliseconds timeout) const {
    char errbuf[CURL_ERROR_SIZE];
    Easy h = new_handle(base_url_ + target, socket_path_, errbuf);
    Response resp;
    resp.target = target;
    Slist headers;
    if (method == "POST") {
        // Body or not, POST needs a length; an empty "Expect:" stops curl from waiting for a
        // 100-continue on bodies over 1 KiB.
        headers.reset(curl_slist_append(nullptr, "Expect:"));
        if (!body.empty()) headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
        curl_easy_setopt(h.get(), CURLOPT_POST, 1L);
        curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, headers.get());
    } else if (method != "GET") {
        curl_easy_setopt(h.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    curl_easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &resp.body);
    const CURLcode rc = curl_easy_perform(h.get());
    if (rc != CURLE_OK)
        throw DockerError(describe(method, target, endpoint_) + ": " +
                              transport_failure(rc, errbuf, socket_path_, static_cast<long>(timeout.count())),
                          0);
    curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &resp.status);
    return resp;
}

namespace {

/// Throws DockerError for any status outside 2xx/304, naming the call and the engine's message.
const std::string& checked(const DockerClient::Response& r, const std::string& method, const std::string& endpoint) {
    if ((r.status >= 200 && r.status < 300) || r.status == 304) return r.body;
    throw DockerError(describe(method, r.target, endpoint) + ": HTTP " + std::to_string(r.status) + ": " +
                          engine_message(r.body),
                      r.status);
}

/// The body of a successful answer as JSON; throws DockerError for an HTTP error or non-JSON.
nlohmann::json checked_json(const DockerClient::Response& r, const std::string& method, const std::string& endpoint) {
    auto j = nlohmann::json::parse(checked(r, method, endpoint), nullptr, false);
    if (j.is_discarded())
        throw DockerError(describe(method, r.target, endpoint) + ": the answer is not JSON: " + r.body.substr(0, 200),
                          r.status);
    return j;
}

}  // namespace

std::string DockerClient::api_version() const {
    // Held across the exchange: the threads that arrive meanwhile wait for its outcome rather
    // than each asking the engine.
    std::lock_guard lock(negotiation_mutex_);
    if (api_version_.empty()) {
        const Response r = send("GET", "/version", {}, std::chrono::seconds(30));
        nlohmann::json doc = checked_json(r, "GET", endpoint_);
        try {
            api_version_ = negotiate_api_version(doc);
        } catch (const Error& e) {
            throw DockerError(describe("GET", r.target, endpoint_) + ": " + e.what(), r.status);
        }
        version_doc_ = std::move(doc);
    }
    return api_version_;
}

EngineVersion DockerClient::version() {
    // The negotiation's /version comes first: the one to fail when there is no engine.
    const std::string api = api_version();
    nlohmann::json version;
    {
        std::lock_guard lock(negotiation_mutex_);
        version = version_doc_;
    }
    return parse_version(version, checked_json(send("GET", versioned(api, "/info"), {}, std::chrono::seconds(30)),
                                               "GET", endpoint_));
}

std::unique_ptr<EventWatch> DockerClient::watch_events(nlohmann::json filters,
                                                       std::function<void(const EngineEvent&)> on_event) {
    return std::make_unique<EventStream>(endpoint_, api_version(), std::move(filters), std::move(on_event));
}

std::optional<nlohmann::json> DockerClient::inspect_container(const std::string& name_or_id) {
    auto r = request("GET", "/containers/" + escape_path(name_or_id) + "/json");
    if (r.status == 404) return std::nullopt;
    return checked_json(r, "GET", endpoint_);
}

std::vector<ContainerSummary> DockerClient::list_containers(const std::string& label_filter) {
    const nlohmann::json filters = {{"label", {label_filter}}};
    auto r = request("GET", "/containers/json?all=true&filters=" + escape_query(filters.dump()));
    return parse_container_list(checked_json(r, "GET", endpoint_));
}

void DockerClient::remove_container(const std::string& id) {
    auto r = request("DELETE", "/containers/" + escape_path(id) + "?force=true&v=true");
    if (r.status == 404) return;  // already gone
    // An AutoRemove container that is being removed answers 409 "removal ... already in progress".
    if (r.status == 409 && engine_message(r.body).find("already in progress") != std::string::npos) return;
    checked(r, "DELETE", endpoint_);
}

std::optional<ImageDetails> DockerClient::inspect_image(const std::string& ref) {
    auto r = request("GET", "/images/" + escape_path(ref) + "/json");
    if (r.status == 404) return std::nullopt;
    return parse_image(checked_json(r, "GET", endpoint_));
}

std::string DockerClient::create_container(const nlohmann::json& body, const std::string& name) {
    auto r = request("POST", "/containers/create" + (name.empty() ? "" : "?name=" + escape_query(name)), body.dump());
    auto j = checked_json(r, "POST", endpoint_);
    if (!j.contains("Id") || !j["Id"].is_string())
        throw DockerError(describe("POST", r.target, endpoint_) + ": no Id in the answer: " + r.body, r.status);
    return j["Id"];
}

void DockerClient::start_container(const std::string& id) {
    checked(request("POST", "/containers/" + escape_path(id) + "/start"), "POST", endpoint_);
}

int DockerClient::wait_container(const std::string& id, const std::string& condition) {
    auto r = request("POST", "/containers/" + escape_path(id) + "/wait?condition=" + escape_query(condition), {},
                     std::chrono::milliseconds(0));
    auto j = checked_json(r, "POST", endpoint_);
    if (j.contains("Error") && j["Error"].is_object() && j["Error"].contains("Message") &&
        j["Error"]["Message"].is_string() && !j["Error"]["Message"].get<std::string>().empty())
        throw DockerError(describe("POST", r.target, endpoint_) + ": " + j["Error"]["Message"].get<std::string>(), r.status);
    if (!j.contains("StatusCode") || !j["StatusCode"].is_number_integer())
        throw DockerError(describe("POST", r.target, endpoint_) + ": no StatusCode in the answer: " + r.body, r.status);
    return j["StatusCode"].get<int>();
}

// ---- EventStream -------------------------------------------------------------------------------

/// The curl side of one events stream. A multi handle rather than a blocking easy perform, so
/// that stop() can wake the transfer at once (curl_multi_wakeup) instead of waiting for the
/// next byte or progress tick.
struct EventStream::Transfer {
    EventStream* owner;
    std::string url, socket_path, what;
    char errbuf[CURL_ERROR_SIZE] = {};
    Easy easy;
    Multi multi;
    long status = 0;
    std::string error_body;

    Transfer(EventStream* o, const std::string& endpoint, const std::string& api_version,
             const nlohmann::json& filters)
        : owner(o) {
        Endpoint e = parse_endpoint(endpoint);
        socket_path = e.socket_path;
        std::string target = versioned(api_version, "/events");
        if (!filters.is_null() && !filters.empty()) target += "?filters=" + escape_query(filters.dump());
        url = e.base_url + target;
        what = describe("GET", target, endpoint);
        easy = new_handle(url, socket_path, errbuf);
        curl_easy_setopt(easy.get(), CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(easy.get(), CURLOPT_HEADERDATA, this);
        curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, this);
        multi.reset(curl_multi_init());
        if (!multi || curl_multi_add_handle(multi.get(), easy.get()) != CURLM_OK)
            throw DockerError(what + ": curl_multi_init failed (out of memory?)", 0);
    }
    ~Transfer() {
        if (multi && easy) curl_multi_remove_handle(multi.get(), easy.get());
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
        auto* t = static_cast<Transfer*>(user);
        const std::string_view line(data, size * n);
        if (line == "\r\n" || line == "\n") {  // end of headers: the stream is live
            curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &t->status);
            if (t->status == 200) {
                std::lock_guard lock(t->owner->mutex_);
                t->owner->ready_ = true;
                t->owner->cv_.notify_all();
            }
        }
        return size * n;
    }

    static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
        auto* t = static_cast<Transfer*>(user);
        EventStream& s = *t->owner;
        if (t->status != 200) {
            t->error_body.append(data, size * n);
            return size * n;
        }
        s.partial_.append(data, size * n);
        std::size_t start = 0;
        for (std::size_t nl; (nl = s.partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
            auto event = parse_event(std::string_view(s.partial_).substr(start, nl - start));
            if (!event) continue;
            try {
                s.on_event_(*event);
            } catch (const std::exception& e) {
                std::lock_guard lock(s.mutex_);
                s.error_ = "events callback failed: " + std::string(e.what());
                return 0;  // aborts the transfer
            }
        }
        s.partial_.erase(0, start);
        return size * n;
    }
};

EventStream::EventStream(std::string endpoint, const std::string& api_version, nlohmann::json filters,
                         std::function<void(const EngineEvent&)> on_event)
    : endpoint_(std::move(endpoint)), on_event_(std::move(on_event)) {
    transfer_ = std::make_unique<Transfer>(this, endpoint_, api_version, filters);
    thread_ = std::thread([this] { run(); });
}

EventStream::~EventStream() { stop(); }

void EventStream::run() {
    CURLM* multi = transfer_->multi.get();
    int running = 1;
    while (!stop_.load()) {
        if (curl_multi_perform(multi, &running) != CURLM_OK || running == 0) break;
        curl_multi_poll(multi, nullptr, 0, 1000, nullptr);  // woken early by data or stop()
    }
    std::optional<std::string> failure;
    if (!stop_.load()) {
        CURLcode rc = CURLE_OK;
        int left = 0;
        while (CURLMsg* m = curl_multi_info_read(multi, &left))
            if (m->msg == CURLMSG_DONE) rc = m->data.result;
        const Transfer& t = *transfer_;
        if (rc == CURLE_WRITE_ERROR) {
            // on_body stopped it; error_ already says why
        } else if (rc != CURLE_OK) {
            failure = t.what + ": " + transport_failure(rc, t.errbuf, t.socket_path, 0);
        } else if (t.status != 200) {
            failure = t.what + ": HTTP " + std::to_string(t.status) + ": " + engine_message(t.error_body);
        } else {
            failure = t.what + ": the engine closed the events stream";
        }
    }
    std::lock_guard lock(mutex_);
    if (failure && !error_) error_ = std::move(failure);
    finished_ = true;
    cv_.notify_all();
}

bool EventStream::wait_ready(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [this] { return ready_ || finished_; });
    return ready_;
}

void EventStream::stop() {
    stop_.store(true);
    if (transfer_) curl_multi_wakeup(transfer_->multi.get());
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::optional<std::string> EventStream::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

}  // namespace sh
