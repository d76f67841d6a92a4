#include "process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace pool {

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        reset();
        fd_ = o.release();
    }
    return *this;
}

int Fd::release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

void Fd::reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

namespace {

[[noreturn]] void fail(const std::string& call) {
    throw std::runtime_error(call + ": " + std::strerror(errno));
}

void make_pipe(Fd& read_end, Fd& write_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe2");
    read_end = Fd(fds[0]);
    write_end = Fd(fds[1]);
}

}  // namespace

Child spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, bool in, bool out, bool err) {
    Fd in_r, in_w, out_r, out_w, err_r, err_w;
    if (in) make_pipe(in_r, in_w);
    if (out) make_pipe(out_r, out_w);
    if (err) make_pipe(err_r, err_w);
    // Everything the child needs is built before fork: a threaded parent's child may not allocate.
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    for (const auto& e : env) {
        const auto key = e.substr(0, e.find('=') + 1);
        std::erase_if(env_strings, [&](const std::string& s) { return s.starts_with(key); });
        env_strings.push_back(e);
    }
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(in ? in_r.get() : null, 0);
        ::dup2(out ? out_w.get() : null, 1);
        if (err) ::dup2(err_w.get(), 2);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the pool blocks SIGTERM/SIGINT for sigwait
        ::signal(SIGPIPE, SIG_DFL);
        ::execvpe(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    Child c;
    c.pid = pid;
    c.in = std::move(in_w);
    c.out = std::move(out_r);
    c.err = std::move(err_r);
    return c;
}

std::string run_capture(const std::vector<std::string>& argv, int* status) {
    Child c = spawn(argv, {}, false, true, false);
    std::string out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(c.out.get(), buf, sizeof buf);
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR) break;
    }
    const int st = wait_for(c.pid);
    if (status) *status = st;
    return out;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace pool
