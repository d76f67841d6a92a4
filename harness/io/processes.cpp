#include "io/processes.h"

#include "io/host_sampler.h"

#include <algorithm>
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

}  // namespace sh
