#include "core/flag_drift.h"
#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <set>

#include <fmt/format.h>

namespace sh {

namespace {

using nlohmann::json;

const char* const kAbsent = "(absent)";

std::string list_or_none(const std::set<std::string>& items) {
    return items.empty() ? "(none)" : join(items, ",");
}

std::set<std::string> split_set(const std::string& s) {
    std::set<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto comma = s.find(',', start);
        if (comma == std::string::npos) comma = s.size();
        if (comma > start) out.insert(s.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

/// "cap_net_raw" / "NET_RAW" / "CAP_NET_RAW" → "NET_RAW".
std::string normalize_cap(std::string c) {
    std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return std::toupper(ch); });
    if (c.starts_with("CAP_")) c.erase(0, 4);
    return c;
}

/// The image reference as docker stores it: no tag and no digest means ":latest".
std::string normalize_image(const std::string& ref) {
    const auto slash = ref.rfind('/');
    const auto name = slash == std::string::npos ? ref : ref.substr(slash + 1);
    if (name.find(':') == std::string::npos && ref.find('@') == std::string::npos) return ref + ":latest";
    return ref;
}

class Checker {
public:
    Checker(const Profile& p, const json& j) : p_(p), j_(j) {}

    std::vector<FlagDrift> run() {
        image();
        equal_string("SANDBOX_NETWORK", "HostConfig.NetworkMode", [](std::string v) {
            return v == "default" ? std::string("bridge") : v;
        });
        resolver();
        equal_string("SANDBOX_USER", "Config.User", [](std::string v) { return v == "none" ? "" : v; });
        equal_bool("SANDBOX_READ_ONLY", "HostConfig.ReadonlyRootfs");
        tmpfs();
        caps("SANDBOX_CAP_DROP", "HostConfig.CapDrop");
        caps("SANDBOX_CAP_ADD", "HostConfig.CapAdd");
        security_opt();
        equal_number("SANDBOX_CPUS", "HostConfig.NanoCpus", parse_nano_cpus(p_.effective("SANDBOX_CPUS")));
        memory();
        pids();
        ulimits();
        equal_bool("SANDBOX_PRIVILEGED", "HostConfig.Privileged");
        equal_string("SANDBOX_PID_MODE", "HostConfig.PidMode", [](std::string v) { return v == "private" ? "" : v; });
        // The engine stores the runtime it started the container with, its default when none was asked for.
        equal_string("SANDBOX_RUNTIME", "HostConfig.Runtime", [](std::string v) { return v; });
        if (const std::string parent = p_.effective("SANDBOX_CGROUP_PARENT"); !parent.empty())
            equal_string("SANDBOX_CGROUP_PARENT", "HostConfig.CgroupParent", [](std::string v) { return v; });
        contract();
        return std::move(out_);
    }

private:
    /// The JSON at a dotted path, or nullptr when any step is missing.
    const json* at(std::string_view dotted) const {
        const json* cur = &j_;
        std::size_t start = 0;
        while (start <= dotted.size()) {
            auto dot = dotted.find('.', start);
            if (dot == std::string_view::npos) dot = dotted.size();
            const std::string key(dotted.substr(start, dot - start));
            if (!cur->is_object() || !cur->contains(key)) return nullptr;
            cur = &(*cur)[key];
            start = dot + 1;
        }
        return cur;
    }

    std::string shown(std::string_view dotted) const {
        const json* v = at(dotted);
        if (!v) return kAbsent;
        return v->is_string() ? v->get<std::string>() : v->dump();
    }

    void drift(std::string field, std::string expected, std::string actual) {
        out_.push_back(FlagDrift{std::move(field), std::move(expected), std::move(actual)});
    }

    void not_understood(const char* var, const char* field) {
        drift(field, fmt::format("{}={} (not understood)", var, p_.effective(var)), shown(field));
    }

    std::int64_t number(std::string_view dotted) const {
        const json* v = at(dotted);
        return v && v->is_number() ? v->get<std::int64_t>() : 0;
    }

    template <typename Normalize>
    void equal_string(const char* var, const char* field, Normalize normalize) {
        const std::string want = normalize(p_.effective(var));
        const json* v = at(field);
        const std::string got = v && v->is_string() ? normalize(v->get<std::string>()) : shown(field);
        if (!v || !v->is_string() || got != want) drift(field, want.empty() ? "\"\"" : want, got.empty() ? "\"\"" : got);
    }

    void equal_bool(const char* var, const char* field) {
        const bool want = p_.effective(var) == "1";
        const json* v = at(field);
        if (!v || !v->is_boolean() || v->get<bool>() != want) drift(field, want ? "true" : "false", shown(field));
    }

