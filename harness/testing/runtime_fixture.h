#pragma once
/// Test-only: two runs of one small suite under runc and runsc, for the runtime comparison's
/// logic and its renderers: a weakness runsc closes, one both leave open, one the AST check hides
/// under both, an error, and a hostile evidence line.

#include <optional>
#include <string>
#include <vector>

#include "core/runtime_comparison.h"
#include "testing/report_fixture.h"

namespace sh::fixture {

/// A probe record that ran in a container started `startup_ms` after its launcher.
inline Record runtime_probe(const std::string& id, Verdict v, std::optional<int> weakness = std::nullopt,
                            double startup_ms = 400) {
    Record r = make_record(id, "isolation", "base", 0, v, {"because " + std::string(to_string(v)) + " under " + id}, 900);
    r.accepted_risk = weakness;
    r.observation.container_id = "c-" + id;
    r.observation.t_start = r.launch.start_unix_s + startup_ms / 1000;
    return r;
}

/// A probe the launcher's AST check rejected: exit 126, no container.
inline Record ast_rejected_probe(const std::string& id, std::optional<int> weakness = std::nullopt) {
    Record r = make_record(id, "kernel", "base", 0, Verdict::Contained, {"rejected by the AST check"}, 60, 126);
    r.accepted_risk = weakness;
    r.judgement.stopped_by = "ast";
    r.observation.exit_code = std::nullopt;
    return r;
}

inline RunReport runtime_run(const std::string& runtime, std::vector<Record> records, double engine_cpu = 0.3) {
    RunReport r;
    r.meta.run_id = runtime + "-run";
    r.meta.profile_path = "sandbox/profiles/" + runtime + ".env";
    r.meta.profile = {{"SANDBOX_RUNTIME", runtime}};
    r.meta.wall_s = 100;
    r.meta.extra["run_efficiency"] = {{"launches", 4}, {"engine_cpu_s_per_launch", engine_cpu}, {"host_busy_cpu_s", 4.0}};
    r.records = std::move(records);
    return r;
}

inline RuntimeComparison runtime_comparison_fixture() {
    std::vector<Record> runsc = {runtime_probe("info.kernel-version", Verdict::Contained, 1, 700),
                                 runtime_probe("info.host-resources", Verdict::Contained, 1, 720),
                                 runtime_probe("fs.dev-shm-writable", Verdict::AcceptedRisk, 7, 710),
                                 runtime_probe("net.vsock", Verdict::Error, 12, 740),
                                 ast_rejected_probe("kernel.io-uring", 2)};
    runsc[3].judgement.reasons = {"no SANDBOX-PROBE line | <b>exit 2</b>"};
    return compare_runtimes(runtime_run("runc", {runtime_probe("info.kernel-version", Verdict::AcceptedRisk, 1, 300),
                                                 runtime_probe("info.host-resources", Verdict::AcceptedRisk, 1, 310),
                                                 runtime_probe("fs.dev-shm-writable", Verdict::AcceptedRisk, 7, 320),
                                                 runtime_probe("net.vsock", Verdict::AcceptedRisk, 12, 330),
                                                 ast_rejected_probe("kernel.io-uring", 2)},
                                        0.3),
                            runtime_run("runsc", std::move(runsc), 0.5));
}

}  // namespace sh::fixture
