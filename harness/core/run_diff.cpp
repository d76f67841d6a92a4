#include "core/run_diff.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/core.h>

#include "core/perf_sections.h"
#include "core/stats.h"

namespace sh {

namespace {

bool any_bad(const VerdictSet& s) { return std::any_of(s.begin(), s.end(), makes_run_fail); }
bool any_good(const VerdictSet& s) { return std::any_of(s.begin(), s.end(), did_what_it_must); }

using CaseKey = std::pair<std::string, std::string>;  // case_id, image

struct CaseRecords {
    std::map<int, std::vector<const Record*>> by_rep;
    VerdictSet verdicts;
    std::vector<double> wall_ms;
    std::string family;
};

std::map<CaseKey, CaseRecords> group(const RunReport& rep) {
    std::map<CaseKey, CaseRecords> out;
    for (const Record& r : rep.records) {
        CaseRecords& c = out[{r.case_id, r.image}];
        c.by_rep[r.repetition].push_back(&r);
        c.verdicts.insert(r.judgement.verdict);
        c.family = r.family;
        if (r.launch.started && r.judgement.verdict != Verdict::Skipped) c.wall_ms.push_back(r.launch.wall_ms);
    }
    return out;
}

VerdictSet verdicts_of(const std::vector<const Record*>& rs) {
    VerdictSet s;
    for (const Record* r : rs) s.insert(r->judgement.verdict);
    return s;
}

/// The first evidence line of the worst record among `rs`.
std::string worst_evidence(const std::vector<const Record*>& rs) {
    const Record* w = nullptr;
    for (const Record* r : rs)
        if (!w || severity_rank(r->judgement.verdict) < severity_rank(w->judgement.verdict)) w = r;
    if (!w) return "";
    const auto ev = evidence(*w);
    return ev.empty() ? "" : ev.front();
}

std::vector<const Record*> all_of(const CaseRecords& c) {
    std::vector<const Record*> v;
    for (const auto& [rep, rs] : c.by_rep) v.insert(v.end(), rs.begin(), rs.end());
    return v;
}

std::set<int> reps_of(const CaseRecords& c) {
    std::set<int> s;
    for (const auto& [rep, rs] : c.by_rep) s.insert(rep);
    return s;
}

int change_rank(const VerdictChange& c) {
    if (is_regression(c)) return 0;
    if (is_new_escape(c)) return 1;
    if (is_fixed(c)) return 3;
    return 2;
}

bool moved(double before, double after, double ratio, double min_delta) {
    if (before == 0) return after != 0 && std::fabs(after) >= min_delta;
    return std::fabs(after / before - 1) >= ratio && std::fabs(after - before) >= min_delta;
}

double movement(double ratio) { return ratio > 0 ? std::fabs(std::log(ratio)) : INFINITY; }

TimeChange compare_times(const CaseKey& key, const std::vector<double>& before, const std::vector<double>& after,
                         const DiffOptions& opts) {
    TimeChange t{key.first, key.second, before.size(), after.size(), median(before), median(after)};
    t.ratio = t.before_ms > 0 ? t.after_ms / t.before_ms : 0;
    t.differs = moved(t.before_ms, t.after_ms, opts.ratio, opts.min_delta_ms);
    // Not testable: the test could not reach alpha whatever the samples, so its p says nothing.
    t.testable = min_p_two_sided(before.size(), after.size()) < opts.time_alpha;
    if (t.testable) t.p = mann_whitney(before, after).p_two_sided;
    t.changed = t.testable && t.p < opts.time_alpha && t.differs;
    return t;
}

}  // namespace

double min_p_two_sided(std::size_t m, std::size_t n) {
    if (m == 0 || n == 0) return 1;
    // C(m + n, m) as a product, in double: exact for the small sizes that matter, and for large
    // ones the p is negligible anyway.
    double c = 1;
    for (std::size_t i = 1; i <= std::min(m, n); ++i)
        c = c * static_cast<double>(std::max(m, n) + i) / static_cast<double>(i);
    return std::min(1.0, 2 / c);
}

std::size_t repetitions_needed(double alpha) {
    if (!(alpha > 0 && alpha < 1))
        throw std::invalid_argument(fmt::format("repetitions_needed: alpha = {} is outside (0, 1)", alpha));
    std::size_t n = 1;
    while (min_p_two_sided(n, n) >= alpha) ++n;
    return n;
}

TimeTally tally_times(const RunDiff& d) {
    TimeTally t;
    t.repetitions_needed = repetitions_needed(d.options.time_alpha);
    std::set<std::pair<std::size_t, std::size_t>> sizes;  // (before, after) of the untestable that differ
    for (const TimeChange& x : d.times) {
        if (x.changed) ++t.changed;
        else if (x.testable) ++t.tested_unchanged;
        else if (!x.differs) ++t.untestable_same;
        else {
            ++t.untestable_differs;
            sizes.insert({x.n_before, x.n_after});
        }
    }
    if (sizes.size() == 1 && sizes.begin()->first == sizes.begin()->second) t.untestable_samples = sizes.begin()->first;
    return t;
}

bool is_regression(const VerdictChange& c) { return any_good(c.before) && !any_bad(c.before) && any_bad(c.after); }

bool is_new_escape(const VerdictChange& c) {
    return c.after.count(Verdict::Escaped) && !c.before.count(Verdict::Escaped);
}

bool is_fixed(const VerdictChange& c) { return any_bad(c.before) && !any_bad(c.after) && any_good(c.after); }

RunDiff diff_runs(const RunReport& before, const RunReport& after, const DiffOptions& opts) {
    if (!(opts.time_alpha > 0 && opts.time_alpha < 1))
        throw std::invalid_argument(fmt::format("diff_runs: time alpha = {} is outside (0, 1)", opts.time_alpha));
    RunDiff d;
    d.options = opts;
    d.before_label = before.meta.run_id;
    d.after_label = after.meta.run_id;
    d.before_profile = profile_label(before);
    d.after_profile = profile_label(after);
    const auto old_cases = group(before), new_cases = group(after);

    for (const auto& [key, oc] : old_cases) {
        const auto it = new_cases.find(key);
        if (it == new_cases.end()) {
            d.removed.push_back({key.first, key.second, oc.family, oc.verdicts});
            continue;
        }
        const CaseRecords& nc = it->second;
        if (reps_of(oc) == reps_of(nc)) {
            for (const auto& [rep, ors] : oc.by_rep) {
                const auto& nrs = nc.by_rep.at(rep);
                VerdictSet b = verdicts_of(ors), a = verdicts_of(nrs);
                if (b == a) {
                    ++d.unchanged;
                    continue;
                }
                d.changes.push_back({key.first, key.second, nc.family, rep, std::move(b), std::move(a),
                                     worst_evidence(nrs)});
            }
        } else if (oc.verdicts != nc.verdicts) {
            d.changes.push_back({key.first, key.second, nc.family, std::nullopt, oc.verdicts, nc.verdicts,
                                 worst_evidence(all_of(nc))});
        } else {
            ++d.unchanged;
        }
        if (!oc.wall_ms.empty() && !nc.wall_ms.empty())
            d.times.push_back(compare_times(key, oc.wall_ms, nc.wall_ms, opts));
    }
    for (const auto& [key, nc] : new_cases)
        if (!old_cases.count(key)) d.added.push_back({key.first, key.second, nc.family, nc.verdicts});

    std::stable_sort(d.changes.begin(), d.changes.end(), [](const VerdictChange& a, const VerdictChange& b) {
        return change_rank(a) < change_rank(b);
    });
    std::stable_sort(d.times.begin(), d.times.end(), [](const TimeChange& a, const TimeChange& b) {
        if (a.changed != b.changed) return a.changed;
        return movement(a.ratio) > movement(b.ratio);
    });

    const auto old_figs = perf_figures(before.meta.extra), new_figs = perf_figures(after.meta.extra);
    for (const auto& [name, ov] : old_figs) {
        const auto it = new_figs.find(name);
        if (it == new_figs.end()) continue;
        FigureChange f{name, ov, it->second, ov != 0 ? it->second / ov : 0};
        f.moved = moved(ov, it->second, opts.ratio, 0);
        d.figures.push_back(f);
    }
    std::stable_sort(d.figures.begin(), d.figures.end(), [](const FigureChange& a, const FigureChange& b) {
        if (a.moved != b.moved) return a.moved;
        return movement(a.ratio) > movement(b.ratio);
    });
    d.latency = compare_perf(latency_series(before.meta.extra), latency_series(after.meta.extra), opts.latency);
    return d;
}

bool has_latency_regression(const RunDiff& d) { return any_regression(d.latency); }

bool latency_moved(const PerfDelta& p, const DiffOptions& opts) {
    if (p.status == PerfStatus::Regression || p.status == PerfStatus::Improvement) return true;
    return p.status == PerfStatus::NotEnoughSamples && std::isfinite(p.ratio_p50) &&
           std::fabs(p.ratio_p50 - 1) >= opts.ratio;
}

bool has_regression(const RunDiff& d) { return std::any_of(d.changes.begin(), d.changes.end(), is_regression); }

std::vector<VerdictChange> new_escapes(const RunDiff& d) {
    std::vector<VerdictChange> v;
    std::copy_if(d.changes.begin(), d.changes.end(), std::back_inserter(v), is_new_escape);
    return v;
}

std::vector<VerdictChange> fixed_cases(const RunDiff& d) {
    std::vector<VerdictChange> v;
    std::copy_if(d.changes.begin(), d.changes.end(), std::back_inserter(v), is_fixed);
    return v;
}

}  // namespace sh
