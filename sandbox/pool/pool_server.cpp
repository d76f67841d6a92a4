#include "pool_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>

#include "ast_checker.h"
#include "exit_status.h"
#include "process.h"
#include "protocol.h"
#include "slot.h"
#include "slot_broker.h"

namespace pool {

namespace {

using Clock = std::chrono::steady_clock;

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void log(const std::string& line) { std::fprintf(stderr, "sandbox-pool: %s\n", line.c_str()); }

/// Every container labelled for this socket: slots of this pool, or of an earlier one on the same
/// socket that was SIGKILLed.
void remove_labelled(const std::string& label) {
    const std::string ids = run_capture({"docker", "ps", "-aq", "--filter", "label=" + label});
    std::vector<std::string> argv = {"docker", "rm", "-f"};
    for (std::size_t at = 0; at < ids.size();) {
        const auto end = ids.find('\n', at);
        const std::string id = ids.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (!id.empty()) argv.push_back(id);
        if (end == std::string::npos) break;
        at = end + 1;
    }
    if (argv.size() > 3) {
        log("removing " + std::to_string(argv.size() - 3) + " container(s) labelled " + label);
        run_capture(argv);
    }
}

/// Reads until `n` bytes are in `buf` (or a '\n' when `line`), within `until`. False on EOF/timeout.
bool receive(int fd, std::string& buf, std::size_t n, bool line, Clock::time_point until) {
    char tmp[65536];
    while (line ? buf.find('\n') == std::string::npos && buf.size() < n : buf.size() < n) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        pollfd p{fd, POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
        const std::size_t want = line ? sizeof tmp : std::min(sizeof tmp, n - buf.size());
        const ssize_t got = ::recv(fd, tmp, want, 0);
        if (got <= 0) return false;
        buf.append(tmp, static_cast<std::size_t>(got));
    }
    return true;
}

void reply(int fd, const std::string& message, int status) {
    std::string out;
    if (!message.empty()) out += encode_frame(FrameType::Stderr, message);
    out += encode_frame(FrameType::Exit, std::to_string(status));
    write_all(fd, out);  // a client that went away gets nothing: no harm
}

class Pool {
public:
    Pool(const PoolOptions& o, ProfileInfo info)
        : options_(o),
          info_(std::move(info)),
          label_("sandbox-pool=" + o.socket),
          checker_(o.sandbox_dir + "/ast_check.py", "run_secure_python: "),
          broker_(o.queue) {
        slot_config_.launcher = o.sandbox_dir + "/run_secure_python.sh";
        slot_config_.idle_seconds = o.idle_seconds;
        slot_config_.max_script_bytes = o.max_script_bytes;
        slot_config_.timeout_seconds = info_.timeout_seconds;
        const char* labels = std::getenv("SANDBOX_LABELS");
        std::string l = labels ? std::string(labels) + " " : "";
        l += label_ + " sandbox-pool.owner=" + std::to_string(::getpid());
        slot_config_.env = {"SANDBOX_LABELS=" + l, "SANDBOX_POOL="};
    }

    int run();

private:
    void keep_slots();
    void start_one();
    void serve(int fd);
    std::unique_ptr<Slot> take_alive(Clock::duration& waited, std::string& error);

