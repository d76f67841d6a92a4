#pragma once
/// Latency comparison between two runs (last night and tonight, current and proposed profile):
/// per key (a case id, a benchmark name), summaries of both sides, the p50 ratio and a
/// Mann-Whitney U test. Pure: no I/O.
///
/// A key is a regression only when both hold:
///   - new is significantly slower: one-sided p_greater < alpha (H1: new stochastically greater), and
///   - the slowdown matters: new p50 / old p50 > threshold_ratio.
/// The first guards against noise, the second against significant but negligible shifts (with
/// hundreds of samples a 1% change is "significant"). A key with fewer than min_samples on either
/// side is reported as "not enough samples" and is never a regression.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/stats.h"

namespace sh {

struct CompareOptions {
    double alpha = 0.05;
    double threshold_ratio = 1.10;  ///< 1.10: new p50 more than 10% above old p50
    std::size_t min_samples = 5;    ///< per side
};

enum class PerfStatus {
    Regression,        ///< significantly slower and p50 ratio above the threshold
    Improvement,       ///< significantly faster and p50 ratio below 1 / threshold
    Unchanged,         ///< neither (including significant shifts smaller than the threshold)
    NotEnoughSamples,  ///< fewer than min_samples on a side: not tested
    OnlyOld,           ///< the key vanished
    OnlyNew,           ///< the key is new
};

const char* to_string(PerfStatus);

struct PerfDelta {
    std::string key;
    Summary old_s, new_s;
    double ratio_p50 = 0;      ///< new p50 / old p50; NaN when either is missing or old p50 is 0
    MannWhitney test;          ///< default (all p = 1) when not tested
    bool tested = false;       ///< the test ran (enough samples on both sides)
    bool significant = false;  ///< new significantly slower: test.p_greater < alpha
    bool regression = false;   ///< significant && ratio_p50 > threshold_ratio
    PerfStatus status = PerfStatus::NotEnoughSamples;
};

/// One PerfDelta per key present on either side, in key order.
std::vector<PerfDelta> compare_perf(const std::map<std::string, std::vector<double>>& old_samples,
                                    const std::map<std::string, std::vector<double>>& new_samples,
                                    const CompareOptions& opts = {});

bool any_regression(const std::vector<PerfDelta>&);

void to_json(nlohmann::json&, const CompareOptions&);
void from_json(const nlohmann::json&, CompareOptions&);
void to_json(nlohmann::json&, const PerfDelta&);
void from_json(const nlohmann::json&, PerfDelta&);

}  // namespace sh
