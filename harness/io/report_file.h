#pragma once
/// Reading back what a run wrote (report.json, records.jsonl) for merge, compare, run --baseline
/// and chaos: through util/files.h read_regular_file, so that a FIFO, a device or a directory in
/// a report's place is an error at once instead of a hang, and a file larger than any night's
/// report is refused before it is read.

#include <cstddef>
#include <filesystem>
#include <string>

#include "core/run_report.h"

namespace sh {

/// The most a report.json or records.jsonl may have: a nightly report is a few MiB (each record
/// keeps at most 64 KiB of output per stream), so this leaves room for far larger nights.
inline constexpr std::size_t kReportMaxBytes = std::size_t{64} << 20;

/// The whole text of a report file. Throws Error naming the file: not a regular file (and which
/// kind it is), more than kReportMaxBytes ("FILE is N bytes, more than the 64 MiB a report may
/// have"), or unreadable.
std::string read_report_text(const std::filesystem::path&);

/// Reads a report.json written by `run` (meta and records), strictly (core/record.h
/// parse_report_json, record_from_json). Errors name the file and what is wrong in it.
RunReport read_report(const std::filesystem::path&);

}  // namespace sh
