#include "core/host_pressure.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/verdict.h"

namespace sh {

namespace {
double others_mean(const HostLoadDuring& load) { return std::max(0.0, load.runnable_mean - load.own_runnable_mean); }
}  // namespace

bool overloaded(const HostLoadDuring& load, double per_core) {
    return per_core > 0 && load.cores > 0 && load.samples > 0 && load.own_counted &&
           others_mean(load) >= per_core * load.cores;
}

std::string describe(const HostLoadDuring& load) {
    if (load.samples == 0 || load.cores <= 0) return "host load not sampled";
    if (!load.own_counted)
        return fmt::format("runnable tasks mean {:.1f}, max {} on {} CPUs ({:.1f} per CPU; the case's own not counted)",
                           load.runnable_mean, load.runnable_max, load.cores, load.runnable_mean / load.cores);
    return fmt::format("runnable tasks mean {:.1f} (the case's own {:.1f}, others {:.1f}), max {} on {} CPUs (others "
                       "{:.1f} per CPU)",
                       load.runnable_mean, load.own_runnable_mean, others_mean(load), load.runnable_max, load.cores,
                       others_mean(load) / load.cores);
}

bool deserves_rerun(const Record& r, double per_core) {
    const Observation& obs = r.observation;
    return r.kind == CaseKind::Workload && r.judgement.verdict == Verdict::Fail && obs.canary_hits.empty() &&
           obs.host_file_changes.empty() && classify_launch(r.launch, obs) == LauncherOutcome::Timeout &&
           obs.host_load && overloaded(*obs.host_load, per_core);
}

PlanItem rerun_item(const PlanItem& item) {
    PlanItem again = item;
    again.container_name = item.container_name + "r";
    if (auto it = again.env.find("SANDBOX_NAME"); it != again.env.end()) it->second = again.container_name;
    if (auto it = again.env.find("SANDBOX_CGROUP_PARENT"); it != again.env.end()) it->second += "r";
    return again;
}

Record settle_rerun(const Record& first, Record again) {
    const std::string first_load = first.observation.host_load ? describe(*first.observation.host_load) : "";
    const std::string again_load =
        again.observation.host_load ? describe(*again.observation.host_load) : std::string("host load not sampled");
    const std::string first_reason = first.judgement.reasons.empty() ? "timed out" : first.judgement.reasons.front();
    if (again.judgement.verdict == Verdict::Pass) {
        again.judgement.verdict = Verdict::Flaky;
        again.judgement.reasons.insert(
            again.judgement.reasons.begin(),
            fmt::format("flaky: the first run {} while the host was overloaded ({}); run again, it passed ({})",
                        first_reason, first_load, again_load));
    } else {
        again.judgement.reasons.insert(
            again.judgement.reasons.begin(),
            fmt::format("run twice: the first run {} while the host was overloaded ({}); the second ended {} ({})",
                        first_reason, first_load, to_string(again.judgement.verdict), again_load));
    }
    again.first_attempt = FirstAttempt{.verdict = first.judgement.verdict,
                                       .reasons = first.judgement.reasons,
                                       .wall_ms = first.launch.wall_ms,
                                       .host_load = first.observation.host_load};
    return again;
}

}  // namespace sh
