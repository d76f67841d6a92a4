#include "io/host_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

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

}  // namespace

std::optional<double> take_memory_peak(const fs::path& cgroup_root, const std::string& parent,
                                       std::string& note) {
    const std::string rel = parent.starts_with('/') ? parent.substr(1) : parent;
    std::optional<double> peak = read_number(cgroup_root / "memory" / rel / "memory.max_usage_in_bytes");
    if (!peak) peak = read_number(cgroup_root / rel / "memory.peak");
    if (!peak) note = "memory peak: no memory.max_usage_in_bytes or memory.peak under " +
                      (cgroup_root / rel).string();
    // Remove the parent in every hierarchy (v1 has one per controller; v2 has one).
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(cgroup_root, ec)) {
        fs::path dir = entry.path() / rel;
        if (fs::is_directory(dir, ec)) fs::remove(dir, ec);  // rmdir: empty once the container is gone
    }
    fs::path v2 = cgroup_root / rel;
    if (fs::is_directory(v2, ec)) fs::remove(v2, ec);
    return peak;
}

std::vector<fs::path> remove_stale_cgroup_parents(const fs::path& cgroup_root, const std::string& prefix,
                                                  fs::file_time_type::duration min_age) {
    const std::string rel = prefix.starts_with('/') ? prefix.substr(1) : prefix;
    std::vector<fs::path> parents = {cgroup_root / rel};
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(cgroup_root, ec))
        if (entry.is_directory(ec)) parents.push_back(entry.path() / rel);
    const auto cutoff = fs::file_time_type::clock::now() - min_age;
    std::vector<fs::path> removed;
    for (const auto& parent : parents) {
        if (!fs::is_directory(parent, ec)) continue;
        for (const auto& entry : fs::directory_iterator(parent, ec)) {
            if (!entry.is_directory(ec)) continue;
            const auto changed = fs::last_write_time(entry.path(), ec);
            if (ec || changed > cutoff) continue;
            if (fs::remove(entry.path(), ec)) removed.push_back(entry.path());  // rmdir: refused while in use
        }
    }
    return removed;
}

}  // namespace sh
