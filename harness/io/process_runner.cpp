#include "io/process_runner.h"
#include "util/word_lines.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pthread.h>

#include <cerrno>
#include <cstring>
#include <optional>

// Boost 1.74 gates bp::posix::use_vfork on pre-2008 feature-test macros that glibc no longer
// sets, although glibc and Linux still provide vfork(). We want it: fork() copies the harness's
// page tables on every launch (measured 1.1 ms of harness CPU per /bin/true, against 0.45 ms with
// vfork), and the cost grows with the harness's memory.
#define BOOST_POSIX_HAS_VFORK 1
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/posix.hpp>

namespace sh {

namespace bp = boost::process;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

/// How often a running child's supervisor looks at the cancel flag: a cancel is acted on within
/// this. Every wake-up costs the harness CPU (tens of µs here, per running launch), so it is not
/// shorter: at 50 ms, these wake-ups were a large part of the harness's CPU per case.
constexpr auto kCancelPoll = std::chrono::milliseconds(250);
/// After SIGKILL to the group, how long the pipes may still take to reach EOF before we stop
/// reading (only a process that left the group with setsid() can hold them longer).
constexpr auto kDrainAfterKill = std::chrono::milliseconds(1000);

double timeval_ms(const timeval& tv) { return tv.tv_sec * 1e3 + tv.tv_usec / 1e3; }

/// Runs in the vforked child before exec: only syscalls, no allocation, no locks.
/// - Boost.Process 1.74 does not close inherited descriptors: without the CLOEXEC sweep a launcher
///   started by one thread would keep another thread's pipe open for its whole life, and that
///   thread's run would never see EOF.
/// - Exec keeps ignored signals and the signal mask; the launcher must get neither (an ignored
///   SIGPIPE or a blocked SIGTERM changes its behaviour).
/// - Its own process group: a terminal's Ctrl-C reaches only the harness, and killpg() reaches
///   everything the launcher started.
/// - SIGTERM when the harness dies (PR_SET_PDEATHSIG, kept across the launcher's exec): a harness
///   killed with SIGKILL cannot stop its launchers, so each launcher's own trap removes its
///   container at once instead of running on, unsupervised, until its timeout. The signal follows
///   the spawning thread, which stays in run_process() until the child is reaped. `parent` is the
///   harness's pid, read before vfork: if the harness died before prctl, the child is already
///   someone else's and stops itself.
/// Returns errno of a failed chdir (Boost's own start_dir reports that failure but then execs
/// anyway), else 0.
int child_setup(const char* cwd, pid_t parent) {
    // A harness signal handler must not run here (it would act on the parent's memory): the
    // parent blocked every signal before vfork (SignalsBlocked), so the child starts with all of
    // them blocked; reset the dispositions, then open the mask.
    for (int sig = 1; sig < NSIG; ++sig)
        if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::raise(SIGTERM);
    if (cwd && ::chdir(cwd) != 0) return errno;
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) == 0) return 0;
#endif
    const long max_fd = ::sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (max_fd > 0 && max_fd < 65536 ? max_fd : 65536); ++fd)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return 0;
}

/// What exec would say about the program and the directory, checked before spawning: the
/// message comes without a child, and the vfork path reports exec errors through shared memory,
/// which tools that emulate vfork with fork (sanitizers, valgrind) lose.
int precheck(const std::string& exe, const std::string& cwd) {
    struct stat st {};
    if (!cwd.empty()) {
        if (::stat(cwd.c_str(), &st) != 0) return errno;
        if (!S_ISDIR(st.st_mode)) return ENOTDIR;
    }
    const std::string path = exe.empty() || exe[0] == '/' || cwd.empty() ? exe : cwd + "/" + exe;
    if (::access(path.c_str(), X_OK) != 0) return errno;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return EACCES;
    return 0;
}

/// One output stream: reads until EOF, keeping at most `cap` bytes and counting all of them, so a
/// child writing hundreds of MB never blocks on a full pipe.
struct Drain {
    bp::async_pipe pipe;
    std::string& text;
    std::size_t& bytes;
    bool& truncated;
    const std::size_t cap;
    bool eof = false;
    std::function<void()> on_eof;
    std::optional<WordLines> watch;  ///< sees every byte, kept or not
    std::vector<char> buf = std::vector<char>(65536);  // heap: run_process may run on small stacks

    Drain(asio::io_context& io, std::string& t, std::size_t& b, bool& tr, std::size_t c)
        : pipe(io), text(t), bytes(b), truncated(tr), cap(c) {
        // Neither end may leak into a child that other code forks.
        ::fcntl(pipe.native_source(), F_SETFD, FD_CLOEXEC);
        ::fcntl(pipe.native_sink(), F_SETFD, FD_CLOEXEC);
    }

