#include "cli/report_files.h"

#include <fmt/format.h>

#include "util/error.h"
#include "util/files.h"

namespace sh {

void write_reports(const RunReport& report, const std::filesystem::path& out_dir, RenderOptions opts) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) throw Error(fmt::format("create_directories({}): {}", out_dir.string(), ec.message()));
    for (const auto& e : all_exporters(opts)) write_atomically(out_dir / e->file_name(), e->render(report));
}

}  // namespace sh
