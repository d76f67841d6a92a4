#include "client.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "exit_status.h"
#include "process.h"
#include "protocol.h"

namespace pool {

namespace {

/// Far above any pool's cap: a bigger file is not read at all.
constexpr off_t kMaxReadable = 64 << 20;

int fail(const std::string& message) {
    std::fprintf(stderr, "run_secure_python: %s\n", message.c_str());
    return kFailure;
}

}  // namespace

int run_client(const ClientRequest& r) {
    std::signal(SIGPIPE, SIG_IGN);
    Request req{r.name, r.profile_flags, r.args, {}};
    {
        Fd f(::open(r.script_path.c_str(), O_RDONLY | O_CLOEXEC));
        struct stat st {};
        if (!f || ::fstat(f.get(), &st) != 0 || !S_ISREG(st.st_mode))
            return fail("script not found or not readable: " + r.script_path);
        if (st.st_size > kMaxReadable)
            return fail("script of " + std::to_string(st.st_size) + " bytes is over any pool's cap: " + r.script_path);
        req.script.resize(static_cast<std::size_t>(st.st_size));
        std::size_t got = 0;
        while (got < req.script.size()) {
            const ssize_t n = ::read(f.get(), req.script.data() + got, req.script.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return fail("cannot read " + r.script_path + ": " + std::strerror(errno));
            got += static_cast<std::size_t>(n);
        }
    }

    Fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (r.socket.size() >= sizeof addr.sun_path) return fail("SANDBOX_POOL socket path too long: " + r.socket);
    std::memcpy(addr.sun_path, r.socket.c_str(), r.socket.size() + 1);
    if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        return fail("no sandbox pool answers at " + r.socket + " (SANDBOX_POOL; connect: " + std::strerror(errno) +
                    "); start one with: SANDBOX_PROFILE=<this profile> sandbox-pool --socket " + r.socket +
                    " (sandbox/README.md, \"Warm slots\"), or run cold with SANDBOX_POOL= (empty)");

    // A pool that refuses the request (over its cap) answers and closes before reading it all:
    // the write then fails, and its answer is read all the same.
    write_all(sock.get(), encode_request(req));

    FrameReader frames;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::recv(sock.get(), buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail("the pool at " + r.socket + " closed the connection before the exit status");
        frames.feed(std::string_view(buf, static_cast<std::size_t>(n)));
        while (auto f = frames.next()) {
            switch (f->type) {
                case FrameType::Stdout:
                    if (!write_all(1, f->payload)) return kFailure;  // our stdout is gone; the pool ends the run
                    break;
                case FrameType::Stderr:
                    write_all(2, f->payload);
                    break;
                case FrameType::Exit:
                    return std::atoi(f->payload.c_str());
            }
        }
    }
}

}  // namespace pool
