#pragma once
/// Writing a run's reports: every exporter's file, each atomically (util/files.h), so a crash or a
/// full disk never leaves a half-written report behind.

#include <filesystem>

#include "reports/exporter.h"

namespace sh {

/// Creates `out_dir` if needed and writes every exporter's file into it. Throws Error naming the
/// directory or file that could not be written.
void write_reports(const RunReport&, const std::filesystem::path& out_dir, RenderOptions opts = {});

}  // namespace sh
