#include "io/host_sampler.h"
#include "util/error.h"
#include "util/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/core.h>

namespace sh {
namespace fs = std::filesystem;
namespace {

double clock_ticks_per_s() {
    static const double hz = [] {
        const long v = sysconf(_SC_CLK_TCK);
        return v > 0 ? static_cast<double>(v) : 100.0;
    }();
    return hz;
}

/// An owned DIR*: closed by the destructor (util/files.h has UniqueFd for plain fds).
struct DirCloser {
    void operator()(DIR* d) const { ::closedir(d); }
};
using UniqueDir = std::unique_ptr<DIR, DirCloser>;

/// The whole file, read with plain read(2): procfs files are small, and this runs at every poll.
/// On failure errno says why (read_or_throw names it).
std::optional<std::string> read_small_file(const fs::path& p) {
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    std::string out;
    char buf[4096];
    for (;;) {
        const ssize_t r = ::read(fd.get(), buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            const int saved = errno;
            fd.reset();  // closed here, so that close() cannot change errno after it is restored
            errno = saved;
            return std::nullopt;
        }
        if (r == 0) break;
        out.append(buf, static_cast<std::size_t>(r));
    }
    return out;
}

std::string read_or_throw(const fs::path& p) {
    auto s = read_small_file(p);
    if (!s) throw Error(fmt::format("cannot read {}: {}", p.string(), std::strerror(errno)));
    return *s;
}

std::optional<int> parse_pid(const std::string& name) {
    if (name.empty() || name.size() > 9) return std::nullopt;
    int v = 0;
    for (char c : name) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

/// The name a process's CPU is reported under: runc's init stages ("runc:[2:INIT]") fold into runc.
std::string display_name(const std::string& comm) { return comm.rfind("runc:[", 0) == 0 ? "runc" : comm; }

std::vector<std::pair<std::string, double>> sorted_pairs(const std::map<std::string, double>& m) {
    return {m.begin(), m.end()};
}

/// Every live engine process under proc_root. `not_engine` (optional) caches pids whose comm is
/// not an engine name, so that repeated polls read only new pids' comm files.
std::vector<ProcCpu> scan_engine(const fs::path& proc_root, std::map<int, bool>* not_engine) {
    std::vector<ProcCpu> out;
    std::set<int> present;
    const UniqueDir dir(::opendir(proc_root.c_str()));
    if (!dir) return out;
    while (const dirent* ent = ::readdir(dir.get())) {
        const auto pid = parse_pid(ent->d_name);
        if (!pid) continue;
        present.insert(*pid);
        if (not_engine && not_engine->count(*pid)) continue;
        auto comm = read_small_file(proc_root / ent->d_name / "comm");
        if (!comm) continue;  // gone
        while (!comm->empty() && (comm->back() == '\n' || comm->back() == '\r')) comm->pop_back();
        if (!is_engine_process(*comm)) {
            if (not_engine) (*not_engine)[*pid] = true;
            continue;
        }
        if (auto cpu = read_proc_cpu(proc_root, *pid); cpu && is_engine_process(cpu->comm)) out.push_back(*cpu);
    }
    if (not_engine)
        for (auto it = not_engine->begin(); it != not_engine->end();)
            it = present.count(it->first) ? std::next(it) : not_engine->erase(it);
    return out;
}

EngineCpu to_engine_cpu(const std::map<std::string, double>& by_name) {
    EngineCpu e;
    for (const auto& [name, s] : by_name) e.seconds += s;
    e.by_process = sorted_pairs(by_name);
    return e;
}

}  // namespace

std::optional<ProcCpu> read_proc_cpu(const fs::path& proc_root, int pid) {
    const auto text = read_small_file(proc_root / std::to_string(pid) / "stat");
    if (!text) return std::nullopt;
    const auto open = text->find('(');
    const auto close = text->rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
    ProcCpu p;
    p.pid = pid;
    p.comm = text->substr(open + 1, close - open - 1);
    // Fields after the comm, numbered as in proc(5): 3 state, 4 ppid, 14 utime, 15 stime,
    // 16 cutime, 17 cstime, 22 starttime.
    std::istringstream in(text->substr(close + 1));
    std::vector<std::string> f;
    for (std::string tok; in >> tok && f.size() < 20;) f.push_back(tok);
    if (f.size() < 20) return std::nullopt;
    try {
        p.ppid = std::stoi(f[1]);
        const double hz = clock_ticks_per_s();
        p.self_s = static_cast<double>(std::stoull(f[11]) + std::stoull(f[12])) / hz;
        p.children_s = static_cast<double>(std::stoll(f[13]) + std::stoll(f[14])) / hz;
        p.starttime = std::stoull(f[19]);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return p;
}

bool is_engine_process(const std::string& comm) {
    static const std::set<std::string> exact = {"dockerd", "containerd", "runc", "docker-init", "docker-proxy"};
    return exact.count(comm) > 0 || comm.rfind("containerd-shim", 0) == 0 || comm.rfind("runc:[", 0) == 0;
}

EngineCpu sample_engine_cpu(const fs::path& proc_root) {
    std::map<std::string, double> by_name;
    for (const auto& p : scan_engine(proc_root, nullptr)) by_name[display_name(p.comm)] += p.self_s + p.children_s;
    return to_engine_cpu(by_name);
}

KernelThreadsCpu sample_kernel_threads_cpu(const fs::path& proc_root) {
    KernelThreadsCpu out;
    const UniqueDir dir(::opendir(proc_root.c_str()));
    if (!dir) return out;
    while (const dirent* ent = ::readdir(dir.get())) {
        const auto pid = parse_pid(ent->d_name);
        if (!pid) continue;
        const auto cpu = read_proc_cpu(proc_root, *pid);
        if (cpu && (cpu->pid == 2 || cpu->ppid == 2)) out[{cpu->pid, cpu->starttime}] = cpu->self_s;
    }
    return out;
}

double kernel_threads_cpu_delta(const KernelThreadsCpu& before, const KernelThreadsCpu& after) {
    double s = 0;
    for (const auto& [id, cpu] : after) {
        const auto it = before.find(id);
        s += cpu - (it == before.end() ? 0.0 : it->second);
    }
    return s;
}

EngineCpu engine_cpu_delta(const EngineCpu& before, const EngineCpu& after) {
    std::map<std::string, double> by_name;
    for (const auto& [name, s] : after.by_process) by_name[name] += s;
    for (const auto& [name, s] : before.by_process) by_name[name] -= s;
    EngineCpu d = to_engine_cpu(by_name);
    d.seconds = after.seconds - before.seconds;
    return d;
}

EngineCpuTracker::EngineCpuTracker(fs::path proc_root) : root_(std::move(proc_root)) {}

void EngineCpuTracker::poll() {
    const auto procs = scan_engine(root_, &not_engine_);
    std::set<int> engine_pids;
    for (const auto& p : procs) engine_pids.insert(p.pid);
    std::map<std::pair<int, unsigned long long>, Seen> now;
    for (const auto& p : procs) now[{p.pid, p.starttime}] = Seen{p, engine_pids.count(p.ppid) == 0};
    for (const auto& [key, seen] : live_) {
        if (now.count(key) || !seen.root) continue;
        departed_[display_name(seen.cpu.comm)] += seen.cpu.self_s + seen.cpu.children_s;
    }
    live_ = std::move(now);
}

EngineCpu EngineCpuTracker::total() const {
    std::map<std::string, double> by_name = departed_;
    for (const auto& [key, seen] : live_) by_name[display_name(seen.cpu.comm)] += seen.cpu.self_s + seen.cpu.children_s;
    return to_engine_cpu(by_name);
}

EngineCpuWatch::EngineCpuWatch(fs::path proc_root, std::chrono::milliseconds interval)
    : tracker_(std::move(proc_root)) {
    tracker_.poll();
    start_ = tracker_.total();
    thread_ = std::thread([this, interval] {
        while (!stop_.load()) {
            std::this_thread::sleep_for(interval);
            tracker_.poll();
        }
        timespec ts{};
        if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) poll_cpu_s_ = ts.tv_sec + ts.tv_nsec / 1e9;
    });
}

EngineCpuWatch::~EngineCpuWatch() { stop(); }

EngineCpu EngineCpuWatch::stop() {
    if (result_) return *result_;
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    tracker_.poll();
    result_ = engine_cpu_delta(start_, tracker_.total());
    return *result_;
}

HostLoad sample_host_load(const fs::path& proc_root) {
    HostLoad h;
    const fs::path loadavg = proc_root / "loadavg";
    std::istringstream in(read_or_throw(loadavg));
    if (!(in >> h.load1 >> h.load5 >> h.load15))
        throw Error(fmt::format("cannot parse {}: expected three load averages", loadavg.string()));
    std::istringstream stat(read_or_throw(proc_root / "stat"));
    for (std::string line; std::getline(stat, line);)
        if (line.size() > 3 && line.compare(0, 3, "cpu") == 0 && line[3] >= '0' && line[3] <= '9') ++h.cores;
    if (h.cores == 0)
        throw Error(fmt::format("cannot parse {}: no cpuN lines", (proc_root / "stat").string()));
    return h;
}

CpuSnapshot sample_cpu(const fs::path& proc_root) {
    const fs::path path = proc_root / "stat";
    std::istringstream in(read_or_throw(path));
    std::string label;
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (!(in >> label >> user >> nice >> system >> idle >> iowait >> irq >> softirq) || label != "cpu")
        throw Error(fmt::format("cannot parse {}: no aggregate \"cpu\" line first", path.string()));
    in >> steal;  // absent on very old kernels
    return CpuSnapshot{user + nice + system + irq + softirq + steal, idle + iowait};
}

double busy_fraction(const CpuSnapshot& a, const CpuSnapshot& b) {
    if (b.total() <= a.total()) return std::numeric_limits<double>::quiet_NaN();
    const double busy = static_cast<double>(b.busy) - static_cast<double>(a.busy);
    return busy / (static_cast<double>(b.total()) - static_cast<double>(a.total()));
}

double busy_cpu_seconds(const CpuSnapshot& a, const CpuSnapshot& b) {
    return (static_cast<double>(b.busy) - static_cast<double>(a.busy)) / clock_ticks_per_s();
}

static double rusage_seconds(int who) {
    rusage ru{};
    if (getrusage(who, &ru) != 0) return std::numeric_limits<double>::quiet_NaN();
    auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
    return secs(ru.ru_utime) + secs(ru.ru_stime);
}

double self_cpu_seconds() { return rusage_seconds(RUSAGE_SELF); }
double children_cpu_seconds() { return rusage_seconds(RUSAGE_CHILDREN); }

void to_json(nlohmann::json& j, const EngineCpu& e) {
    j = {{"seconds", e.seconds}, {"by_process", nlohmann::json::object()}};
    for (const auto& [name, s] : e.by_process) j["by_process"][name] = s;
}

void from_json(const nlohmann::json& j, EngineCpu& e) {
    e.seconds = j.at("seconds").get<double>();
    e.by_process.clear();
    for (const auto& [name, s] : j.at("by_process").items()) e.by_process.emplace_back(name, s.get<double>());
}

void to_json(nlohmann::json& j, const HostLoad& h) {
    j = {{"load1", h.load1}, {"load5", h.load5}, {"load15", h.load15}, {"cores", h.cores}};
}

void from_json(const nlohmann::json& j, HostLoad& h) {
    h.load1 = j.at("load1").get<double>();
    h.load5 = j.at("load5").get<double>();
    h.load15 = j.at("load15").get<double>();
    h.cores = j.at("cores").get<int>();
}

}  // namespace sh
