#pragma once
/// records.jsonl: one judged Record per line, appended, flushed and fdatasync'ed as each case is
/// judged, so neither a crash of the harness nor one of the host loses a record already judged.
/// One fdatasync per case: a case takes at least a container's start (~0.2 s here), the sync a
/// few milliseconds (harness_bench BM_RecordsAppend), and a nightly run has a few hundred cases.

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
    /// Thread-safe. Throws Error naming the path and errno text (a full disk: ENOSPC) when the line
    /// cannot be written and synced; after a failure every later append throws too.
    void append(const Record&);

private:
    std::mutex mu_;
    std::FILE* f_ = nullptr;
    bool failed_ = false;
    std::filesystem::path path_;
};

/// Reads a records.jsonl; a malformed line is an error naming FILE:LINE.
std::vector<Record> read_records(const std::filesystem::path&);

}  // namespace sh
