#pragma once
/// The kernel's own account of an OOM kill, as a second witness beside the engine's "oom" event.
/// The engine loses that event when the container's cgroup is gone before the shim has read the
/// OOM notification (a one-process script killed by its memory limit exits at once), so a
/// contained memory probe would read "exit 137, nothing outside shows a kill". The kernel logs
/// every memcg OOM kill before it sends the SIGKILL, in one record:
///
///   oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=<id>,mems_allowed=0,
///            oom_memcg=/docker/<id>,task_memcg=/docker/<id>,task=python3,pid=30357,uid=65534
///
/// A script in the sandbox cannot write such a record (no /dev/kmsg, no CAP_SYSLOG), and the only
/// text of its own a record like it can carry is a 15-byte task name, too short for a container
/// id. Pure logic: io/kernel_log.h reads the records.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sh {

/// One "oom-kill:" record of the kernel log.
struct KernelOomKill {
    std::string constraint;  ///< CONSTRAINT_MEMCG when a cgroup's limit made the kill
    std::string oom_memcg;   ///< the cgroup whose limit was hit, e.g. /docker/<id>
    std::string task_memcg;  ///< the killed task's cgroup
    std::string task;        ///< the killed task's name (chosen by the task: never trusted)
    long pid = 0;
};

/// The kill a record's message (the text after "prio,seq,usec,flags;" of a /dev/kmsg record, or a
/// dmesg line without its timestamp) describes; nullopt for any other message, or one without
/// oom_memcg, task_memcg or a numeric pid.
std::optional<KernelOomKill> parse_oom_kill(std::string_view message);

/// True when the cgroup path `memcg` is the container's own: its last component is the full
/// 64-hex `container_id` (cgroupfs driver: /docker/<id>, /<parent>/<id>) or docker-<id>.scope
/// (systemd driver). A prefix of the id never matches.
bool memcg_is_container(std::string_view memcg, std::string_view container_id);

/// The first kill that the container's own memory limit made (constraint CONSTRAINT_MEMCG, oom_memcg
/// and task_memcg both the container's), if any.
std::optional<KernelOomKill> oom_kill_by_limit_of(const std::vector<KernelOomKill>& kills,
                                                  std::string_view container_id);

}  // namespace sh
