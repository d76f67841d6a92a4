#include "core/run_owner.h"

#include <fmt/format.h>

namespace sh {

std::map<std::string, std::string> owner_labels(const RunOwner& o) {
    return {{"sandbox-harness.host", o.host},
            {"sandbox-harness.pid", o.pid},
            {"sandbox-harness.pidns", o.pid_ns},
            {"sandbox-harness.started", o.start_time}};
}

bool is_orphan(const std::map<std::string, std::string>& labels, double age_s, const RunOwner& self,
               const std::function<std::optional<std::string>(const std::string& pid)>& start_time_of,
               std::string& why) {
    const auto label = [&](const char* key) -> std::optional<std::string> {
        auto it = labels.find(key);
        if (it == labels.end() || it->second.empty()) return std::nullopt;
        return it->second;
    };
    if (age_s > kOrphanMaxAgeSeconds) {
        why = fmt::format("older than any case can live ({:.0f} s)", age_s);
        return true;
    }
    const auto host = label("sandbox-harness.host"), pid = label("sandbox-harness.pid"),
               pid_ns = label("sandbox-harness.pidns"), started = label("sandbox-harness.started");
    // Only a PID of this host and this PID namespace names a process we can look at.
    if (!host || !pid || !pid_ns || !started || *host != self.host || *pid_ns != self.pid_ns) return false;
    const auto now = start_time_of(*pid);
    if (!now) {
        why = "its run (PID " + *pid + ") is gone";
        return true;
    }
    if (*now != *started) {
        why = "its run (PID " + *pid + ") is gone; the PID now belongs to another process";
        return true;
    }
    return false;
}

}  // namespace sh
