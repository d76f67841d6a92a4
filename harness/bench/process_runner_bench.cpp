// The harness's own cost per case: CPU of the calling thread for one run_process of /bin/true
// (spawn, drain both pipes, wait). Google Benchmark's cpu_time is that figure; the target is well
// under 2 ms per case.

#include <benchmark/benchmark.h>

#include "io/process_runner.h"

namespace {

void BM_RunProcessTrue(benchmark::State& state) {
    sh::ProcessRequest req;
    req.argv = {"/bin/true"};
    for (auto _ : state) {
        const sh::LaunchResult r = sh::run_process(req);
        if (r.exit_code != 0) state.SkipWithError("/bin/true did not exit 0");
    }
}
BENCHMARK(BM_RunProcessTrue)->Unit(benchmark::kMillisecond);

}  // namespace
