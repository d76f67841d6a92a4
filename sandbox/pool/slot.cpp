#include "slot.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <variant>

#include "exit_status.h"
#include "protocol.h"

namespace pool {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kReady = "SANDBOX-SLOT-READY\n";  // sandbox/slot_init.py's READY
/// Output held for a client that does not read: beyond it the slot's pipes are not read, so the
/// script blocks on its own writes (and meets its deadline).
constexpr std::size_t kMaxPending = 1 << 20;
/// How long a finished run's last output may wait for a client that does not read it.
constexpr auto kFlushLimit = std::chrono::seconds(10);

std::string format_seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

/// Reads what is there (non-blocking fd); false at EOF or on an error.
bool read_some(int fd, std::string& into) {
    char buf[65536];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
        into.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    return n < 0 && (errno == EAGAIN || errno == EINTR);
}

/// Sends all of `data` within `limit`; false if the client is gone or does not read.
bool flush(int fd, std::string& data, Clock::duration limit) {
    const auto until = Clock::now() + limit;
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            data.erase(0, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd, POLLOUT, 0};
        ::poll(&p, 1, static_cast<int>(left));
    }
    return true;
}

}  // namespace

/// 128 random bits in hex, from the kernel.
std::string random_token() {
    unsigned char bytes[16];
    Fd f(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
    if (!f || ::read(f.get(), bytes, sizeof bytes) != static_cast<ssize_t>(sizeof bytes))
        throw std::runtime_error("cannot read /dev/urandom for a run's exit token");
    std::string out;
    for (unsigned char b : bytes) {
        static const char hex[] = "0123456789abcdef";
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

bool remove_container(const std::string& name) {
    int status = 0;
    const std::string out = run_capture({"docker", "rm", "-f", name}, &status);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

Slot::Slot(const SlotConfig& config, std::string name) : config_(config), name_(std::move(name)) {
    std::vector<std::string> env = config.env;
    env.push_back("SANDBOX_NAME=" + name_);
    child_ = spawn({config.launcher, "--slot", std::to_string(config.idle_seconds), std::to_string(config.max_script_bytes)},
                   env, true, true, true);
    set_nonblocking(child_.out.get());
    set_nonblocking(child_.err.get());
}

Slot::~Slot() {
    if (!finished_) kill_and_remove();
}

void Slot::kill_and_remove(bool running) {
    // Before the container runs, it is removed first and the client killed after: a client
    // killed first could leave a container it was about to create or start. Once it runs, the
    // client goes first: its stdout may be full (a client of the pool that does not read), and
    // the engine's removal then waits for the attach stream that the client no longer reads.
    if (!running) remove_container(name_);
    if (child_.pid > 0) {
        ::kill(child_.pid, SIGKILL);
        wait_for(child_.pid);
        child_.pid = -1;
    }
    if (running) remove_container(name_);
    finished_ = true;
}

bool Slot::wait_ready(std::chrono::seconds limit, std::string& error) {
    const auto until = Clock::now() + limit;
    std::string got, err;
    while (got.size() < kReady.size()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (left <= 0) {
            error = "not ready within " + std::to_string(limit.count()) + " s";
            break;
        }
        pollfd p[2] = {{child_.out.get(), POLLIN, 0}, {child_.err.get(), POLLIN, 0}};
        ::poll(p, 2, static_cast<int>(left));
        if (p[1].revents) read_some(child_.err.get(), err);
        if (p[0].revents && !read_some(child_.out.get(), got)) {
            error = "ended before it was ready";
            break;
        }
    }
    if (error.empty() && got == kReady) return true;
    if (error.empty()) error = "printed something else than its readiness line";
    read_some(child_.err.get(), err);
    if (!err.empty()) error += ": " + err.substr(0, 2000);
    while (!error.empty() && error.back() == '\n') error.pop_back();
    kill_and_remove();
    return false;
}

bool Slot::alive() const {
    pollfd p{child_.out.get(), POLLIN, 0};
    return !finished_ && ::poll(&p, 1, 0) == 0;
}

/// What a run moves between the slot and its client.
struct Slot::Relay {
    explicit Relay(const std::string& token) : out_trailer(token), err_trailer(token) {}
    std::string forwarded;   ///< the request as the slot gets it
    std::string_view input;  ///< what is still to be written to the slot's stdin
    ExitTrailer out_trailer, err_trailer;
    std::string pending;     ///< frames for the client
    bool out_open = true, err_open = true;
    bool done() const { return !(out_open || err_open) || (out_trailer.status() && err_trailer.status()); }
};

RunOutcome Slot::run(const std::string& request, int client_fd) {
    RunOutcome outcome;
    const auto start = Clock::now();
    set_nonblocking(child_.in.get());
    // The request as the slot gets it: the client's profile flags (checked already) replaced by
    // this run's exit token, which PID 1 writes after the script's status (slot_init.py).
    const std::string token = random_token();
    Relay relay(token);
    const auto eol = request.find('\n');
    auto header = std::get<RequestHeader>(parse_header(std::string_view(request).substr(0, eol), config_.max_script_bytes));
    Request req = split_body(header, std::string_view(request).substr(eol + 1));
    req.flags = token;
    relay.forwarded = encode_request(req);
    relay.input = relay.forwarded;
    const auto deadline =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(config_.timeout_seconds));
    while (!relay.done()) {
        if (config_.timeout_seconds > 0 && Clock::now() >= deadline) {
            outcome.timed_out = true;
            break;
        }
        const Step step = relay_once(relay, client_fd, config_.timeout_seconds > 0 ? std::optional(deadline) : std::nullopt);
        if (step == Step::ClientGone) outcome.client_gone = true;
        if (step != Step::Go) break;  // poll failed: the slot's own status decides
    }
    conclude(relay, outcome, client_fd);
    outcome.run_time = Clock::now() - start;
    return outcome;
}

Slot::Step Slot::relay_once(Relay& r, int client_fd, std::optional<Clock::time_point> deadline) {
    Fd& in = child_.in;
    pollfd p[4] = {{in ? in.get() : -1, POLLOUT, 0},
                   {r.out_open && r.pending.size() < kMaxPending ? child_.out.get() : -1, POLLIN, 0},
                   {r.err_open && r.pending.size() < kMaxPending ? child_.err.get() : -1, POLLIN, 0},
                   {client_fd, static_cast<short>(POLLIN | (r.pending.empty() ? 0 : POLLOUT)), 0}};
    int wait_ms = -1;
    if (deadline)
        wait_ms = static_cast<int>(std::max<long long>(
            1, std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count() + 1));
    if (::poll(p, 4, wait_ms) < 0) return errno == EINTR ? Step::Go : Step::Broken;
    if (p[0].revents) {
        const ssize_t n = ::write(in.get(), r.input.data(), r.input.size());
        if (n > 0) r.input.remove_prefix(static_cast<std::size_t>(n));
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || r.input.empty()) in.reset();  // EOF: the client closes the slot's stdin
    }
    const auto drain = [&](int fd, bool& open, ExitTrailer& trailer, FrameType type) {
        std::string chunk;
        open = read_some(fd, chunk);
        chunk = open ? trailer.feed(chunk) : trailer.feed(chunk) + trailer.finish();
        if (!chunk.empty()) r.pending += encode_frame(type, chunk);
    };
    if (p[1].revents) drain(child_.out.get(), r.out_open, r.out_trailer, FrameType::Stdout);
    if (p[2].revents) drain(child_.err.get(), r.err_open, r.err_trailer, FrameType::Stderr);
    if (p[3].revents & (POLLIN | POLLHUP | POLLERR)) {
        char b;
        const ssize_t n = ::recv(client_fd, &b, 1, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) || (p[3].revents & (POLLHUP | POLLERR)))
            return Step::ClientGone;
    }
    if (!r.pending.empty() && (p[3].revents & POLLOUT)) {
        const ssize_t n = ::send(client_fd, r.pending.data(), r.pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) r.pending.erase(0, static_cast<std::size_t>(n));
    }
    return Step::Go;
}

void Slot::conclude(Relay& r, RunOutcome& outcome, int client_fd) {
    if (outcome.timed_out || outcome.client_gone) {
        kill_and_remove(true);
        // What the script wrote before the kill still reaches the client, as with a cold launch.
        for (std::string chunk; r.out_open && read_some(child_.out.get(), chunk) && !chunk.empty(); chunk.clear())
            r.pending += encode_frame(FrameType::Stdout, chunk);
        if (outcome.client_gone) return;
        r.pending += encode_frame(FrameType::Stderr, "run_secure_python: timed out after " +
                                                         format_seconds(config_.timeout_seconds) + "s: container " +
                                                         name_ + " killed and removed\n");
        outcome.status = kTimedOut;
    } else if (r.out_trailer.status() && r.err_trailer.status()) {
        // PID 1's own word, ~40 ms before the engine's: the container is removed after the reply.
        outcome.status = *r.out_trailer.status();
    } else {
        outcome.status = client_status(wait_for(child_.pid));
        child_.pid = -1;
    }
    r.pending += encode_frame(FrameType::Exit, std::to_string(outcome.status));
    if (!flush(client_fd, r.pending, kFlushLimit)) outcome.client_gone = true;
    // Without --rm (see the launcher's --slot): removed here, once the client has its status.
    if (!finished_) kill_and_remove(true);
}

}  // namespace pool
