#include "io/records_file.h"
#include "util/error.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

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
    std::ifstream in(path);
    if (!in) throw Error("cannot read " + path.string() + ": " + std::strerror(errno));
    std::vector<Record> out;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (line.empty()) continue;
        try {
            out.push_back(record_from_json(nlohmann::json::parse(line)));
        } catch (const std::exception& e) {
            throw Error(path.string() + ":" + std::to_string(n) +
                                     ": not a record: " + e.what());
        }
    }
    return out;
}

}  // namespace sh
