#pragma once
/// Child processes of the pool (the slots' docker clients, the AST checker, `docker rm`): the
/// only place that forks. Every descriptor the pool opens is close-on-exec, so a child gets only
/// the pipes given here.

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace pool {

/// A descriptor closed on destruction.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(o.release()) {}
    Fd& operator=(Fd&& o) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return fd_; }
    int release();
    void reset();
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

struct Child {
    pid_t pid = -1;
    Fd in, out, err;  ///< our ends of its stdin, stdout, stderr (those asked for)
};

/// Starts argv[0] (found on PATH) with `env` added to the pool's environment. `pipes` says which
/// of stdin/stdout/stderr get a pipe; the others are /dev/null (stderr: the pool's own).
/// Throws std::runtime_error naming the call that failed.
Child spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, bool in, bool out, bool err);

/// Runs argv to the end; its stdout (its stderr goes to the pool's). `status` gets the wait status.
std::string run_capture(const std::vector<std::string>& argv, int* status = nullptr);

/// waitpid, retried on EINTR; the wait status.
int wait_for(pid_t);

/// Writes all of `data` (blocking); false on any error (EPIPE: the reader is gone).
bool write_all(int fd, std::string_view data);

}  // namespace pool
