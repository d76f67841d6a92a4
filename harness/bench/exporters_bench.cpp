// Rendering a large run: 10k records through each exporter.

#include <benchmark/benchmark.h>

#include "reports/exporter.h"

namespace {

sh::RunReport big_report(int n) {
    sh::RunReport report;
    report.meta.run_id = "bench";
    for (int i = 0; i < n; ++i) {
        sh::Record r;
        r.case_id = "probe." + std::to_string(i % 100);
        r.family = "network";
        r.image = i % 2 ? "base" : "science";
        r.repetition = i / 200;
        r.launch.started = true;
        r.launch.exit_code = 0;
        r.launch.wall_ms = 250 + i % 50;
        r.launch.stdout_text = "SANDBOX-PROBE {\"escaped\": false, \"detail\": \"<blocked> \\u001b[31m\"}\n";
        r.judgement.verdict = i % 17 ? sh::Verdict::Contained : sh::Verdict::Escaped;
        r.judgement.reasons = {"the probe reports containment"};
        report.records.push_back(std::move(r));
    }
    return report;
}

template <class E>
void BM_Render(benchmark::State& state) {
    const sh::RunReport report = big_report(static_cast<int>(state.range(0)));
    const E exporter;
    for (auto _ : state) benchmark::DoNotOptimize(exporter.render(report));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Render<sh::JsonExporter>)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Render<sh::JUnitExporter>)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Render<sh::MarkdownExporter>)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Render<sh::HtmlExporter>)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
