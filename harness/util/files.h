#pragma once
/// Files, without any domain: reading a regular file with a size cap (never a device, a FIFO or
/// a directory, which can hang or exhaust memory), writing one atomically, an owned fd, and a
/// scratch directory removed on every exit path.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sh {

/// An owned file descriptor: closed by the destructor, movable, never copied.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1);

private:
    int fd_ = -1;
};

/// Reads a whole regular file of at most `max_bytes`. On failure returns nullopt and sets `error`
/// to a short reason: "No such file or directory", "not a regular file (a FIFO)", "larger than
/// 1048576 bytes". The file is opened with O_NONBLOCK and checked with fstat before any read,
/// so a FIFO or a device named by a hostile header can neither block nor flood the reader.
std::optional<std::string> read_regular_file(const std::filesystem::path&, std::size_t max_bytes,
                                             std::string& error);

/// Writes `content` to a temporary file in the same directory, fsyncs it, renames it over `path`
/// and fsyncs the directory. Throws Error naming the failed call, the path and the errno text;
/// the temporary file is removed on failure.
void write_atomically(const std::filesystem::path& path, std::string_view content);

/// A directory removed, with everything in it, when this goes out of scope (errors ignored).
struct RemovedOnExit {
    std::filesystem::path dir;
    ~RemovedOnExit() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

}  // namespace sh
