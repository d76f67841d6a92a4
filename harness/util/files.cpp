#include "util/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/error.h"

namespace sh {

std::string syscall_message(const char* call, const std::string& arg, int err) {
    return fmt::format("{}({}): {}", call, arg, std::strerror(err));
}

void UniqueFd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

namespace {

const char* file_type(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

[[noreturn]] void fail(const char* call, const std::filesystem::path& p, int err) {
    throw Error(syscall_message(call, p.string(), err));
}

/// Removes the temporary file unless released.
struct TempFile {
    UniqueFd fd;
    std::filesystem::path path;
    bool keep = false;
    ~TempFile() {
        fd.reset();
        if (!keep && !path.empty()) ::unlink(path.c_str());
    }
};

}  // namespace

std::optional<std::string> read_regular_file(const std::filesystem::path& path, std::size_t max_bytes,
                                             std::string& error) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        error = fmt::format("not a regular file ({})", file_type(st.st_mode));
        return std::nullopt;
    }
    if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
        error = fmt::format("larger than {} bytes", max_bytes);
        return std::nullopt;
    }
    std::string out;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            error = std::strerror(errno);
            return std::nullopt;
        }
        if (n == 0) break;
        if (out.size() + static_cast<std::size_t>(n) > max_bytes) {  // it grew while being read
            error = fmt::format("larger than {} bytes", max_bytes);
            return std::nullopt;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

void write_atomically(const std::filesystem::path& path, std::string_view content) {
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
    const std::string pattern = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
    std::string tmpl = pattern;
    TempFile tmp;
    tmp.fd.reset(::mkstemp(tmpl.data()));
    if (!tmp.fd) fail("mkstemp", pattern, errno);
    tmp.path = tmpl;
    // mkstemp creates 0600; reports are meant to be read by others (CI artifacts, web servers).
    if (::fchmod(tmp.fd.get(), 0644) != 0) fail("fchmod", tmp.path, errno);
    for (std::size_t done = 0; done < content.size();) {
        const ssize_t n = ::write(tmp.fd.get(), content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write", tmp.path, errno);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(tmp.fd.get()) != 0) fail("fsync", tmp.path, errno);
    if (::close(tmp.fd.release()) != 0) fail("close", tmp.path, errno);
    if (::rename(tmp.path.c_str(), path.c_str()) != 0) fail("rename", path, errno);
    tmp.keep = true;
    // Make the rename itself durable; a failure here does not undo a complete, renamed file.
    if (UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); dfd) ::fsync(dfd.get());
}

}  // namespace sh