    void read() {
        pipe.async_read_some(asio::buffer(buf), [this](const boost::system::error_code& ec, std::size_t n) {
            bytes += n;
            if (watch) watch->feed(std::string_view(buf.data(), n));
            const std::size_t keep = text.size() < cap ? std::min(n, cap - text.size()) : 0;
            text.append(buf.data(), keep);
            if (keep < n) truncated = true;
            if (!ec) return read();
            eof = true;  // EOF, or the pipe was closed after kDrainAfterKill
            if (watch) watch->finish();
            on_eof();
        });
    }
};

/// Blocks every signal in the calling thread for its lifetime, as posix_spawn does around its
/// vfork: a signal that arrives between vfork and the child's reset of its handlers would run the
/// harness's handler in the child, on the parent's memory. A signal that arrives meanwhile stays
/// pending and is delivered to the parent when the mask is restored.
class SignalsBlocked {
public:
    SignalsBlocked() {
        sigset_t all;
        sigfillset(&all);
        ::pthread_sigmask(SIG_SETMASK, &all, &saved_);
    }
    ~SignalsBlocked() { ::pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
    SignalsBlocked(const SignalsBlocked&) = delete;
    SignalsBlocked& operator=(const SignalsBlocked&) = delete;

private:
    sigset_t saved_{};
};

std::optional<int> open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd >= 0) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        return fd;
    }
#endif
    return std::nullopt;
}

/// Watches one started child: exit, deadline, cancel flag, escalation. Every handler runs on the
/// calling thread inside io.run(), so the state needs no locking.
class Supervisor {
public:
    Supervisor(asio::io_context& io, LaunchResult& r, const ProcessRequest& req,
               const std::atomic<bool>* cancel, pid_t pid, Clock::time_point t0, Drain& out, Drain& err)
        : io_(io), r_(r), req_(req), cancel_(cancel), pid_(pid), t0_(t0), out_(out), err_(err), timer_(io) {}

    void run() {
        // Exit detection: a pidfd turns readable when the child exits (Linux 5.3+); where there
        // is none, the timer polls waitid. No SIGCHLD handler (Boost's on_exit): that is
        // process-wide state shared with every other thread's runs.
        if (auto fd = open_pidfd(pid_)) {
            pidfd_.emplace(io_, *fd);
            pidfd_->async_wait(asio::posix::stream_descriptor::wait_read,
                               [this](const boost::system::error_code&) {
                                   peek_exit(0);
                                   rearm();
                               });
        }
        out_.on_eof = err_.on_eof = [this] { rearm(); };
        out_.read();
        err_.read();
        rearm();
        io_.run();
        if (!exited_) t_exit_ = Clock::now();  // only if io.run() failed; reap() still waits
        reap();
        r_.wall_ms = std::chrono::duration<double, std::milli>(t_exit_ - t0_).count();
    }

private:
    bool finished() const { return exited_ && out_.eof && err_.eof; }

    /// Notes the exit without reaping: while the child is a zombie its pid (== its process group
    /// id) cannot be reused, so a later killpg() cannot hit a stranger.
    void peek_exit(int flags) {
        siginfo_t info{};
        if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT | flags) != 0) {
            if (errno == EINTR) return;
        } else if (info.si_pid == 0) {
            return;  // WNOHANG: still running
        }
        exited_ = true;
        t_exit_ = Clock::now();
    }

    void reap() {
        int status = 0;
        rusage ru{};
        pid_t got;
        do got = ::wait4(pid_, &status, 0, &ru);
        while (got < 0 && errno == EINTR);
        if (got != pid_) return;  // ECHILD: someone else reaped it; the status is lost
        if (WIFEXITED(status)) r_.exit_code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) r_.signal = WTERMSIG(status);
        r_.cpu_user_ms = timeval_ms(ru.ru_utime);
        r_.cpu_sys_ms = timeval_ms(ru.ru_stime);
    }

    void kill_group() {
        ::killpg(pid_, SIGKILL);  // pgid == pid: reaches grandchildren holding the pipes
        killed_ = true;
        t_kill_ = Clock::now();
    }

    /// Schedules the next tick at the earliest moment something may have to happen.
    void rearm() {
        if (finished()) {
            timer_.cancel();
            return;
        }
        const auto now = Clock::now();
        auto next = now + (pidfd_ || exited_ ? kCancelPoll : std::chrono::milliseconds(5));
        if (!exited_ && !term_sent_) next = std::min(next, t0_ + req_.deadline);
        if (!exited_ && term_sent_ && !killed_) next = std::min(next, t_term_ + req_.grace);
        if (exited_ && !killed_) next = std::min(next, t_exit_ + req_.grace);
        timer_.expires_at(next);
        timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) tick();
        });
    }

    void tick() {
        const auto now = Clock::now();
        if (!exited_ && !pidfd_) peek_exit(WNOHANG);
        const bool cancelled = cancel_ && cancel_->load();
        if (!exited_ && !term_sent_ && (cancelled || now >= t0_ + req_.deadline)) {
            r_.harness_deadline_hit = !cancelled;
            ::kill(pid_, SIGTERM);  // the direct child only: the launcher traps it and removes its container
            term_sent_ = true;
            t_term_ = now;
        } else if (!exited_ && term_sent_ && !killed_ && now >= t_term_ + req_.grace) {
            kill_group();
        } else if (exited_ && !killed_ && now >= t_exit_ + req_.grace) {
            kill_group();  // the child is gone but something it left holds a pipe open
        } else if (exited_ && killed_ && now >= t_kill_ + kDrainAfterKill) {
            // Something left the group (setsid) and still holds a pipe: stop reading rather than
            // hang. The pending reads complete with operation_aborted and count as EOF.
            boost::system::error_code ignored;
            out_.pipe.close(ignored);
            err_.pipe.close(ignored);
            return;
        }
        rearm();
    }

    asio::io_context& io_;
    LaunchResult& r_;
    const ProcessRequest& req_;
    const std::atomic<bool>* cancel_;
    const pid_t pid_;
    const Clock::time_point t0_;
    Drain& out_;
    Drain& err_;
    asio::steady_timer timer_;
    std::optional<asio::posix::stream_descriptor> pidfd_;
    bool exited_ = false, term_sent_ = false, killed_ = false;
    Clock::time_point t_exit_{}, t_term_{}, t_kill_{};
};

}  // namespace

