#include "exporter.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace sh {

namespace {

[[noreturn]] void fail(const char* call, const std::filesystem::path& p, int err) {
    throw std::runtime_error(fmt::format("{}({}): {}", call, p.string(), std::strerror(err)));
}

/// Closes the fd and removes the temporary file unless released.
struct TempFile {
    int fd = -1;
    std::filesystem::path path;
    bool keep = false;
    ~TempFile() {
        if (fd >= 0) ::close(fd);
        if (!keep && !path.empty()) ::unlink(path.c_str());
    }
};

}  // namespace

void write_atomically(const std::filesystem::path& path, std::string_view content) {
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
    const std::string pattern = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
    std::string tmpl = pattern;
    TempFile tmp;
    tmp.fd = ::mkstemp(tmpl.data());
    if (tmp.fd < 0) fail("mkstemp", pattern, errno);
    tmp.path = tmpl;
    // mkstemp creates 0600; reports are meant to be read by others (CI artifacts, web servers).
    if (::fchmod(tmp.fd, 0644) != 0) fail("fchmod", tmp.path, errno);
    for (std::size_t done = 0; done < content.size();) {
        const ssize_t n = ::write(tmp.fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write", tmp.path, errno);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(tmp.fd) != 0) fail("fsync", tmp.path, errno);
    const int fd = tmp.fd;
    tmp.fd = -1;
    if (::close(fd) != 0) fail("close", tmp.path, errno);
    if (::rename(tmp.path.c_str(), path.c_str()) != 0) fail("rename", path, errno);
    tmp.keep = true;
    // Make the rename itself durable; a failure here does not undo a complete, renamed file.
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

std::vector<std::unique_ptr<Exporter>> all_exporters(RenderOptions opts) {
    std::vector<std::unique_ptr<Exporter>> v;
    v.push_back(std::make_unique<JsonExporter>());
    v.push_back(std::make_unique<JUnitExporter>());
    v.push_back(std::make_unique<MarkdownExporter>(opts));
    v.push_back(std::make_unique<HtmlExporter>(opts));
    return v;
}

void write_reports(const RunReport& report, const std::filesystem::path& out_dir, RenderOptions opts) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) throw std::runtime_error(fmt::format("create_directories({}): {}", out_dir.string(), ec.message()));
    for (const auto& e : all_exporters(opts)) write_atomically(out_dir / e->file_name(), e->render(report));
}

}  // namespace sh
