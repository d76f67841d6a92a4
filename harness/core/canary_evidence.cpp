#include "core/canary_evidence.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/escape.h"
#include "util/text.h"

namespace sh {

std::size_t CanaryLedger::open(std::string label, std::string container_name, std::uint64_t hits_so_far) {
    std::lock_guard lock(mu_);
    windows_.push_back({std::move(label), std::move(container_name), std::nullopt, hits_so_far, std::nullopt});
    return windows_.size() - 1;
}

void CanaryLedger::close(std::size_t handle, std::uint64_t hits_so_far, std::optional<std::string> container_id) {
    std::lock_guard lock(mu_);
    CanaryWindow& w = windows_.at(handle);
    w.last = std::max(hits_so_far, w.first);
    w.container_id = std::move(container_id);
}

std::vector<CanaryWindow> CanaryLedger::windows() const {
    std::lock_guard lock(mu_);
    return windows_;
}

bool owned_by(const std::string& owner_cgroup, const CanaryWindow& w) {
    // Lines look like "12:pids:/sandbox-harness/sh-…-3/0f1e…" (v1) or "0::/system.slice/docker-0f1e….scope" (v2).
    for (std::string_view line : split_lines(owner_cgroup)) {
        const auto colon = line.find(":/");
        if (colon == std::string_view::npos) continue;
        for (std::string_view component : split(line.substr(colon + 2), '/')) {
            if (component.starts_with("docker-") && component.ends_with(".scope"))
                component = component.substr(7, component.size() - 13);
            if (component.empty()) continue;
            if (w.container_id && component == *w.container_id) return true;
            if (!w.container_name.empty() && component == w.container_name) return true;
        }
    }
    return false;
}

namespace {

bool inside(const CanaryWindow& w, std::uint64_t seq) {
    return w.first < seq && (!w.last || seq <= *w.last);
}

}  // namespace

std::string describe_hit(const CanaryHit& h) {
    std::string text = fmt::format("{} from {}, {} byte{}", h.proto, h.peer, h.payload.size(),
                                   h.payload.size() == 1 ? "" : "s");
    if (!h.payload.empty()) text += ": '" + ellipsize(one_line(h.payload), 80) + "'";
    return text;
}

std::vector<std::string> attribute(const std::vector<CanaryHit>& sampled,
                                   const std::vector<CanaryWindow>& windows, std::size_t self) {
    constexpr std::size_t kDescribed = 16;  // a flood is summed up, not listed
    const CanaryWindow& me = windows.at(self);
    std::vector<std::string> out;
    std::uint64_t undescribed = 0;
    auto add = [&](std::string line) {
        if (out.size() < kDescribed) out.push_back(std::move(line));
        else ++undescribed;
    };
    const std::uint64_t in_window = me.last ? *me.last - me.first : 0;
    std::vector<const CanaryHit*> mine;
    for (const CanaryHit& h : sampled)
        if (inside(me, h.seq)) mine.push_back(&h);
    std::sort(mine.begin(), mine.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
    for (const CanaryHit* h : mine) {
        if (h->owner_cgroup) {
            if (owned_by(*h->owner_cgroup, me)) {
                add(describe_hit(*h) + " (sent by this case's container: the sending socket's owner)");
                continue;
            }
            const bool someone_else = std::any_of(windows.begin(), windows.end(), [&](const CanaryWindow& w) {
                return &w != &me && owned_by(*h->owner_cgroup, w);
            });
            if (someone_else) continue;  // another case's container sent it: it counts against that case
        }
        std::vector<std::string> candidates;
        for (const CanaryWindow& w : windows)
            if (inside(w, h->seq)) candidates.push_back(w.label);
        if (candidates.size() <= 1)
            add(describe_hit(*h) + " (arrived while this case alone was running)");
        else
            add(describe_hit(*h) + fmt::format(" (not tied to one case: it arrived while {} were running; "
                                                         "it counts against each)", join(candidates, ", ")));
    }
    if (undescribed > 0)
        out.push_back(fmt::format("{} more hit{} like the above count against this case (kept by the canary, not "
                                  "listed here)", undescribed, undescribed == 1 ? "" : "s"));
    if (const std::uint64_t unkept = in_window - std::min<std::uint64_t>(in_window, mine.size()); unkept > 0)
        out.push_back(fmt::format("{} more hit{} arrived while this case was running (counted, not kept: the canary "
                                  "keeps a bounded sample); they count against it",
                                  unkept, unkept == 1 ? "" : "s"));
    return out;
}

std::vector<std::string> unexplained_hits(const std::vector<CanaryHit>& sampled,
                                          const std::vector<CanaryWindow>& windows, std::uint64_t total) {
    auto covered = [&](std::uint64_t seq) {
        return std::any_of(windows.begin(), windows.end(), [&](const CanaryWindow& w) { return inside(w, seq); });
    };
    std::vector<std::string> out;
    std::uint64_t uncovered = 0, described = 0;
    for (std::uint64_t seq = 1; seq <= total; ++seq)
        if (!covered(seq)) ++uncovered;
    for (const CanaryHit& h : sampled) {
        if (h.seq < 1 || h.seq > total || covered(h.seq)) continue;
        ++described;
        out.push_back(describe_hit(h) + " (arrived while no case was running)");
    }
    if (uncovered > described)
        out.push_back(fmt::format("{} more hit{} arrived while no case was running (counted, not kept)",
                                  uncovered - described, uncovered - described == 1 ? "" : "s"));
    return out;
}

Record unexplained_hits_record(const std::string& run_id, std::vector<std::string> hits) {
    Record r;
    r.case_id = kRunCanaryCaseId;
    r.kind = CaseKind::Probe;
    r.family = "network";
    r.controls = {"network", "isolation"};
    r.image = "host";
    r.container_name = "sh-" + run_id;
    r.summary = "The run itself: canary hits that arrived while no case was running.";
    r.observation.canary_hits = std::move(hits);
    r.judgement.verdict = Verdict::Error;
    r.judgement.reasons = {
        "canary hits arrived while no case of this run was running: something reached the host that no case "
        "can be blamed or cleared for (a leftover process of a case, or another program)"};
    return r;
}

}  // namespace sh
