#include "io/kernel_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "util/error.h"

namespace sh {

KernelLog::KernelLog(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
        unavailable_ = syscall_message("open", path, errno);
        return;
    }
    // On /dev/kmsg, SEEK_END moves to the next record the kernel writes; a regular file (tests)
    // cannot tell its old lines from new ones, so it is read from its start.
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && S_ISCHR(st.st_mode)) ::lseek(fd_, 0, SEEK_END);
}

KernelLog::~KernelLog() {
    if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string_view> kmsg_message(std::string_view line) {
    if (line.empty() || line.front() == ' ') return std::nullopt;
    const std::size_t semi = line.find(';');
    if (semi == std::string_view::npos) return std::nullopt;
    std::string_view message = line.substr(semi + 1);
    if (const std::size_t nl = message.find('\n'); nl != std::string_view::npos) message = message.substr(0, nl);
    return message;
}

void KernelLog::drain() {
    if (fd_ < 0) return;
    // One read gives one whole record on /dev/kmsg, and any number of lines on a file. A record
    // is at most 8 KiB with its continuation lines; a buffer too small for one would fail every
    // later read with EINVAL, so this one is twice that.
    char buf[16384];
    for (;;) {
        const ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EPIPE) {  // overwritten before it was read: the next read goes on
            ++lost_;
            continue;
        }
        if (n <= 0) return;  // EAGAIN: nothing new; 0: end of a file
        partial_.append(buf, static_cast<std::size_t>(n));
        std::size_t start = 0;
        for (std::size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
            const std::string_view line(partial_.data() + start, nl - start);
            const auto message = kmsg_message(line);
            if (!message) continue;
            if (auto kill = parse_oom_kill(*message)) kills_.push_back(std::move(*kill));
            else if (auto pid = parse_memcg_killed_pid(*message)) killed_lines_.push_back(*pid);
            else if (auto dropped = parse_oom_suppressed(*message)) suppressed_ += static_cast<unsigned long>(*dropped);
        }
        partial_.erase(0, start);
    }
}

std::optional<KernelOomKill> KernelLog::oom_kill_by_limit_of(const std::string& container_id) {
    std::lock_guard lock(mu_);
    drain();
    return sh::oom_kill_by_limit_of(kills_, container_id);
}

std::size_t KernelLog::mark() {
    std::lock_guard lock(mu_);
    drain();
    return killed_lines_.size();
}

std::vector<long> KernelLog::oom_killed_pids(const std::string& container_id, std::size_t since,
                                             const std::vector<long>& candidates) {
    std::lock_guard lock(mu_);
    drain();
    std::vector<long> pids;
    auto add = [&](long pid) {
        if (std::find(pids.begin(), pids.end(), pid) == pids.end()) pids.push_back(pid);
    };
    for (const auto& k : kills_)
        if (made_by_limit_of(k, container_id)) add(k.pid);
    for (std::size_t i = since; i < killed_lines_.size(); ++i)
        if (std::find(candidates.begin(), candidates.end(), killed_lines_[i]) != candidates.end())
            add(killed_lines_[i]);
    return pids;
}

unsigned long KernelLog::suppressed_summaries() const {
    std::lock_guard lock(mu_);
    return suppressed_;
}

unsigned long KernelLog::lost_records() const {
    std::lock_guard lock(mu_);
    return lost_;
}

}  // namespace sh
