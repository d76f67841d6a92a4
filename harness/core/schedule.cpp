#include "core/schedule.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/verdict.h"

namespace sh {

namespace {

std::string history_key(const std::string& case_id, const std::string& image) { return case_id + "[" + image + "]"; }

constexpr double kDefaultTimeoutS = 10;  ///< a header without `timeout` (attacks/README.md)

}  // namespace

CostHistory::CostHistory(const std::vector<Record>& records) {
    for (const Record& r : records) {
        if (r.judgement.verdict == Verdict::Skipped || !r.launch.started) continue;
        PastCase p;
        p.wall_s = r.launch.wall_ms / 1000;
        p.ast_rejected = rejected_by_ast_check(r.judgement, r.launch, r.observation);
        cases_[history_key(r.case_id, r.image)] = p;  // a later repetition wins
    }
}

const PastCase* CostHistory::find(const std::string& case_id, const std::string& image) const {
    auto it = cases_.find(history_key(case_id, image));
    return it == cases_.end() ? nullptr : &it->second;
}

CaseCost expected_cost(const PlanItem& item, const CostHistory& history, bool ast_check_on) {
    if (item.skip) return {0, 0, false};
    const CaseSpec& spec = *item.spec;
    const PastCase* past = history.find(spec.id, item.image);
    const bool probe = spec.kind == CaseKind::Probe;
    const bool rejected = past ? past->ast_rejected : ast_check_on && probe && spec.has_control("ast");
    if (rejected) return {past ? past->wall_s : kLaunchWallS, 0, true};
    if (probe && spec.expect == Expect::Timeout) return {past ? past->wall_s : spec.timeout_s + kLaunchWallS, 1, true};
    // A longer timeout than the default says the author expects a longer run.
    const double guess = kLaunchWallS * std::max(1.0, spec.timeout_s / kDefaultTimeoutS);
    if (probe) return {past ? past->wall_s : guess, kProbeCores, false};
    return {past ? past->wall_s : guess, 1, false, true};
}

std::vector<CaseCost> expected_costs(const std::vector<PlanItem>& items, const CostHistory& history,
                                     const Profile& profile) {
    const bool ast_check_on = profile.get("SANDBOX_AST_CHECK", "1") != "0";
    std::vector<CaseCost> out;
    out.reserve(items.size());
    for (const PlanItem& i : items) out.push_back(expected_cost(i, history, ast_check_on));
    return out;
}

Admission::Admission(std::vector<CaseCost> costs, int jobs)
    : costs_(std::move(costs)),
      budget_(std::max(1, jobs)),
      max_waiting_(static_cast<std::size_t>(std::max(1, jobs)) * kWaitingPerCore),
      order_(costs_.size()),
      started_flags_(costs_.size(), false),
      unmeasured_waiting_(static_cast<std::size_t>(
          std::count_if(costs_.begin(), costs_.end(), [](const CaseCost& c) { return !c.measured; }))) {
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    std::stable_sort(order_.begin(), order_.end(),
                     [&](std::size_t a, std::size_t b) {
                         if (costs_[a].measured != costs_[b].measured) return costs_[b].measured;
                         return costs_[a].wall_s > costs_[b].wall_s;
                     });
}

double Admission::load(double now_s) const {
    double load = cores_running_;
    for (const auto& [i, until] : launching_)
        if (until > now_s) load += costs_[i].cores;
    return load;
}

bool Admission::fits_budget(std::size_t i, double now_s) const {
    const CaseCost& c = costs_[i];
    if (c.cores <= 0) return true;
    const double taken = load(now_s);
    // A little slack, so that four quarters make one core despite rounding.
    return taken <= 0 || taken + c.cores <= budget_ + 1e-9;
}

std::optional<std::size_t> Admission::start_next(double now_s) {
    // Only the first not-started case that takes a share, and the first waiting one that takes
    // none, are candidates: a case does not overtake one of its kind that the budget holds back,
    // so that a timeout probe waiting for a whole core is not starved by probes taking halves.
    bool share_seen = false, waiting_seen = false;
    for (std::size_t i : order_) {
        if (started_flags_[i]) continue;
        const CaseCost& c = costs_[i];
        if (c.measured && (unmeasured_running_ > 0 || unmeasured_waiting_ > 0)) continue;
        if (c.waits && waiting_running_ >= max_waiting_) continue;
        if (c.cores > 0) {
            if (share_seen) continue;
            if (!fits_budget(i, now_s)) {
                share_seen = true;
                continue;
            }
        } else if (c.waits) {
            if (waiting_seen) continue;
            waiting_seen = true;
        }
        started_flags_[i] = true;
        ++started_;
        if (!c.measured) {
            ++unmeasured_running_;
            --unmeasured_waiting_;
        }
        if (c.waits) {
            ++waiting_running_;
            if (c.cores > 0) launching_[i] = now_s + kLaunchWallS;
        } else if (c.cores > 0) {
            cores_running_ += c.cores;
            ++computing_running_;
        }
        return i;
    }
    return std::nullopt;
}

void Admission::finish(std::size_t i) {
    const CaseCost& c = costs_[i];
    if (!c.measured) --unmeasured_running_;
    if (c.waits) {
        --waiting_running_;
        launching_.erase(i);
    } else if (c.cores > 0) {
        cores_running_ = --computing_running_ == 0 ? 0 : cores_running_ - c.cores;
    }
}

std::size_t Admission::max_in_flight() const {
    std::size_t waiting = 0, computing = 0;
    double smallest = budget_;
    for (const CaseCost& c : costs_) {
        if (c.waits) {
            ++waiting;
        } else if (c.cores > 0) {
            ++computing;
            smallest = std::min(smallest, c.cores);
        }
    }
    // Cases that cost nothing (skipped) need no worker of their own: they start on any free one.
    const auto computing_cap = std::max<std::size_t>(1, static_cast<std::size_t>(std::floor(budget_ / smallest + 1e-9)));
    return std::max<std::size_t>(1, std::min(waiting, max_waiting_) + std::min(computing, computing_cap));
}

}  // namespace sh
