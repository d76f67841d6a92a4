// Launch latency as Google Benchmark repetitions: one launch of a script through the launcher per
// iteration, timed by wall clock (manual time), so `compare.py` from libbenchmark-tools can compare
// two runs' JSON (--benchmark_out=FILE --benchmark_out_format=json). Needs the Docker engine and
// the images; without them each benchmark reports an error instead of a time.

#include <filesystem>

#include <benchmark/benchmark.h>

#include "run/bench.h"
#include "io/docker_client.h"
#include "run/run_setup.h"

namespace {

namespace fs = std::filesystem;

void launch_benchmark(benchmark::State& state, const std::string& script, const std::string& image) {
    try {
        sh::DockerClient docker;
        docker.version();
        const sh::RunSetup setup = sh::prepare_run({SH_SOURCE_DIR}, {}, {});
        const auto scripts = sh::bench_scripts(*setup.catalogue);
        sh::BenchSession session(docker, setup.checkout.launcher(), setup.profile);
        const std::map<std::string, std::string> env = {{"SANDBOX_IMAGE", image}};
        for (auto _ : state) {
            const sh::LaunchSample s = session.launch(scripts.at(script), env);
            if (!s.launch.started || s.launch.exit_code != 0) {
                state.SkipWithError("launch failed");
                break;
            }
            state.SetIterationTime(s.launch.wall_ms / 1000.0);
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void BM_LaunchHello(benchmark::State& s) { launch_benchmark(s, "wl.hello", "secure-python:latest"); }
void BM_LaunchNumpyLinalg(benchmark::State& s) { launch_benchmark(s, "wl.numpy-linalg", "secure-python-science:latest"); }
void BM_LaunchPandasGroupby(benchmark::State& s) { launch_benchmark(s, "wl.pandas-groupby", "secure-python-science:latest"); }

BENCHMARK(BM_LaunchHello)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LaunchNumpyLinalg)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LaunchPandasGroupby)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
