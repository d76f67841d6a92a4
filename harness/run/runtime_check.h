#pragma once
/// Is the profile's container runtime (SANDBOX_RUNTIME) one this host can run? A runtime the engine
/// does not know, or one that fails or hangs at start (crun on a cgroup v1 hybrid host: "cgroups in
/// hybrid mode not supported"; gVisor's KVM platform on a VM: spins and never starts), would make
/// every case an error or a wait for its timeout. Before any case runs, the launcher starts a
/// one-line script with the profile (every flag the cases get, SANDBOX_RUNTIME included) under a
/// deadline; when that fails, every case of the run is skipped with the engine's reason instead.
///
/// The default runtime (runc) is not checked: it is the engine's own, and a run that cannot start
/// containers with it is broken, not skipped (its cases are errors). When the trial fails, it is
/// repeated with runc: if runc fails too, the fault is not the runtime's (a bad profile value, a
/// missing image, an overloaded engine), and nothing is skipped.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/plan.h"
#include "core/profile.h"
#include "core/record.h"

namespace sh {

class ProcessRunner;

struct RuntimeCheckOptions {
    std::filesystem::path launcher;  ///< sandbox/run_secure_python.sh
    Profile profile;                 ///< the effective profile; SANDBOX_RUNTIME names the runtime
    std::string image_ref;           ///< the image to start (the plan's first); empty = the profile's
    std::string run_id;              ///< names the trial's container sh-<run_id>-runtime-check
    /// The trial's SANDBOX_TIMEOUT: the launcher kills and removes the container after it.
    std::chrono::milliseconds timeout{15000};
    /// The harness's own bound on the whole trial: the launcher then gets SIGTERM, and its process
    /// group SIGKILL `grace` later. A runtime that hangs can keep the engine's `docker rm -f` (and
    /// so the launcher) waiting for as long as it hangs; this is what keeps the check short.
    std::chrono::milliseconds deadline{20000};
    std::chrono::milliseconds grace{2000};
};

struct RuntimeCheck {
    std::string runtime;      ///< SANDBOX_RUNTIME
    bool checked = false;     ///< false: the default runtime (not checked), or the run was interrupted
    bool available = true;
    std::string reason;       ///< why not: the engine's and the launcher's own words, on one line
    std::string note;         ///< what the check did, for the report
    double wall_ms = 0;       ///< the trial with the profile's runtime
};

/// Runs the trial (and, when it fails, the same with runc); never throws for the trial's failures.
RuntimeCheck check_runtime(const RuntimeCheckOptions&, ProcessRunner&, const std::atomic<bool>* cancel = nullptr);

/// When `check` says unavailable, marks every item not already skipped as skipped, with the reason.
void skip_unavailable_runtime(std::vector<PlanItem>&, const RuntimeCheck&);

/// The report section (meta.extra["runtime_check"], reports/SCHEMA.md): runtime, available,
/// reason, note. No numbers, so that `compare` sees no figure move from one run to the next.
nlohmann::json runtime_check_section(const RuntimeCheck&);

/// What execute_suite calls once the plan is made: checks the profile's runtime with the plan's
/// first image, skips the plan when the runtime is unavailable (and says so on stderr), and records
/// the check in meta.extra["runtime_check"] when one ran. Returns the plan.
std::vector<PlanItem> skip_if_runtime_unavailable(std::vector<PlanItem> plan, const std::filesystem::path& launcher,
                                                  const Profile&, RunMeta&, ProcessRunner&,
                                                  const std::atomic<bool>& cancel);

}  // namespace sh
