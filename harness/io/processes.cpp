#include "io/processes.h"

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

}  // namespace sh
