#include "core/shard_merge.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "core/plan.h"
#include "core/run_figures.h"
#include "util/text.h"

namespace sh {

MergeError::MergeError(std::vector<std::string> problems)
    : Error("cannot merge these shards:\n" + join(problems, "\n")), problems_(std::move(problems)) {}

namespace {

std::string recipe_of(const RunMeta& m, const std::string& image) {
    for (const auto& i : m.images)
        if (i.name == image) {
            auto it = i.labels.find("sandbox-harness.recipe-hash");
            return it == i.labels.end() ? "(none)" : it->second;
        }
    return "(not run)";
}

/// "3 planned cases have no record: a [base] #0, b [base] #0, c [base] #0" (at most 10 named).
std::string listed(const char* one, const char* many, const std::vector<std::string>& keys) {
    const std::size_t n = keys.size();
    constexpr std::size_t kShown = 10;
    std::vector<std::string> shown(keys.begin(), keys.begin() + static_cast<long>(std::min(keys.size(), kShown)));
    std::string text = fmt::format("{} {}: {}", n, n == 1 ? one : many, join(shown, ", "));
    if (keys.size() > kShown) text += fmt::format(" and {} more", keys.size() - kShown);
    return text;
}

/// A shard's records against the cases it planned: each planned case exactly one record, and no
/// record of a case it did not plan (the run's own canary record aside).
void check_against_plan(const std::string& label, const RunReport& r, std::vector<std::string>& problems) {
    if (r.meta.interrupted)
        problems.push_back(fmt::format("{}: the run was interrupted (meta.interrupted), so its records are only "
                                       "the cases judged before it stopped; run the shard again",
                                       label));
    if (!r.meta.planned) {
        problems.push_back(fmt::format("{}: its report.json does not list the cases planned for it (meta.planned: "
                                       "written by an older sandbox-harness), so its records cannot be checked "
                                       "against its plan; run the shard again with this version",
                                       label));
        return;
    }
    std::map<std::string, int> planned;
    for (const auto& key : *r.meta.planned) ++planned[key];
    std::map<std::string, int> recorded;
    for (const auto& rec : r.records)
        if (rec.case_id != kRunCanaryCaseId) ++recorded[case_key(rec.case_id, rec.image, rec.repetition)];
    std::vector<std::string> missing, unplanned, twice_planned, twice_recorded;
    for (const auto& [key, n] : planned) {
        if (n > 1) twice_planned.push_back(key);
        if (!recorded.count(key)) missing.push_back(key);
    }
    for (const auto& [key, n] : recorded) {
        if (n > 1) twice_recorded.push_back(key);
        if (!planned.count(key)) unplanned.push_back(key);
    }
    auto name = [&](const std::vector<std::string>& keys, const char* one, const char* many) {
        if (!keys.empty()) problems.push_back(fmt::format("{}: {}", label, listed(one, many, keys)));
    };
    name(missing, "planned case has no record", "planned cases have no record");
    name(unplanned, "record is of a case not planned for it", "records are of cases not planned for it");
    name(twice_recorded, "case has more than one record", "cases have more than one record");
    name(twice_planned, "case is planned more than once", "cases are planned more than once");
}

}  // namespace

RunReport merge_shards(std::vector<std::pair<std::string, RunReport>> shards) {
    std::vector<std::string> problems;
    if (shards.empty()) throw MergeError({"no shard given"});
    const auto& [first_label, first] = shards.front();

    // Same inputs: what each shard ran must be the same run, split.
    auto same = [&](const std::string& what, auto get) {
        for (const auto& [label, r] : shards)
            if (get(r.meta) != get(first.meta))
                problems.push_back(fmt::format("{} differs: {} has '{}', {} has '{}'", what, label, get(r.meta),
                                               first_label, get(first.meta)));
    };
    same("commit", [](const RunMeta& m) { return m.commit; });
    same("catalogue (hash of every script)", [](const RunMeta& m) { return m.catalogue_hash; });
    same("profile", [](const RunMeta& m) { return join_key_values(m.profile); });
    for (const char* image : {"base", "science"})
        same(fmt::format("{} image recipe hash", image), [&](const RunMeta& m) { return recipe_of(m, image); });

    // Complete: every shard finished, and its records are exactly the cases it planned.
    for (const auto& [label, r] : shards) check_against_plan(label, r, problems);

    // Exactly once: shards 1..N of one N, each once, and no case in two shards.
    std::optional<int> total;
    std::map<int, std::string> seen;
    for (const auto& [label, r] : shards) {
        Shard s{1, 1};
        if (!r.meta.shard.empty()) {
            try {
                s = parse_shard(r.meta.shard);
            } catch (const std::exception&) {
                problems.push_back(fmt::format("{}: its shard '{}' is not K/N (a merged report cannot be merged "
                                               "again)", label, r.meta.shard));
                continue;
            }
        }
        if (total && *total != s.count) {
            problems.push_back(fmt::format("{} is shard {}/{}, but others split the run into {}", label, s.index,
                                           s.count, *total));
            continue;
        }
        total = total.value_or(s.count);
        if (auto [it, fresh] = seen.emplace(s.index, label); !fresh)
            problems.push_back(fmt::format("shard {}/{} given twice: {} and {}", s.index, s.count, it->second, label));
    }
    if (total)
        for (int k = 1; k <= *total; ++k)
            if (!seen.count(k)) problems.push_back(fmt::format("shard {}/{} is missing", k, *total));
    std::map<std::tuple<std::string, std::string, int>, std::string> where;
    for (const auto& [label, r] : shards)
        for (const auto& rec : r.records)
            if (auto [it, fresh] = where.emplace(std::tuple{rec.case_id, rec.image, rec.repetition}, label);
                !fresh && it->second != label)
                problems.push_back(fmt::format("{} [{}] #{} is in {} and in {}", rec.case_id, rec.image,
                                               rec.repetition, it->second, label));
    if (!problems.empty()) throw MergeError(std::move(problems));

    RunReport merged;
    merged.meta = first.meta;
    merged.meta.planned.emplace();  // every shard's, as the merged records are
    std::vector<const RunMeta*> metas;
    for (const auto& [label, part] : shards) metas.push_back(&part.meta);
    merged.meta.run_cost = sum_costs(metas);
    std::vector<std::string> names;
    for (auto& [label, part] : shards) {
        merged.meta.wall_s = std::max(merged.meta.wall_s, part.meta.wall_s);
        merged.meta.started_at = std::min(merged.meta.started_at, part.meta.started_at);
        merged.meta.finished_at = std::max(merged.meta.finished_at, part.meta.finished_at);
        names.push_back(part.meta.shard.empty() ? label : part.meta.shard);
        for (auto& key : *part.meta.planned) merged.meta.planned->push_back(std::move(key));
        for (auto& r : part.records) merged.records.push_back(std::move(r));
    }
    merged.meta.shard = "merged " + join(names, ", ");
    // The figures the records give are the merged records' own, never the first shard's.
    derive_run_figures(merged);
    return merged;
}

}  // namespace sh
