#include "io/host_files.h"
#include "util/error.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/files.h"
#include "util/hash.h"
#include <system_error>

namespace sh {

namespace fs = std::filesystem;

Fingerprint fingerprint(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return {};
    Fingerprint f{.exists = true,
                  .type = static_cast<unsigned>(st.st_mode & S_IFMT),
                  .mode = static_cast<unsigned>(st.st_mode & 07777),
                  .uid = st.st_uid,
                  .gid = st.st_gid,
                  .size = static_cast<std::uintmax_t>(st.st_size)};
    if (!S_ISREG(st.st_mode)) return f;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW));
    if (!fd) return f;
    Fnv1a64 h;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        h.add(std::string_view(buf, static_cast<std::size_t>(n)));
    }
    f.hash = h.value();
    return f;
}

std::map<std::string, Fingerprint> fingerprint_all(const std::vector<std::string>& paths) {
    std::map<std::string, Fingerprint> out;
    for (const auto& p : paths) out[p] = fingerprint(p);
    return out;
}

std::vector<std::string> changed_files(const std::map<std::string, Fingerprint>& before) {
    std::vector<std::string> changed;
    for (const auto& [path, old] : before) {
        const Fingerprint now = fingerprint(path);
        if (now == old) continue;
        if (old.exists && !now.exists) {
            changed.push_back(path + ": removed");
            continue;
        }
        if (!old.exists && now.exists) {
            changed.push_back(path + ": created");
            continue;
        }
        std::vector<std::string> what;
        if (now.type != old.type) what.push_back("file type changed");
        if (now.mode != old.mode) what.push_back(fmt::format("mode {:04o} -> {:04o}", old.mode, now.mode));
        if (now.uid != old.uid || now.gid != old.gid)
            what.push_back(fmt::format("owner {}:{} -> {}:{}", old.uid, old.gid, now.uid, now.gid));
        if (now.size != old.size || now.hash != old.hash)
            what.push_back(fmt::format("content changed ({} -> {} bytes)", old.size, now.size));
        changed.push_back(path + ": " + fmt::format("{}", fmt::join(what, ", ")));
    }
    return changed;
}

namespace {

std::optional<double> read_number(const fs::path& p) {
    std::ifstream in(p);
    double v = 0;
    if (in >> v) return v;
    return std::nullopt;
}

std::string relative(const std::string& cgroup_path) {
    return cgroup_path.starts_with('/') ? cgroup_path.substr(1) : cgroup_path;
}

bool present(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

/// v2: "populated 1" in cgroup.events means tasks in the cgroup or below it. Without the file
/// (not a real cgroup), a non-empty cgroup.procs stands in.
bool populated(const fs::path& dir) {
    std::ifstream events(dir / "cgroup.events");
    for (std::string key, value; events >> key >> value;)
        if (key == "populated") return value != "0";
    std::ifstream procs(dir / "cgroup.procs");
    std::string pid;
    return static_cast<bool>(procs >> pid);
}

/// Writes "1" to <dir>/cgroup.kill; "" when done, else why not.
std::string write_kill(const fs::path& dir) {
    const fs::path file = dir / "cgroup.kill";
    UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW));
    if (!fd) return fmt::format("open({}): {}", file.string(), std::strerror(errno));
    ssize_t n;
    do n = ::write(fd.get(), "1", 1);
    while (n < 0 && errno == EINTR);
    if (n != 1) return fmt::format("write({}): {}", file.string(), n < 0 ? std::strerror(errno) : "short write");
    return {};
}

/// rmdir; "" when done, else why not.
std::string remove_dir(const fs::path& dir) {
    if (::rmdir(dir.c_str()) == 0) return {};
    return fmt::format("rmdir: {}", std::strerror(errno));
}

/// Removes the cgroups below `dir`, deepest first (a path is longer than its parent's); failures
/// are left for the rmdir of `dir` itself to report.
void remove_children(const fs::path& dir) {
    std::vector<fs::path> below;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec)) below.push_back(it->path());
    std::sort(below.begin(), below.end(),
              [](const fs::path& a, const fs::path& b) { return a.native().size() > b.native().size(); });
    for (const auto& d : below) ::rmdir(d.c_str());
}

/// The subdirectories of `parent` last changed before `cutoff`, or whose name `dead_now` accepts.
std::vector<fs::path> old_subdirectories(const fs::path& parent, fs::file_time_type cutoff,
                                         const std::function<bool(const std::string&)>& dead_now) {
    std::vector<fs::path> out;
    std::error_code ec;
    if (!fs::is_directory(parent, ec)) return out;
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
        if (!entry.is_directory(ec)) continue;
        if (dead_now && dead_now(entry.path().filename().string())) {
            out.push_back(entry.path());
            continue;
        }
        const auto changed = fs::last_write_time(entry.path(), ec);
        if (ec || changed > cutoff) continue;
        out.push_back(entry.path());
    }
    return out;
}

