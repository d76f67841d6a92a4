// Micro-benchmarks of the statistics used on every report: they must stay negligible next to a
// launch (~0.25 s). Run: harness_bench --benchmark_filter=BM_Summarize --benchmark_min_time=0.2
// (Debian's libbenchmark: min_time is a plain number of seconds).
#include "core/stats.h"

#include <random>

#include <benchmark/benchmark.h>

namespace {

std::vector<double> latencies(std::size_t n, double shift, unsigned seed) {
    std::mt19937 rng(seed);
    std::lognormal_distribution<double> dist(5.4, 0.15);  // ~220 ms, a launch-like spread
    std::vector<double> v(n);
    for (auto& x : v) x = dist(rng) + shift;
    return v;
}

void BM_Summarize(benchmark::State& state) {
    const auto v = latencies(static_cast<std::size_t>(state.range(0)), 0, 1);
    for (auto _ : state) benchmark::DoNotOptimize(sh::summarize(v));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Summarize)->Arg(20)->Arg(1000)->Arg(100000);

void BM_MannWhitneyNormal(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto a = latencies(n, 0, 1), b = latencies(n, 5, 2);
    for (auto _ : state) benchmark::DoNotOptimize(sh::mann_whitney(a, b));
}
BENCHMARK(BM_MannWhitneyNormal)->Arg(30)->Arg(1000)->Arg(100000);

void BM_MannWhitneyExact(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto a = latencies(n, 0, 1), b = latencies(n, 5, 2);
    for (auto _ : state) benchmark::DoNotOptimize(sh::mann_whitney(a, b));
}
BENCHMARK(BM_MannWhitneyExact)->Arg(5)->Arg(20);

}  // namespace

// The CMake target links benchmark::benchmark (no main), so harness_bench's one main lives here.
// Another *_bench.cpp must not define its own.
BENCHMARK_MAIN();