    void equal_number(const char* var, const char* field, std::optional<std::int64_t> want) {
        if (!want) return not_understood(var, field);
        if (number(field) != *want)
            drift(field, fmt::format("{} ({}={})", *want, var, p_.effective(var)), shown(field));
    }

    void image() {
        const std::string want = normalize_image(p_.effective("SANDBOX_IMAGE"));
        const json* v = at("Config.Image");
        if (!v || !v->is_string() || normalize_image(v->get<std::string>()) != want)
            drift("Config.Image", want, shown("Config.Image"));
    }

    void tmpfs() {
        const auto want = parse_tmpfs(p_.effective("SANDBOX_TMPFS"));
        if (!want) return not_understood("SANDBOX_TMPFS", "HostConfig.Tmpfs");
        std::map<std::string, std::string> got;
        if (const json* t = at("HostConfig.Tmpfs"); t && t->is_object())
            for (const auto& [k, v] : t->items()) got[k] = v.is_string() ? v.get<std::string>() : v.dump();
        std::set<std::string> targets;
        for (const auto& [k, _] : *want) targets.insert(k);
        for (const auto& [k, _] : got) targets.insert(k);
        for (const auto& target : targets) {
            const auto w = want->find(target);
            const auto g = got.find(target);
            if (w != want->end() && g != got.end() && split_set(w->second) == split_set(g->second)) continue;
            drift("HostConfig.Tmpfs[" + target + "]", w == want->end() ? kAbsent : w->second,
                  g == got.end() ? kAbsent : g->second);
        }
    }

    std::set<std::string> string_set(std::string_view dotted) const {
        std::set<std::string> out;
        if (const json* v = at(dotted); v && v->is_array())
            for (const auto& e : *v)
                if (e.is_string()) out.insert(normalize_cap(e.get<std::string>()));
        return out;
    }

    /// SANDBOX_CAP_DROP → HostConfig.CapDrop, SANDBOX_CAP_ADD → HostConfig.CapAdd, each as a set.
    void caps(const char* variable, std::string_view field) {
        const std::string v = p_.effective(variable);
        std::set<std::string> want;
        if (v != "none")
            for (const auto& c : split_set(v)) want.insert(normalize_cap(c));
        if (auto got = string_set(field); got != want) drift(std::string(field), list_or_none(want), list_or_none(got));
    }

    /// The launcher hides the host's resolver when there is no network (--dns 0.0.0.0
    /// --dns-search .); with a network it leaves Docker's resolver configuration alone.
    void resolver() {
        const bool none = p_.effective("SANDBOX_NETWORK") == "none";
        using list = std::vector<std::string>;
        string_list("HostConfig.Dns", none ? list{kHiddenResolver} : list{});
        string_list("HostConfig.DnsSearch", none ? list{"."} : list{});
    }

    /// An array of strings compared in order; absent and null count as empty.
    void string_list(const char* field, const std::vector<std::string>& want) {
        std::vector<std::string> got;
        const json* v = at(field);
        bool understood = !v || v->is_null() || v->is_array();
        if (v && v->is_array())
            for (const auto& e : *v) {
                if (e.is_string()) got.push_back(e.get<std::string>());
                else understood = false;
            }
        auto show = [](const std::vector<std::string>& items) {
            return items.empty() ? std::string("(none)") : join(items, ",");
        };
        if (!understood) drift(field, show(want), shown(field));
        else if (got != want) drift(field, show(want), show(got));
    }

    void security_opt() {
        std::vector<std::string> opts;
        if (const json* v = at("HostConfig.SecurityOpt"); v && v->is_array())
            for (const auto& e : *v)
                if (e.is_string()) opts.push_back(e.get<std::string>());
        auto has = [&](std::initializer_list<const char*> any) {
            return std::any_of(opts.begin(), opts.end(), [&](const std::string& o) {
                return std::find(any.begin(), any.end(), o) != any.end();
            });
        };
        const bool nnp_want = p_.effective("SANDBOX_NO_NEW_PRIVILEGES") == "1";
        const bool nnp_got = has({"no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"});
        if (nnp_want != nnp_got)
            drift("HostConfig.SecurityOpt[no-new-privileges]", nnp_want ? "set" : "not set", nnp_got ? "set" : "not set");

        // Docker keeps a custom seccomp profile as "seccomp=<its JSON>"; older engines used ':'.
        std::optional<std::string> seccomp;
        for (const auto& o : opts)
            if (o.starts_with("seccomp=") || o.starts_with("seccomp:")) seccomp = o.substr(8);
        const std::string want = p_.effective("SANDBOX_SECCOMP");
        const std::string got = !seccomp ? "default" : *seccomp == "unconfined" ? "unconfined" : "custom profile";
        const std::string want_shown = want == "default" || want == "unconfined" ? want : "custom profile (" + want + ")";
        if ((want == "default" || want == "unconfined") ? got != want : got != "custom profile")
            drift("HostConfig.SecurityOpt[seccomp]", want_shown, got);
        if (has({"apparmor=unconfined", "apparmor:unconfined"}))
            drift("HostConfig.SecurityOpt[apparmor]", "default", "unconfined");
    }

