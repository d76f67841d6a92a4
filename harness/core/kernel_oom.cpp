#include "core/kernel_oom.h"

#include <algorithm>
#include <charconv>

namespace sh {

namespace {

constexpr std::string_view kPrefix = "oom-kill:";

bool is_hex_id(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace

std::optional<KernelOomKill> parse_oom_kill(std::string_view message) {
    if (!message.starts_with(kPrefix)) return std::nullopt;
    message.remove_prefix(kPrefix.size());
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.remove_suffix(1);
    KernelOomKill kill;
    bool has_pid = false;
    // Fields are "key=value" separated by commas; the first of each key counts. The task's name
    // (its own choice, up to 15 bytes, commas allowed) comes after the cgroups, so it can neither
    // replace them nor hold a container id; it can only garble pid and uid, which judge nothing.
    std::size_t pos = 0;
    while (pos <= message.size()) {
        const std::size_t end = std::min(message.find(',', pos), message.size());
        const std::string_view field = message.substr(pos, end - pos);
        pos = end + 1;
        const std::size_t eq = field.find('=');
        if (eq == std::string_view::npos) continue;
        const std::string_view key = field.substr(0, eq), value = field.substr(eq + 1);
        auto first = [&](std::string& into) {
            if (into.empty()) into = value;
        };
        if (key == "constraint") first(kill.constraint);
        else if (key == "oom_memcg") first(kill.oom_memcg);
        else if (key == "task_memcg") first(kill.task_memcg);
        else if (key == "task") first(kill.task);
        else if (key == "pid" && !has_pid) {
            const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), kill.pid);
            has_pid = ec == std::errc() && p == value.data() + value.size() && kill.pid > 0;
        }
    }
    if (!has_pid || kill.oom_memcg.empty() || kill.task_memcg.empty()) return std::nullopt;
    return kill;
}

bool memcg_is_container(std::string_view memcg, std::string_view container_id) {
    if (!is_hex_id(container_id)) return false;
    const std::size_t slash = memcg.rfind('/');
    if (slash == std::string_view::npos) return false;
    std::string_view last = memcg.substr(slash + 1);
    if (last.starts_with("docker-") && last.ends_with(".scope")) last = last.substr(7, last.size() - 7 - 6);
    return last == container_id;
}

namespace {

/// The decimal number at the start of `s` (then `s` moves past it), if there is one.
std::optional<long> leading_number(std::string_view& s) {
    long n = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || n < 0) return std::nullopt;
    s.remove_prefix(static_cast<std::size_t>(p - s.data()));
    return n;
}

}  // namespace

std::optional<long> parse_memcg_killed_pid(std::string_view message) {
    constexpr std::string_view kKilled = "Memory cgroup out of memory: Killed process ";
    if (!message.starts_with(kKilled)) return std::nullopt;
    message.remove_prefix(kKilled.size());
    const auto pid = leading_number(message);
    if (!pid || *pid == 0 || !message.starts_with(" (")) return std::nullopt;
    return pid;
}

std::optional<long> parse_oom_suppressed(std::string_view message) {
    constexpr std::string_view kFunc = "oom_kill_process: ";
    if (!message.starts_with(kFunc)) return std::nullopt;
    message.remove_prefix(kFunc.size());
    const auto n = leading_number(message);
    if (!n || !message.starts_with(" callbacks suppressed")) return std::nullopt;
    return n;
}

bool runtime_dies_whole(std::string_view runtime) { return runtime == "runsc"; }

bool oom_killed_script(const std::vector<long>& killed, const ScriptProcess& script) {
    if (script.dies_whole && !killed.empty()) return true;
    auto killed_pid = [&](const std::optional<long>& pid) {
        return pid && std::find(killed.begin(), killed.end(), *pid) != killed.end();
    };
    return killed_pid(script.script_pid) || killed_pid(script.init_pid);
}

bool made_by_limit_of(const KernelOomKill& k, std::string_view container_id) {
    return k.constraint == "CONSTRAINT_MEMCG" && memcg_is_container(k.oom_memcg, container_id) &&
           memcg_is_container(k.task_memcg, container_id);
}

std::optional<KernelOomKill> oom_kill_by_limit_of(const std::vector<KernelOomKill>& kills,
                                                  std::string_view container_id) {
    for (const auto& k : kills)
        if (made_by_limit_of(k, container_id)) return k;
    return std::nullopt;
}

}  // namespace sh