/// A v2 parent of a dead run: its tasks killed if it has any, then the cgroups below it and itself
/// removed.
void sweep_unified(const fs::path& dir, std::chrono::milliseconds kill_wait, bool dry_run, CgroupSweep& out) {
    if (populated(dir)) {
        if (!present(dir / "cgroup.kill")) {
            out.kept.push_back(dir.string() +
                               ": tasks left and no cgroup.kill (Linux before 5.14): not killed, so not removed");
            return;
        }
        if (!dry_run) {
            if (const std::string failed = write_kill(dir); !failed.empty()) {
                out.kept.push_back(dir.string() + ": " + failed);
                return;
            }
        }
        out.killed.push_back(dir);
        if (!dry_run) {
            // The kernel delivers SIGKILL at once, but the tasks leave the cgroup as they exit.
            const auto deadline = std::chrono::steady_clock::now() + kill_wait;
            while (populated(dir) && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (populated(dir)) {
                out.kept.push_back(fmt::format("{}: tasks still there {} ms after cgroup.kill", dir.string(),
                                               kill_wait.count()));
                return;
            }
        }
    }
    if (dry_run) {
        out.removed.push_back(dir);
        return;
    }
    remove_children(dir);
    if (const std::string failed = remove_dir(dir); !failed.empty()) out.kept.push_back(dir.string() + ": " + failed);
    else out.removed.push_back(dir);
}

/// Why a v2 cgroup gave no memory.peak.
std::string missing_peak_v2(const fs::path& dir) {
    if (!present(dir)) return "memory peak: no cgroup " + dir.string();
    if (present(dir / "memory.peak")) return "memory peak: cannot read " + (dir / "memory.peak").string();
    if (present(dir / "memory.current"))
        return "memory peak: no memory.peak in " + dir.string() +
               " (cgroup v2 keeps one from Linux 5.19 on; memory.current after the exit is no peak): not reported";
    return "memory peak: no memory.* files in " + dir.string() +
           ": the memory controller is not enabled for it (cgroup.subtree_control of its parent)";
}

}  // namespace

CgroupLayout detect_cgroup_layout(const fs::path& cgroup_root) {
    if (present(cgroup_root / "cgroup.controllers")) return CgroupLayout::v2;
    bool v1 = false;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(cgroup_root, ec))
        if (entry.is_directory(ec) && present(entry.path() / "tasks")) v1 = true;
    if (!v1) return CgroupLayout::none;
    return present(cgroup_root / "unified" / "cgroup.controllers") ? CgroupLayout::hybrid : CgroupLayout::v1;
}

std::vector<fs::path> cgroup_parent_dirs(const fs::path& cgroup_root, const std::string& parent) {
    const std::string rel = relative(parent);
    std::vector<fs::path> dirs;
    std::error_code ec;
    if (detect_cgroup_layout(cgroup_root) != CgroupLayout::v2) {
        // v1 has one hierarchy per controller (and hybrid a v2 one at unified/ besides).
        for (const auto& entry : fs::directory_iterator(cgroup_root, ec)) {
            fs::path dir = entry.path() / rel;
            if (fs::is_directory(dir, ec)) dirs.push_back(std::move(dir));
        }
    }
    if (fs::path v2 = cgroup_root / rel; fs::is_directory(v2, ec)) dirs.push_back(std::move(v2));
    return dirs;
}

std::optional<double> take_memory_peak(const fs::path& cgroup_root, const std::string& parent,
                                       std::string& note) {
    const std::string rel = relative(parent);
    const CgroupLayout layout = detect_cgroup_layout(cgroup_root);
    std::optional<double> peak;
    if (layout == CgroupLayout::v2) {
        const fs::path dir = cgroup_root / rel;
        peak = read_number(dir / "memory.peak");
        if (!peak) note = missing_peak_v2(dir);
    } else {
        peak = read_number(cgroup_root / "memory" / rel / "memory.max_usage_in_bytes");
        if (!peak && layout == CgroupLayout::none) peak = read_number(cgroup_root / rel / "memory.peak");
        if (!peak) note = "memory peak: no memory.max_usage_in_bytes or memory.peak under " +
                          (cgroup_root / rel).string();
    }
    // rmdir: empty once the container is gone; the kernel refuses while tasks or children are left.
    std::error_code ec;
    for (const auto& dir : cgroup_parent_dirs(cgroup_root, parent)) fs::remove(dir, ec);
    return peak;
}

CgroupSweep sweep_stale_cgroup_parents(const fs::path& cgroup_root, const std::string& prefix,
                                       fs::file_time_type::duration min_age, std::chrono::milliseconds kill_wait,
                                       bool dry_run, const std::function<bool(const std::string&)>& dead_now) {
    const std::string rel = relative(prefix);
    const auto cutoff = fs::file_time_type::clock::now() - min_age;
    CgroupSweep out;
    if (detect_cgroup_layout(cgroup_root) == CgroupLayout::v2) {
        for (const auto& dir : old_subdirectories(cgroup_root / rel, cutoff, dead_now)) sweep_unified(dir, kill_wait, dry_run, out);
        return out;
    }
    std::vector<fs::path> parents = {cgroup_root / rel};
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(cgroup_root, ec))
        if (entry.is_directory(ec)) parents.push_back(entry.path() / rel);
    for (const auto& parent : parents) {
        for (const auto& dir : old_subdirectories(parent, cutoff, dead_now)) {
            if (dry_run) {
                out.removed.push_back(dir);
            } else if (const std::string failed = remove_dir(dir); failed.empty()) {
                out.removed.push_back(dir);
            } else {
                out.kept.push_back(dir.string() + ": " + failed);
            }
        }
    }
    return out;
}

std::optional<std::string> mount_tmpfs(const fs::path& dir, const std::string& options) {
    if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, options.c_str()) == 0) return std::nullopt;
    return syscall_message("mount", "tmpfs on " + dir.string(), errno);
}

void unmount(const fs::path& dir) { ::umount2(dir.c_str(), MNT_DETACH); }

}  // namespace sh
