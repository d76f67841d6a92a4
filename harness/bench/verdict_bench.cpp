// Hot paths of judging: parsing one Engine API event line, finding the probe's report line in its
// stdout, and the judge itself.

#include <benchmark/benchmark.h>

#include "core/engine_parse.h"
#include "core/verdict.h"

namespace {

const char* kEvent =
    R"({"status":"die","id":"e8d5","from":"secure-python:latest","Type":"container","Action":"die",)"
    R"("Actor":{"ID":"e8d5","Attributes":{"exitCode":"0","image":"secure-python:latest","name":"sh-x-1",)"
    R"("sandbox-harness.run":"x","sandbox-harness.case":"net.tcp-canary"}},"scope":"local",)"
    R"("time":1795814426,"timeNano":1795814426419585700})";

void BM_ParseEvent(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(sh::parse_event(kEvent));
}
BENCHMARK(BM_ParseEvent);

void BM_JudgeProbe(benchmark::State& state) {
    sh::CaseSpec spec;
    spec.id = "net.tcp-canary";
    spec.family = "network";
    spec.controls = {"network"};
    spec.expect = sh::Expect::Report;
    sh::LaunchResult launch;
    launch.started = true;
    launch.exit_code = 0;
    launch.stdout_text = std::string(4000, 'x') + "\nSANDBOX-PROBE {\"escaped\": false, \"detail\": \"connect: ENETUNREACH\"}\n";
    sh::Observation obs;
    obs.inspected = true;
    obs.container_gone = true;
    obs.exit_code = 0;
    for (auto _ : state) benchmark::DoNotOptimize(sh::judge(spec, launch, obs));
}
BENCHMARK(BM_JudgeProbe);

}  // namespace
