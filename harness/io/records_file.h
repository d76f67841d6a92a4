#pragma once
/// records.jsonl: one judged Record per line, appended and flushed as each case is judged, so a
/// crash or an interrupt loses nothing already judged.

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <vector>

#include "util/error.h"

#include "core/record.h"

namespace sh {

class RecordsWriter {
public:
    /// Truncates (or creates) the file. Throws Error naming the path and errno text.
    explicit RecordsWriter(const std::filesystem::path&);
    ~RecordsWriter();
    RecordsWriter(const RecordsWriter&) = delete;
    RecordsWriter& operator=(const RecordsWriter&) = delete;
    /// Thread-safe.
    void append(const Record&);

private:
    std::mutex mu_;
    std::FILE* f_ = nullptr;
    std::filesystem::path path_;
};

/// Reads a records.jsonl; a malformed line is an error naming FILE:LINE.
std::vector<Record> read_records(const std::filesystem::path&);

}  // namespace sh
