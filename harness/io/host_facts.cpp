#include "io/host_facts.h"

#include <fstream>

#include <cctype>
#include <charconv>

#include "util/files.h"
#include "util/text.h"

namespace sh {

namespace {

/// A procfs file of at most `max` bytes, trimmed; nullopt when it cannot be read.
std::optional<std::string> read_proc(const std::filesystem::path& path, std::size_t max = 1 << 20) {
    std::string error;
    auto text = read_regular_file(path, max, error);
    if (!text) return std::nullopt;
    std::string_view value = *text;
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
    if (value.empty()) return std::nullopt;
    return std::string(value);
}

}  // namespace

std::optional<std::string> proc_field(std::string_view text, std::string_view key) {
    for (std::string_view line : split_lines(text)) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || trim(line.substr(0, colon)) != key) continue;
        return std::string(trim(line.substr(colon + 1)));
    }
    return std::nullopt;
}

HostFacts read_host_facts(const std::filesystem::path& proc) {
    HostFacts host;
    host.kernel_release = read_proc(proc / "sys/kernel/osrelease", 4096);
    host.boot_id = read_proc(proc / "sys/kernel/random/boot_id", 4096);
    host.hostname = read_proc(proc / "sys/kernel/hostname", 4096);
    if (auto meminfo = read_proc(proc / "meminfo"))
        if (auto total = proc_field(*meminfo, "MemTotal")) {
            // "24684084 kB"
            long long kib = 0;
            const auto [end, ec] = std::from_chars(total->data(), total->data() + total->size(), kib);
            if (ec == std::errc() && std::string_view(end, total->data() + total->size() - end) == " kB")
                host.mem_total_kib = kib;
        }
    // /proc/cpuinfo grows with the cores (about 1.5 KiB each): 16 MiB is room for thousands.
    if (auto cpuinfo = read_proc(proc / "cpuinfo", 16 << 20))
        if (auto model = proc_field(*cpuinfo, "model name"); model && !model->empty()) host.cpu_model = model;
    return host;
}

std::optional<long> read_pid_max(const std::filesystem::path& proc_root) {
    std::ifstream in(proc_root / "sys/kernel/pid_max");
    long n = 0;
    if (in >> n && n > 0) return n;
    return std::nullopt;
}

}  // namespace sh
