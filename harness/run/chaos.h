#pragma once
/// `chaos`: faults injected into real runs of this harness, from outside, the way a shared CI host
/// produces them: someone's `docker kill`, `pause` or `stop` of a case's container, a launcher or
/// the harness itself killed with SIGKILL, a disk that fills up, and (only when allowed) the
/// engine restarted mid-run. Each fault runs `sandbox-harness run` (this binary) as a child on a
/// scratch checkout holding one or two cases of chaos/, injects the fault when the case's container
/// is running, and judges what the run showed (core/chaos.h). Nothing is faked: the engine, the
/// launcher and the containers are the real ones.

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "core/chaos.h"
#include "core/checkout.h"

namespace sh {

class DockerEngine;
class ProcessRunner;

struct ChaosRequest {
    Checkout checkout;              ///< sandbox/ and chaos/
    std::filesystem::path harness;  ///< the sandbox-harness binary the runs use
    std::filesystem::path profile;  ///< empty = sandbox/profiles/default.env
    std::filesystem::path out_dir;  ///< each fault's run reports go to out_dir/<fault>/
    std::vector<std::string> faults;  ///< empty = every fault this request allows
    /// The engine restart stops every container on the host (other jobs' too): only on request.
    bool allow_engine_restart = false;
};

/// Every fault, in the order they run; "engine-restart" last.
const std::vector<std::string>& chaos_faults();

/// Runs the requested faults one after another. Throws Error for an unknown fault name or when no
/// engine answers before the first; a fault that cannot be injected here is Skipped with why.
std::vector<FaultResult> run_chaos(const ChaosRequest&, DockerEngine&, ProcessRunner&, const std::atomic<bool>& cancel);

}  // namespace sh