    void memory() {
        const std::string mem = p_.effective("SANDBOX_MEMORY");
        const auto mem_bytes = mem == "none" ? std::optional<std::int64_t>(0) : parse_docker_size(mem);
        equal_number("SANDBOX_MEMORY", "HostConfig.Memory", mem_bytes);

        const std::string swap = p_.effective("SANDBOX_MEMORY_SWAP");
        if (swap == "none") {
            // Unset: the engine stores 0, or twice the memory limit when one is set.
            const std::int64_t got = number("HostConfig.MemorySwap");
            const std::int64_t doubled = mem_bytes ? 2 * *mem_bytes : 0;
            if (got != 0 && got != doubled)
                drift("HostConfig.MemorySwap",
                      doubled ? fmt::format("0 or {} (SANDBOX_MEMORY_SWAP=none)", doubled) : "0 (SANDBOX_MEMORY_SWAP=none)",
                      shown("HostConfig.MemorySwap"));
            return;
        }
        equal_number("SANDBOX_MEMORY_SWAP", "HostConfig.MemorySwap",
                     swap == "-1" ? std::optional<std::int64_t>(-1) : parse_docker_size(swap));
    }

    void pids() {
        const std::string v = p_.effective("SANDBOX_PIDS_LIMIT");
        const std::int64_t got = number("HostConfig.PidsLimit");
        if (v == "none") {
            if (got > 0) drift("HostConfig.PidsLimit", "unlimited (SANDBOX_PIDS_LIMIT=none)", shown("HostConfig.PidsLimit"));
            return;
        }
        std::int64_t want = 0;
        if (auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), want);
            ec != std::errc() || end != v.data() + v.size())
            return not_understood("SANDBOX_PIDS_LIMIT", "HostConfig.PidsLimit");
        if (got != want) drift("HostConfig.PidsLimit", fmt::format("{} (SANDBOX_PIDS_LIMIT={})", want, v),
                               shown("HostConfig.PidsLimit"));
    }

    void ulimits() {
        const auto want = parse_ulimits(p_.effective("SANDBOX_ULIMITS"));
        if (!want) return not_understood("SANDBOX_ULIMITS", "HostConfig.Ulimits");
        std::map<std::string, std::pair<std::int64_t, std::int64_t>> got;
        if (const json* v = at("HostConfig.Ulimits"); v && v->is_array())
            for (const auto& e : *v)
                got[e.value("Name", "")] = {e.value("Soft", std::int64_t{0}), e.value("Hard", std::int64_t{0})};
        std::set<std::string> names;
        for (const auto& [k, _] : *want) names.insert(k);
        for (const auto& [k, _] : got) names.insert(k);
        auto show = [](const auto& m, const std::string& k) {
            auto it = m.find(k);
            return it == m.end() ? std::string(kAbsent) : fmt::format("{}:{}", it->second.first, it->second.second);
        };
        for (const auto& name : names)
            if (show(*want, name) != show(got, name))
                drift("HostConfig.Ulimits[" + name + "]", show(*want, name), show(got, name));
    }

    /// What the launcher always does, whatever the profile says.
    void contract() {
        if (shown("HostConfig.LogConfig.Type") != "none")
            drift("HostConfig.LogConfig.Type", "none", shown("HostConfig.LogConfig.Type"));
        if (const json* v = at("HostConfig.AutoRemove"); !v || *v != true)
            drift("HostConfig.AutoRemove", "true", shown("HostConfig.AutoRemove"));
        for (const char* ns : {"HostConfig.IpcMode", "HostConfig.UTSMode"})
            if (shown(ns) == "host") drift(ns, "not host", "host");

        const json* mounts = at("Mounts");
        const json* script = nullptr;
        if (mounts && mounts->is_array())
            for (const auto& m : *mounts)
                if (m.value("Destination", "") == kScriptMountPath) script = &m;
        const std::string field = fmt::format("Mounts[{}]", kScriptMountPath);
        if (!script) drift(field, "read-only", kAbsent);
        else if (script->value("RW", true)) drift(field, "read-only", "read-write");
    }

    const Profile& p_;
    const json& j_;
    std::vector<FlagDrift> out_;
};

}  // namespace

std::vector<FlagDrift> compare_host_config(const Profile& profile, const nlohmann::json& container_inspect) {
    return Checker(profile, container_inspect).run();
}

std::string describe(const FlagDrift& d) {
    return fmt::format("{}: expected {}, got {}", d.field, d.expected, d.actual);
}

}  // namespace sh
