#include "io/load_watch.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "io/host_files.h"
#include "io/host_sampler.h"
#include "util/error.h"

namespace sh {

namespace fs = std::filesystem;

namespace {
constexpr auto kKeep = std::chrono::hours(1);

int cores_of(const fs::path& proc_root) {
    try {
        return sample_host_load(proc_root).cores;
    } catch (const std::exception&) {
        return 0;
    }
}
}  // namespace

int read_procs_running(const fs::path& proc_root) {
    const fs::path stat = proc_root / "stat";
    std::ifstream in(stat);
    if (!in) throw Error(fmt::format("cannot read {}", stat.string()));
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with("procs_running ")) continue;
        std::istringstream fields(line.substr(14));
        int n = 0;
        if (fields >> n) return n;
        break;
    }
    throw Error(fmt::format("cannot parse {}: no procs_running line", stat.string()));
}

int count_runnable_in_cgroup(const fs::path& dir, const fs::path& proc_root) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return 0;
    int runnable = 0;
    auto count_file = [&](const fs::path& list) {
        std::ifstream in(list);
        for (std::string tid; std::getline(in, tid);) {
            if (tid.empty()) continue;
            std::ifstream stat(proc_root / tid / "stat");
            std::string line;
            std::getline(stat, line);
            // "TID (comm) S ...": the state follows the last ')'.
            const auto paren = line.rfind(')');
            if (paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'R') ++runnable;
        }
    };
    const char* list = fs::exists(dir / "cgroup.threads", ec) ? "cgroup.threads" : "tasks";
    count_file(dir / list);
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec)) count_file(it->path() / list);
    return runnable;
}

LoadWatch::LoadWatch(fs::path proc_root, std::chrono::milliseconds interval)
    : root_(std::move(proc_root)), cores_(cores_of(root_)), interval_(interval), thread_([this] {
          while (interval_.count() > 0 && !stop_.load()) {
              sample();
              for (auto slept = std::chrono::milliseconds(0); slept < interval_ && !stop_.load();
                   slept += std::chrono::milliseconds(10))
                  std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
      }) {}

LoadWatch::~LoadWatch() { stop_ = true; }

void LoadWatch::track(const std::string& key, const fs::path& cgroup_root, const std::string& parent) {
    std::lock_guard lock(mu_);
    tracked_[key] = {cgroup_root, parent};
}

void LoadWatch::untrack(const std::string& key) {
    std::lock_guard lock(mu_);
    tracked_.erase(key);
}

void LoadWatch::sample() {
    Sample s;
    try {
        s.running = std::max(0, read_procs_running(root_) - 1);  // the reader itself is running
    } catch (const std::exception&) {
        return;  // a host without the file: cases get no figures, which window() says
    }
    std::map<std::string, Tracked> tracked;
    {
        std::lock_guard lock(mu_);
        tracked = tracked_;
    }
    // Every v1 hierarchy holds every task of the container; the first that has any counts them.
    for (const auto& [key, t] : tracked) {
        int own = 0;
        for (const auto& dir : cgroup_parent_dirs(t.cgroup_root, t.parent))
            if ((own = count_runnable_in_cgroup(dir, root_)) > 0) break;
        s.own.emplace_back(key, own);
    }
    s.at = Clock::now();
    std::lock_guard lock(mu_);
    samples_.push_back(std::move(s));
    while (!samples_.empty() && samples_.back().at - samples_.front().at > kKeep) samples_.pop_front();
}

std::optional<HostLoadDuring> LoadWatch::window(Clock::time_point from, Clock::time_point to,
                                                 const std::string& key) const {
    std::lock_guard lock(mu_);
    // The last sample at or before `from`, then every one up to `to`.
    auto it = std::upper_bound(samples_.begin(), samples_.end(), from,
                               [](Clock::time_point t, const Sample& s) { return t < s.at; });
    if (it != samples_.begin()) --it;
    HostLoadDuring load;
    load.cores = cores_;
    load.own_counted = !key.empty() && tracked_.count(key);
    double sum = 0, own_sum = 0;
    for (; it != samples_.end() && it->at <= to; ++it) {
        sum += it->running;
        load.runnable_max = std::max(load.runnable_max, it->running);
        ++load.samples;
        for (const auto& [k, n] : it->own)
            if (k == key) own_sum += std::min(n, it->running);  // read a moment later than the host's count
    }
    if (load.samples == 0) return std::nullopt;
    load.runnable_mean = sum / load.samples;
    if (load.own_counted) load.own_runnable_mean = own_sum / load.samples;
    return load;
}

}  // namespace sh
