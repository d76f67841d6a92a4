#include "core/perf_compare.h"

#include <limits>
#include <stdexcept>

#include <fmt/core.h>

namespace sh {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::vector<double>* find(const std::map<std::string, std::vector<double>>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? nullptr : &it->second;
}

PerfDelta compare_one(const std::string& key, const std::vector<double>* old_v, const std::vector<double>* new_v,
                      const CompareOptions& opts) {
    PerfDelta d;
    d.key = key;
    d.old_s = summarize(old_v ? *old_v : std::vector<double>{});
    d.new_s = summarize(new_v ? *new_v : std::vector<double>{});
    d.ratio_p50 = (d.old_s.n > 0 && d.new_s.n > 0 && d.old_s.p50 != 0) ? d.new_s.p50 / d.old_s.p50 : kNaN;
    if (!old_v) {
        d.status = PerfStatus::OnlyNew;
        return d;
    }
    if (!new_v) {
        d.status = PerfStatus::OnlyOld;
        return d;
    }
    if (d.old_s.n < opts.min_samples || d.new_s.n < opts.min_samples || d.old_s.n == 0 || d.new_s.n == 0) {
        d.status = PerfStatus::NotEnoughSamples;
        return d;
    }
    d.test = mann_whitney(*old_v, *new_v);
    d.tested = true;
    d.significant = d.test.p_greater < opts.alpha;
    // NaN ratios (old p50 of 0) compare false: never a regression.
    d.regression = d.significant && d.ratio_p50 > opts.threshold_ratio;
    const bool improvement = d.test.p_less < opts.alpha && d.ratio_p50 < 1.0 / opts.threshold_ratio;
    d.status = d.regression ? PerfStatus::Regression : improvement ? PerfStatus::Improvement : PerfStatus::Unchanged;
    return d;
}

}  // namespace

const char* to_string(PerfStatus s) {
    switch (s) {
        case PerfStatus::Regression: return "regression";
        case PerfStatus::Improvement: return "improvement";
        case PerfStatus::Unchanged: return "unchanged";
        case PerfStatus::NotEnoughSamples: return "not enough samples";
        case PerfStatus::OnlyOld: return "only in old";
        case PerfStatus::OnlyNew: return "only in new";
    }
    return "?";
}

static PerfStatus perf_status_from_string(const std::string& s) {
    for (auto st : {PerfStatus::Regression, PerfStatus::Improvement, PerfStatus::Unchanged,
                    PerfStatus::NotEnoughSamples, PerfStatus::OnlyOld, PerfStatus::OnlyNew})
        if (s == to_string(st)) return st;
    throw std::invalid_argument(fmt::format("unknown perf status \"{}\"", s));
}

std::vector<PerfDelta> compare_perf(const std::map<std::string, std::vector<double>>& old_samples,
                                    const std::map<std::string, std::vector<double>>& new_samples,
                                    const CompareOptions& opts) {
    if (!(opts.alpha > 0 && opts.alpha < 1))
        throw std::invalid_argument(fmt::format("compare_perf: alpha = {} is outside (0, 1)", opts.alpha));
    if (!(opts.threshold_ratio >= 1))
        throw std::invalid_argument(fmt::format("compare_perf: threshold ratio = {} is below 1", opts.threshold_ratio));
    std::map<std::string, bool> keys;
    for (const auto& [k, v] : old_samples) keys[k] = true;
    for (const auto& [k, v] : new_samples) keys[k] = true;
    std::vector<PerfDelta> out;
    out.reserve(keys.size());
    for (const auto& [k, unused] : keys) out.push_back(compare_one(k, find(old_samples, k), find(new_samples, k), opts));
    return out;
}

bool any_regression(const std::vector<PerfDelta>& deltas) {
    for (const auto& d : deltas)
        if (d.regression) return true;
    return false;
}

void to_json(nlohmann::json& j, const CompareOptions& o) {
    j = {{"alpha", o.alpha}, {"threshold_ratio", o.threshold_ratio}, {"min_samples", o.min_samples}};
}

void from_json(const nlohmann::json& j, CompareOptions& o) {
    o.alpha = j.at("alpha").get<double>();
    o.threshold_ratio = j.at("threshold_ratio").get<double>();
    o.min_samples = j.at("min_samples").get<std::size_t>();
}

void to_json(nlohmann::json& j, const PerfDelta& d) {
    j = {{"key", d.key},
         {"old", d.old_s},
         {"new", d.new_s},
         {"ratio_p50", json_number(d.ratio_p50)},
         {"tested", d.tested},
         {"significant", d.significant},
         {"regression", d.regression},
         {"status", to_string(d.status)}};
    if (d.tested) j["test"] = d.test;
}

void from_json(const nlohmann::json& j, PerfDelta& d) {
    d.key = j.at("key").get<std::string>();
    d.old_s = j.at("old").get<Summary>();
    d.new_s = j.at("new").get<Summary>();
    d.ratio_p50 = number_from_json(j.at("ratio_p50"));
    d.tested = j.at("tested").get<bool>();
    d.significant = j.at("significant").get<bool>();
    d.regression = j.at("regression").get<bool>();
    d.status = perf_status_from_string(j.at("status").get<std::string>());
    d.test = j.contains("test") ? j.at("test").get<MannWhitney>() : MannWhitney{};
}

}  // namespace sh
