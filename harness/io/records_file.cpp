#include "io/records_file.h"
#include "io/report_file.h"
#include "util/error.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

namespace sh {

RecordsWriter::RecordsWriter(const std::filesystem::path& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)), path_(path) {
    if (fd_.get() < 0) throw Error("cannot open " + path.string() + " for writing: " + std::strerror(errno));
}

RecordsWriter::~RecordsWriter() = default;

void RecordsWriter::append(const Record& r) {
    const std::string line = to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard lock(mu_);
    if (failed_) throw Error("cannot append to " + path_.string() + ": an earlier append failed");
    std::size_t done = 0;
    int err = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd_.get(), line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            err = n < 0 ? errno : ENOSPC;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    if (err == 0 && ::fdatasync(fd_.get()) != 0) err = errno;
    if (err != 0) {
        failed_ = true;
        // Cut the part of the line that reached the file, so that every line in it is a whole record.
        if (::ftruncate(fd_.get(), kept_) == 0) ::fdatasync(fd_.get());
        throw Error("cannot append to " + path_.string() + ": " + std::strerror(err));
    }
    kept_ += static_cast<off_t>(line.size());
}

std::vector<Record> read_records(const std::filesystem::path& path) {
    const std::string text = read_report_text(path);  // bounded; a FIFO or a device is an error
    if (const auto nul = text.find('\0'); nul != std::string::npos)
        throw Error(fmt::format("{}: a NUL byte at offset {} (records are JSON text, which has none)", path.string(),
                                nul));
    std::vector<Record> out;
    std::string_view rest = text;
    for (int n = 1; !rest.empty(); ++n) {
        const auto end = rest.find('\n');
        const std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (line.empty()) continue;
        try {
            out.push_back(record_from_json(parse_report_json(line)));
        } catch (const std::exception& e) {
            throw Error(path.string() + ":" + std::to_string(n) + ": not a record: " + e.what());
        }
    }
    return out;
}

}  // namespace sh
