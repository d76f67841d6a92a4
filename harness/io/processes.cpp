#include "io/processes.h"

#include "io/host_sampler.h"
#include "core/run_owner.h"

#include <algorithm>
#include <csignal>
#include <charconv>
#include <fstream>
#include <iterator>

#include <unistd.h>

namespace sh {

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The start time (field 22 of /proc/PID/stat) of a live process of this PID namespace.
std::optional<std::string> process_start_time(const std::string& pid) {
    int n = 0;
    const auto [end, ec] = std::from_chars(pid.data(), pid.data() + pid.size(), n);
    if (ec != std::errc() || end != pid.data() + pid.size() || n <= 0) return std::nullopt;
    const auto p = read_proc_cpu("/proc", n);
    if (!p) return std::nullopt;
    return std::to_string(p->starttime);
}

/// This process as the owner of the containers it creates (core/run_owner.h).
const RunOwner& self_owner() {
    static const RunOwner self = [] {
        char host[256] = {};
        gethostname(host, sizeof host - 1);
        char ns[64] = {};
        const ssize_t n = ::readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
        RunOwner o{host, std::to_string(getpid()), n > 0 ? std::string(ns, static_cast<std::size_t>(n)) : "",
                   process_start_time(std::to_string(getpid())).value_or("")};
        return o;
    }();
    return self;
}

}  // namespace

std::vector<pid_t> find_processes(const std::string& needle, const fs::path& proc_root) {
    std::vector<pid_t> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(proc_root, ec)) {
        const std::string name = entry.path().filename().string();
        pid_t pid = 0;
        const auto [end, perr] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (perr != std::errc() || end != name.data() + name.size() || pid == ::getpid()) continue;
        std::string cmdline = read_all(entry.path() / "cmdline");
        for (char& c : cmdline)
            if (c == '\0') c = ' ';
        if (cmdline.find(needle) != std::string::npos && process_alive(pid, proc_root)) found.push_back(pid);
    }
    std::sort(found.begin(), found.end());
    return found;
}

bool process_alive(pid_t pid, const fs::path& proc_root) {
    // /proc/PID/stat: "PID (comm) S ...": the state follows the last ')'.
    const std::string stat = read_all(proc_root / std::to_string(pid) / "stat");
    const auto paren = stat.rfind(')');
    return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

std::optional<pid_t> first_child(pid_t pid, const fs::path& proc_root) {
    const std::string pids = read_all(proc_root / std::to_string(pid) / "task" / std::to_string(pid) / "children");
    std::optional<pid_t> first;
    unsigned long long first_start = 0;
    for (std::size_t pos = 0; pos < pids.size();) {
        const std::size_t end = std::min(pids.find(' ', pos), pids.size());
        pid_t child = 0;
        const auto [p, ec] = std::from_chars(pids.data() + pos, pids.data() + end, child);
        pos = end + 1;
        if (ec != std::errc() || p != pids.data() + end || child <= 0) continue;
        const auto stat = read_proc_cpu(proc_root, child);
        if (stat && (!first || stat->starttime < first_start)) first = child, first_start = stat->starttime;
    }
    return first;
}

void send_signal(pid_t pid, int sig) { ::kill(pid, sig); }

pid_t self_pid() { return ::getpid(); }

const std::map<std::string, std::string>& self_owner_labels() {
    static const std::map<std::string, std::string> labels = owner_labels(self_owner());
    return labels;
}

bool owner_is_gone(const std::map<std::string, std::string>& labels, double age_s, std::string& why) {
    return is_orphan(labels, age_s, self_owner(), process_start_time, why);
}

}  // namespace sh
