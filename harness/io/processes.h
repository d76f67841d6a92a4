#pragma once
/// Finding processes by what they run, from /proc: the chaos faults signal a harness or a launcher
/// they started themselves, found by a path only that run uses.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace sh {

/// Pids of live processes whose command line (arguments joined by spaces) contains `needle`,
/// this process excluded, lowest first. Processes that vanish while being read are left out.
std::vector<pid_t> find_processes(const std::string& needle, const std::filesystem::path& proc_root = "/proc");

/// True while `pid` exists and is not a zombie.
bool process_alive(pid_t pid, const std::filesystem::path& proc_root = "/proc");

/// The child of `pid` that started first (/proc/PID/task/PID/children, then each child's start
/// time), if it has one now. The first child is the one a parent forked before anything else ran:
/// a process reparented to it later (an orphan, when `pid` is a PID namespace's init) started later.
std::optional<pid_t> first_child(pid_t pid, const std::filesystem::path& proc_root = "/proc");

/// Sends `sig` to `pid` (a negative pid: its process group); a process already gone is no error.
void send_signal(pid_t pid, int sig);

/// This process's pid.
pid_t self_pid();

/// This process's owner labels (core/run_owner.h: host name, pid, PID namespace, start time), as
/// every container and lease of its runs carries them.
const std::map<std::string, std::string>& self_owner_labels();

/// True when the owner these labels name, `age_s` seconds after they were written, is gone, as
/// core/run_owner.h decides (this process's host and PID namespace, /proc for the rest); `why`
/// says why.
bool owner_is_gone(const std::map<std::string, std::string>& labels, double age_s, std::string& why);

}  // namespace sh
