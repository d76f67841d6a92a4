#pragma once
/// Host noise, told apart from a workload that broke. A shared CI host runs other jobs beside the
/// night's suite: a benign workload that times out while the host is overloaded says more about
/// the host than about the sandbox. Such a case is run once more; if it then passes, it is
/// reported as flaky with the load figures of both attempts, not as a pass and not as a silent
/// failure. Pure logic: the load itself is sampled by io/load_watch.h.
///
/// Overloaded: the mean number of runnable tasks while the case ran (procs_running of /proc/stat:
/// tasks on a CPU or waiting for one, the harness's own included), less the case's own (the
/// runnable tasks of its cgroup parent in the same samples, io/load_watch.h), was at least
/// `per_core` times the host's online CPUs. The default, 2, means every task got at most half a
/// CPU on average; a run with --jobs equal to the cores stays near 1 per core. `run
/// --overloaded-at X` changes it; 0 turns the re-run off. The case's own tasks never count: a
/// workload that starts tens of threads overloads the host by itself, and a second run it could
/// tell from the first (the host-wide /proc/pressure/cpu is readable inside) would be won from
/// inside. When the case's own tasks could not be counted (no cgroup root: a remote engine), no
/// load is known to be someone else's, and there is no re-run. Only workloads (the catalogue's
/// benign cases, never a probe) are run again, only after the launcher's timeout with no outside
/// evidence against them, and a pass the second time is flaky, never pass.

#include <optional>
#include <string>

#include "core/launch_result.h"
#include "core/observation.h"
#include "core/plan.h"
#include "core/record.h"

namespace sh {

inline constexpr double kDefaultOverloadedAt = 2.0;

/// True when the load of others (the case's own tasks taken off) reached `per_core` runnable tasks
/// per online CPU; never when per_core <= 0 or the case's own tasks were not counted.
bool overloaded(const HostLoadDuring&, double per_core);

/// "runnable tasks mean 17.9 (the case's own 9.0, others 8.9), max 21 on 2 CPUs (others 4.5 per CPU)".
std::string describe(const HostLoadDuring&);

/// The record is a workload that failed because the launcher's timeout stopped it, while the host
/// was overloaded: it earns one more run.
bool deserves_rerun(const Record&, double per_core);

/// The item for the second run: its own container name (sh-<run id>-<n>r, so that a dead run's
/// sweep still reads the run id from it) and cgroup parent; everything else the same.
PlanItem rerun_item(const PlanItem&);

/// The record of the second run, `again`, with the first run kept in it: flaky when it passed,
/// otherwise its own verdict, the first attempt named in the reasons either way.
Record settle_rerun(const Record& first, Record again);

}  // namespace sh