LaunchResult run_process(const ProcessRequest& req, const std::atomic<bool>* cancel) {
    LaunchResult r;
    if (req.argv.empty()) {
        r.start_error = "cannot start a process: empty argv";
        return r;
    }

    asio::io_context io;
    Drain out(io, r.stdout_text, r.stdout_bytes, r.stdout_truncated, req.output_cap_bytes);
    Drain err(io, r.stderr_text, r.stderr_bytes, r.stderr_truncated, req.output_cap_bytes);
    // A watched line may be as long as the capture allows (a probe's report line can be long).
    if (!req.watch_word.empty()) out.watch.emplace(req.watch_word, 4, std::max<std::size_t>(req.output_cap_bytes, 64 * 1024));

    bp::environment env = boost::this_process::environment();
    // set(), not operator[]: 1.74's find() behind operator[] reads past short entries.
    for (const auto& [k, v] : req.env_set) env.set(k, v);
    std::vector<std::string> args(req.argv.begin() + 1, req.argv.end());

    const auto t0 = Clock::now();
    r.start_unix_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string cwd = req.cwd.string();
    const char* cwd_c = cwd.empty() ? nullptr : cwd.c_str();
    if (int e = precheck(req.argv[0], cwd)) {
        r.start_error = "cannot execute " + req.argv[0] + (cwd_c ? " in " + cwd : "") + ": " + std::strerror(e);
        return r;
    }
    std::error_code spawn_ec;
    const pid_t parent = ::getpid();
    auto setup = bp::extend::on_exec_setup = [cwd_c, parent](auto& exec) {
        if (int e = child_setup(cwd_c, parent)) {
            exec.set_error(std::error_code(e, std::system_category()), "chdir failed");
            ::_exit(127);
        }
    };
    // A failed exec leaves a zombie that Boost 1.74 never reaps; reap it here.
    auto reap_failed = bp::extend::on_error = [](auto& exec, const std::error_code&) {
        if (exec.pid > 0) ::waitpid(exec.pid, nullptr, 0);
    };
    std::optional<SignalsBlocked> blocked(std::in_place);
    bp::child child(setup, bp::exe = req.argv[0], bp::args = args, env, bp::std_in < bp::null,
                    bp::std_out > out.pipe, bp::std_err > err.pipe, reap_failed, bp::posix::use_vfork,
                    spawn_ec);
    blocked.reset();
    if (spawn_ec || !child.valid()) {
        r.start_error = "cannot execute " + req.argv[0] + (cwd_c ? " in " + cwd : "") + ": " +
                        (spawn_ec ? spawn_ec.message() : "spawn failed");
        return r;
    }
    r.started = true;
    const pid_t pid = child.id();
    child.detach();  // we reap it ourselves (wait4, for rusage); its destructor must not kill
    Supervisor sup(io, r, req, cancel, pid, t0, out, err);
    sup.run();
    if (out.watch) {
        r.lines_watched = true;
        r.watched_line_count = out.watch->count();
        r.watched_lines = out.watch->kept();
    }
    return r;
}

}  // namespace sh
