// Launch latency as Google Benchmark repetitions: one launch of a script through the launcher per
// iteration, timed by wall clock (manual time), so `compare.py` from libbenchmark-tools can compare
// two runs' JSON (--benchmark_out=FILE --benchmark_out_format=json). Needs the Docker engine and
// the images; without them each benchmark reports an error instead of a time.

#include <filesystem>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include "run/bench.h"
#include "io/docker_client.h"
#include "core/profile.h"

namespace {

namespace fs = std::filesystem;

void launch_benchmark(benchmark::State& state, const std::string& script, const std::string& image) {
    const fs::path root = SH_SOURCE_DIR;
    const fs::path tmp = fs::temp_directory_path() / ("sandbox-harness-gbench-" + std::to_string(getpid()));
    try {
        sh::DockerClient docker;
        docker.version();
        const auto scripts = sh::write_bench_scripts(tmp);
        sh::BenchSession session(docker, root / "sandbox/run_secure_python.sh",
                                 sh::load_profile(root / "sandbox/profiles/default.env"));
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
    fs::remove_all(tmp);
}

void BM_LaunchHello(benchmark::State& s) { launch_benchmark(s, "hello", "secure-python:latest"); }
void BM_LaunchNumpyImport(benchmark::State& s) { launch_benchmark(s, "numpy-import", "secure-python-science:latest"); }
void BM_LaunchPandasImport(benchmark::State& s) { launch_benchmark(s, "pandas-import", "secure-python-science:latest"); }

BENCHMARK(BM_LaunchHello)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LaunchNumpyImport)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LaunchPandasImport)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
