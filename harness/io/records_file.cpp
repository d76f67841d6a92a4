#include "io/records_file.h"
#include "util/error.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

namespace sh {

RecordsWriter::RecordsWriter(const std::filesystem::path& path) : path_(path) {
    f_ = std::fopen(path.c_str(), "w");
    if (!f_)
        throw Error("cannot open " + path.string() + " for writing: " +
                                 std::strerror(errno));
}

RecordsWriter::~RecordsWriter() {
    if (f_) std::fclose(f_);
}

void RecordsWriter::append(const Record& r) {
    const std::string line = to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard lock(mu_);
    if (failed_) throw Error("cannot append to " + path_.string() + ": an earlier append failed");
    if (std::fwrite(line.data(), 1, line.size(), f_) != line.size() || std::fflush(f_) != 0 ||
        ::fdatasync(::fileno(f_)) != 0) {
        failed_ = true;  // a partial line may be there now: nothing more is appended after it
        throw Error("cannot append to " + path_.string() + ": " + std::strerror(errno));
    }
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