    PoolOptions options_;
    ProfileInfo info_;
    std::string label_;
    SlotConfig slot_config_;
    AstChecker checker_;
    SlotBroker<std::unique_ptr<Slot>> broker_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> starting_{0}, serving_{0};
    std::atomic<unsigned> next_slot_{0}, next_request_{0};
    std::size_t recently_taken();
    std::mutex taken_mutex_;
    std::map<unsigned, Clock::time_point> taken_;  ///< runs in progress: request id, when taken
    std::mutex wake_mutex_;
    std::condition_variable wake_;
};

void Pool::start_one() {
    ++starting_;
    const std::string name = "sandbox-pool-" + std::to_string(::getpid()) + "-" + std::to_string(next_slot_++);
    std::thread([this, name] {
        std::string error;
        try {
            const auto start = Clock::now();
            auto slot = std::make_unique<Slot>(slot_config_, name);
            if (slot->wait_ready(std::chrono::seconds(60), error) && !stopping_) {
                log("slot " + name + " ready in " + std::to_string(static_cast<long>(ms(Clock::now() - start))) + " ms");
                broker_.put(std::move(slot));
            }
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (!error.empty() && !stopping_) {
            log("slot " + name + " failed to start: " + error);
            std::this_thread::sleep_for(std::chrono::seconds(1));  // no tight loop on a broken engine
        }
        --starting_;
        wake_.notify_all();
    }).detach();
}

/// How long a taken slot's successor waits for the run to end before it starts anyway. Starting
/// a container costs the engine ~0.3 CPU-seconds: on a small host, started beside a short script
/// it doubled the script's latency (hand-over to exit: 17-98 ms, against 17-35 ms).
constexpr auto kReplaceDelay = std::chrono::milliseconds(250);

std::size_t Pool::recently_taken() {
    std::lock_guard lock(taken_mutex_);
    const auto now = Clock::now();
    return static_cast<std::size_t>(
        std::count_if(taken_.begin(), taken_.end(), [&](const auto& t) { return now - t.second < kReplaceDelay; }));
}

void Pool::keep_slots() {
    while (!stopping_) {
        // Slots that ended on their own (idle limit) are dropped, so that none is handed out.
        broker_.remove_if([](const std::unique_ptr<Slot>& s) { return !s->alive(); });
        const std::size_t held = recently_taken();
        while (!stopping_ && broker_.ready() + static_cast<std::size_t>(starting_) + held < options_.slots) start_one();
        std::unique_lock lock(wake_mutex_);
        wake_.wait_for(lock, std::chrono::milliseconds(held ? 20 : 500));
    }
}

std::unique_ptr<Slot> Pool::take_alive(Clock::duration& waited, std::string& error) {
    waited = {};
    for (;;) {
        Clock::duration w{};
        auto [slot, err] = broker_.take(&w);
        waited += w;
        if (err == TakeError::QueueFull) {
            error = "sandbox-pool: no slot ready and the queue is full (" + std::to_string(options_.queue) +
                    " requests wait already; --queue sets the bound)\n";
            return nullptr;
        }
        if (err == TakeError::Stopping) {
            error = "sandbox-pool: the pool is stopping\n";
            return nullptr;
        }
        if ((*slot)->alive()) return std::move(*slot);
        wake_.notify_all();  // it ended by itself (idle limit): replaced; try the next one
    }
}

void Pool::serve(int fd) {
    const unsigned id = next_request_++;
    const auto until = Clock::now() + std::chrono::seconds(30);  // the whole request, sent
    std::string buf;
    if (!receive(fd, buf, kMaxHeaderBytes, true, until)) {
        reply(fd, "sandbox-pool: incomplete request (the client sent no whole header within 30 s)\n", kFailure);
        return;
    }
    const auto eol = buf.find('\n');
    if (eol == std::string::npos) return reply(fd, "sandbox-pool: request header too long\n", kFailure);
    auto parsed = parse_header(std::string_view(buf).substr(0, eol), options_.max_script_bytes);
    if (auto* e = std::get_if<std::string>(&parsed)) {
        log("request " + std::to_string(id) + " refused: " + *e);
        return reply(fd, "sandbox-pool: " + *e + " (--max-script-bytes)\n", kFailure);
    }
    const auto& header = std::get<RequestHeader>(parsed);
    if (!receive(fd, buf, eol + 1 + header.body_len(), false, until))
        return reply(fd, "sandbox-pool: incomplete request (fewer bytes than its header announced within 30 s)\n", kFailure);
    const std::string request = buf.substr(0, eol + 1 + header.body_len());
    const Request req = split_body(header, std::string_view(request).substr(eol + 1));

    if (!req.flags.empty() && req.flags != info_.profile_flags)
        return reply(fd, "sandbox-pool: the pool at " + options_.socket + " runs another profile than the script's (" +
                             first_difference(info_.profile_flags, req.flags) +
                             "): start a pool with the script's profile, or run it cold (SANDBOX_POOL=)\n",
                     kFailure);

    const auto check_start = Clock::now();
    if (info_.ast_check) {
        const CheckResult r = checker_.check(req.name, req.script);
        if (r.kind != CheckResult::Accepted) {
            log("request " + std::to_string(id) + ": AST check " + (r.kind == CheckResult::Rejected ? "rejected" : "failed") +
                ", no slot used");
            return reply(fd, r.text, r.kind == CheckResult::Rejected ? kRejected : kFailure);
        }
    }
    const auto checked = Clock::now() - check_start;

    Clock::duration waited{};
    std::string error;
    auto slot = take_alive(waited, error);
    if (slot) {
        std::lock_guard lock(taken_mutex_);
        taken_[id] = Clock::now();
    }
    wake_.notify_all();  // one taken: the keeper starts its successor (after kReplaceDelay at most)
    if (!slot) {
        log("request " + std::to_string(id) + ": " + error.substr(14, error.size() - 15));
        return reply(fd, error, kFailure);
    }
    const RunOutcome o = slot->run(request, fd);
    {
        std::lock_guard lock(taken_mutex_);
        taken_.erase(id);
    }
    wake_.notify_all();  // its successor starts now, if it has not yet
    char line[512];
    std::snprintf(line, sizeof line,
                  "request %u: status %d%s%s, ast check %.1f ms, queue wait %.1f ms, hand-over to exit %.1f ms, slot %s", id,
                  o.status, o.timed_out ? " (timed out)" : "", o.client_gone ? " (client gone: slot removed)" : "",
                  ms(checked), ms(waited), ms(o.run_time), slot->name().c_str());
    log(line);
}

int Pool::run() {
    remove_labelled(label_);  // an earlier pool on this socket, SIGKILLed, left these
    if (info_.ast_check && checker_.check("(start-up)", "").kind != CheckResult::Accepted)
        throw std::runtime_error("the AST checker (" + options_.sandbox_dir + "/ast_check.py --serve) does not answer");

    Fd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (options_.socket.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long: " + options_.socket);
    std::memcpy(addr.sun_path, options_.socket.c_str(), options_.socket.size() + 1);
    {
        // A socket file nobody listens on is an earlier pool's: replaced. One that answers is not.
        Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (::connect(probe.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0)
            throw std::runtime_error("another pool already listens on " + options_.socket);
        if (errno == ECONNREFUSED) ::unlink(options_.socket.c_str());
    }
    const mode_t old = ::umask(0177);  // the socket: its owner only
    const int bound = ::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::umask(old);
    if (bound != 0) throw std::runtime_error("bind " + options_.socket + ": " + std::strerror(errno));
    if (::listen(listener.get(), 64) != 0) throw std::runtime_error(std::string("listen: ") + std::strerror(errno));
    log("listening on " + options_.socket + " with " + std::to_string(options_.slots) + " slot(s), queue " +
        std::to_string(options_.queue) + ", idle limit " + std::to_string(options_.idle_seconds) + " s");

    std::thread keeper([this] { keep_slots(); });
    std::thread acceptor([this, fd = listener.get()] {
        while (!stopping_) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 200) <= 0) continue;
            const int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            ++serving_;
            std::thread([this, c] {
                Fd conn(c);
                try {
                    serve(conn.get());
                } catch (const std::exception& e) {
                    log(std::string("request failed: ") + e.what());
                    reply(conn.get(), std::string("sandbox-pool: ") + e.what() + "\n", kFailure);
                }
                --serving_;
            }).detach();
        }
    });

    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    log(std::string("got ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ": removing every slot");
    stopping_ = true;
    wake_.notify_all();
    acceptor.join();
    keeper.join();
    ::unlink(options_.socket.c_str());
    broker_.stop();  // ready slots: destroyed here, each removed
    // Slots starting or running: their containers go by label; their threads then end.
    const auto until = Clock::now() + std::chrono::seconds(20);
    do {
        remove_labelled(label_ + "");
        if (starting_ == 0 && serving_ == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    } while (Clock::now() < until);
    remove_labelled(label_);
    log("stopped");
    return 0;
}

}  // namespace

ProfileInfo parse_profile_info(const std::string& text) {
    ProfileInfo info;
    bool seen[4] = {};
    std::size_t at = 0;
    while (at < text.size()) {
        const auto end = text.find('\n', at);
        const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? text.size() : end + 1;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "timeout") info.timeout_seconds = std::stod(value), seen[0] = true;
        else if (key == "ast_check") info.ast_check = value == "1", seen[1] = true;
        else if (key == "pool") info.pool = value, seen[2] = true;
        else if (key == "profile_flags") info.profile_flags = value, seen[3] = true;
    }
    for (bool s : seen)
        if (!s) throw std::runtime_error("the launcher's --slot-info lacks a key (timeout, ast_check, pool, profile_flags)");
    return info;
}

int run_pool(const PoolOptions& options) {
    // SIGTERM and SIGINT are taken by sigwait in the main thread; every thread inherits the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    int status = 0;
    const std::string text = run_capture({options.sandbox_dir + "/run_secure_python.sh", "--slot-info"}, &status);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        log("the launcher refused the profile (its message is above)");
        return kFailure;
    }
    ProfileInfo info = parse_profile_info(text);
    if (!info.pool.empty() && info.pool != options.socket)
        log("warning: the profile's SANDBOX_POOL is " + info.pool + ", not this pool's socket " + options.socket);
    Pool pool(options, info);
    return pool.run();
}

}  // namespace pool
