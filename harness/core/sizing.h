#pragma once
/// How many hosts like the measured one serve a target rate of scripts at a p95 target: each host
/// an M/G/c queue whose c servers are the launches it keeps in flight and whose service time is the
/// latency distribution measured at that concurrency (not a constant). The wait is Erlang C's with
/// the Allen–Cunneen correction for a service time that is not exponential; the response time's
/// percentiles come from the wait convolved with the measured samples. Pure: no I/O.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sh {

/// The latencies measured with `concurrency` launches kept in flight (a closed loop).
struct ServiceLevel {
    int concurrency = 1;
    std::vector<double> latency_ms;
};

/// What runs out on a host, besides time: the figures of the measured host and profile.
struct HostLimits {
    int cores = 0;
    double cpu_s_per_launch = 0;               ///< whole host; 0: unknown
    std::optional<double> memory_bytes;        ///< MemTotal
    std::optional<double> memory_per_sandbox;  ///< SANDBOX_MEMORY
    std::optional<double> pid_max;
    std::optional<double> pids_per_sandbox;    ///< SANDBOX_PIDS_LIMIT
};

struct SizingTarget {
    double rate_per_s = 0;  ///< scripts per second over all hosts
    double p95_ms = 0;
};

struct SizingAnswer {
    bool possible = false;
    std::string why_not;       ///< when not possible
    int hosts = 0;
    int concurrency = 0;       ///< launches in flight per host
    double rate_per_host = 0;  ///< at the answer: target rate ÷ hosts
    double max_rate_per_host = 0;  ///< the most one host takes within the p95 target at that concurrency
    double p50_ms = 0, p95_ms = 0; ///< expected at rate_per_host
    double wait_probability = 0;   ///< Erlang C: a script waits for a free slot
    /// Fraction of each resource a host uses at rate_per_host: "engine CPU", "memory", "pids".
    std::vector<std::pair<std::string, double>> resources;
    std::string first_to_run_out;
    std::vector<std::string> assumptions;
};

/// The q-quantile (0..1) of response time (ms) for `rate_per_s` arrivals on `level.concurrency`
/// servers. nullopt when the load is at or above what they serve.
std::optional<double> response_quantile_ms(const ServiceLevel& level, double rate_per_s, double q);

/// Over the measured levels, the concurrency that needs the fewest hosts (ties: the lower p95).
/// Not possible (why_not says why) when the target p95 is below what one launch alone takes, or
/// no level was measured. Throws std::invalid_argument for a rate or p95 that is not positive.
SizingAnswer size_hosts(const std::vector<ServiceLevel>&, const SizingTarget&, const HostLimits&);

/// What sizing needs from a capacity report's meta.extra and meta.profile: the latency samples
/// of each concurrency level (capacity_concurrency.samples_ms), and the host's limits
/// (capacity_host, capacity_model.cpu_s_per_launch, SANDBOX_MEMORY, SANDBOX_PIDS_LIMIT). Throws
/// std::invalid_argument naming what is missing for a report of another kind.
std::vector<ServiceLevel> service_levels(const nlohmann::json& extra);
HostLimits host_limits(const nlohmann::json& extra, const std::map<std::string, std::string>& profile);

/// The sentence that answers, for the report's headline: "3 hosts like this one serve 12
/// scripts/s with p95 ≤ 800 ms: concurrency 3 per host, expected p95 640 ms; engine CPU runs out
/// first (71%)", or "cannot: ...".
std::string sizing_sentence(const SizingAnswer&, const SizingTarget&);

/// The `capacity_sizing` section of meta.extra: the answer's figures, the resources, the
/// assumptions and the sentence as its note.
nlohmann::json sizing_section(const SizingAnswer&, const SizingTarget&);

}  // namespace sh
