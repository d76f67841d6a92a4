#include "io/load_watch.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

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

void LoadWatch::sample() {
    int running = 0;
    try {
        running = std::max(0, read_procs_running(root_) - 1);  // the reader itself is running
    } catch (const std::exception&) {
        return;  // a host without the file: cases get no figures, which window() says
    }
    const auto now = Clock::now();
    std::lock_guard lock(mu_);
    samples_.emplace_back(now, running);
    while (!samples_.empty() && now - samples_.front().first > kKeep) samples_.pop_front();
}

std::optional<HostLoadDuring> LoadWatch::window(Clock::time_point from, Clock::time_point to) const {
    std::lock_guard lock(mu_);
    // The last sample at or before `from`, then every one up to `to`.
    auto it = std::upper_bound(samples_.begin(), samples_.end(), from,
                               [](Clock::time_point t, const auto& s) { return t < s.first; });
    if (it != samples_.begin()) --it;
    HostLoadDuring load;
    load.cores = cores_;
    double sum = 0;
    for (; it != samples_.end() && it->first <= to; ++it) {
        sum += it->second;
        load.runnable_max = std::max(load.runnable_max, it->second);
        ++load.samples;
    }
    if (load.samples == 0) return std::nullopt;
    load.runnable_mean = sum / load.samples;
    return load;
}

}  // namespace sh
