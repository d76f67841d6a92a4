#pragma once
/// records.jsonl: one judged Record per line, appended, flushed and fdatasync'ed as each case is
/// judged, so neither a crash of the harness nor one of the host loses a record already judged.
/// One fdatasync per case: a case takes at least a container's start (~0.2 s here), the sync a
/// few milliseconds (harness_bench BM_RecordsAppend), and a nightly run has a few hundred cases.
/// Only whole lines stay: a line the disk could not take in full (ENOSPC halfway) is cut off again,
/// so a reader finds every record that was kept and nothing else.

#include <sys/types.h>
#include <filesystem>
#include <mutex>
#include <vector>

#include "util/error.h"
#include "util/files.h"

#include "core/record.h"

namespace sh {

/// Where a run's judged records go as each case is judged: records.jsonl (RecordsWriter), or a
/// test's memory (testing/fake_world.h).
class RecordSink {
public:
    virtual ~RecordSink() = default;
    /// Thread-safe. Throws Error naming what could not be written; after a failure every later
    /// append throws too.
    virtual void append(const Record&) = 0;
};

class RecordsWriter final : public RecordSink {
public:
    /// Truncates (or creates) the file. Throws Error naming the path and errno text.
    explicit RecordsWriter(const std::filesystem::path&);
    ~RecordsWriter() override;
    RecordsWriter(const RecordsWriter&) = delete;
    RecordsWriter& operator=(const RecordsWriter&) = delete;
    /// Thread-safe. Throws Error naming the path and errno text (a full disk: ENOSPC) when the line
    /// cannot be written and synced (what part of it was written is truncated away); after a
    /// failure every later append throws too.
    void append(const Record&) override;

private:
    std::mutex mu_;
    UniqueFd fd_;
    off_t kept_ = 0;  ///< bytes of whole lines written and synced
    bool failed_ = false;
    std::filesystem::path path_;
};

/// Reads a records.jsonl; a malformed line is an error naming FILE:LINE.
std::vector<Record> read_records(const std::filesystem::path&);

}  // namespace sh
