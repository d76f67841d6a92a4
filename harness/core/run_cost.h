#pragma once
/// What a suite run cost, measured around it (run/suite.cpp), kept in the run's meta so that the
/// run_efficiency section can be derived from it and the records (core/run_figures.h), for one run
/// and for a merge of shards alike.

#include <cstddef>

namespace sh {

/// The inputs of the efficiency ratio (core/capacity_model.h) plus the harness's own CPU. CPU per
/// launch is the engine stack's (dockerd, containerd, shims, runc: see EngineCpuTracker) over the
/// run ÷ containers created, so it includes the cases' own CPU, which their shims reap. `cases`
/// and `launches` are the records' own count when the section is derived.
struct RunCost {
    double wall_s = 0;
    std::size_t cases = 0;
    std::size_t launches = 0;      ///< cases whose container was created
    int cores = 0;
    double engine_cpu_s = 0;
    double host_busy_cpu_s = 0;    ///< every process on the host, from /proc/stat
    double harness_cpu_s = 0;      ///< the harness's own getrusage (all threads) less the sampler's
    double sampler_cpu_s = 0;      ///< the thread that measured engine_cpu_s (EngineCpuWatch)
    double launchers_cpu_s = 0;    ///< the harness's reaped children: launchers, their docker clients and AST checks
    double kernel_threads_cpu_s = 0;  ///< kthreadd's children (writeback, journal, cgroup release): a lower bound
};

}  // namespace sh
