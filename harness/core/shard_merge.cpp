#include "core/shard_merge.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "core/plan.h"
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
    std::vector<std::string> names;
    for (auto& [label, part] : shards) {
        merged.meta.wall_s = std::max(merged.meta.wall_s, part.meta.wall_s);
        merged.meta.interrupted = merged.meta.interrupted || part.meta.interrupted;
        merged.meta.finished_at = std::max(merged.meta.finished_at, part.meta.finished_at);
        names.push_back(part.meta.shard.empty() ? label : part.meta.shard);
        for (auto& r : part.records) merged.records.push_back(std::move(r));
    }
    merged.meta.shard = "merged " + join(names, ", ");
    return merged;
}

}  // namespace sh
