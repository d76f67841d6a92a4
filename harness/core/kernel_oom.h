#pragma once
/// The kernel's own account of an OOM kill, as a second witness beside the engine's "oom" event,
/// and the only one that says *which* process died. The engine loses its event when the
/// container's cgroup is gone before the shim has read the OOM notification (a one-process script
/// killed by its memory limit exits at once); and the event, like State.OOMKilled, only says that
/// some process of the container was killed: a script can fork a child for the limit to kill and
/// then do what it likes. The kernel writes two records for a memory-cgroup OOM kill:
///
///   oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=<id>,mems_allowed=0,
///            oom_memcg=/docker/<id>,task_memcg=/docker/<id>,task=python3,pid=30357,uid=65534
///   Memory cgroup out of memory: Killed process 30357 (python3) total-vm:79328kB, ...
///
/// The first (the summary) is rate-limited host-wide, about 10 per 5 s: past that the kernel
/// drops it and later writes "oom_kill_process: N callbacks suppressed", so one script that gets
/// children killed in a loop can remove another case's summary. The second is written for every
/// kill, but names no cgroup, only the pid, so it counts only for a pid the harness knows to be
/// the script's, and only after the case began.
///
/// A script in the sandbox cannot write such records (no /dev/kmsg, no CAP_SYSLOG), and the only
/// text of its own they can carry is a 15-byte task name, too short for a container id.
///
/// The script's own process, as the host sees it (ScriptProcess): under runc the container's
/// init is the deadline keeper (`timeout`), and its first child the interpreter running the script,
/// forked before anything of the script ran; a kill of the init ends every process of the
/// container too. Under runsc (gVisor) every host process of the container is the runtime's (the
/// sandbox process, the Sentry, the ptrace platform's stub processes that hold each guest address
/// space, the gofer), which guest process a stub carries cannot be read from outside, and the
/// Sentry does not outlive the loss of one: a kill of any of them ends every guest process (seen
/// here: a guest child's stub killed by the limit took its parent down before it could print, exit
/// 137). So under runsc any kill by the container's own limit is the script's.
/// Pure logic: io/kernel_log.h reads the records, io/event_monitor.h the pids.

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

/// "Memory cgroup out of memory: Killed process 30357 (python3) ..." → 30357; nullopt for any
/// other message (a kill by the host's own memory shortage names no cgroup and is not one).
std::optional<long> parse_memcg_killed_pid(std::string_view message);

/// "oom_kill_process: 3 callbacks suppressed" → 3: summaries the kernel's rate limit dropped.
std::optional<long> parse_oom_suppressed(std::string_view message);

/// True for a runtime (HostConfig.Runtime) whose host processes all carry the script, so that a
/// kill of any of them ends it: runsc.
bool runtime_dies_whole(std::string_view runtime);

/// The script's own process as the host sees it, read from outside when the container started.
struct ScriptProcess {
    std::optional<long> init_pid;    ///< the container's init (State.Pid)
    std::optional<long> script_pid;  ///< runc: the init's first child, the interpreter
    bool dies_whole = false;         ///< runtime_dies_whole(): any kill by the limit is the script's
};

/// True when `killed` (host pids the kernel's records show OOM-killed in the container by its own
/// limit) holds the script's own process or the container's init, or any pid when the runtime
/// dies whole: the memory limit stopped the script itself, not a child it sacrificed. False
/// when nothing known of the script was killed.
bool oom_killed_script(const std::vector<long>& killed, const ScriptProcess&);

/// The container's own memory limit made the kill: constraint CONSTRAINT_MEMCG, oom_memcg and
/// task_memcg both the container's.
bool made_by_limit_of(const KernelOomKill&, std::string_view container_id);

/// The first kill that the container's own memory limit made (constraint CONSTRAINT_MEMCG, oom_memcg
/// and task_memcg both the container's), if any.
std::optional<KernelOomKill> oom_kill_by_limit_of(const std::vector<KernelOomKill>& kills,
                                                  std::string_view container_id);

}  // namespace sh
