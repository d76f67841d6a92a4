#include "io/report_file.h"

#include <system_error>

#include <fmt/format.h>

#include "util/error.h"
#include "util/files.h"

namespace sh {

std::string read_report_text(const std::filesystem::path& path) {
    std::string error;
    if (auto text = read_regular_file(path, kReportMaxBytes, error)) return std::move(*text);
    if (error.starts_with("larger than")) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(path, ec);  // it may have grown while being read
        const std::string bytes = ec ? "more than that" : fmt::format("{} bytes", size);
        throw Error(fmt::format("{} is {}, more than the {} MiB a report may have", path.string(), bytes,
                                kReportMaxBytes >> 20));
    }
    if (error.starts_with("not a regular file"))
        throw Error(fmt::format("cannot read {}: {}; a report is a regular file", path.string(), error));
    throw Error(fmt::format("cannot read {}: {}", path.string(), error));
}

RunReport read_report(const std::filesystem::path& path) {
    const std::string text = read_report_text(path);
    try {
        const nlohmann::json j = parse_report_json(text);
        if (!j.is_object()) throw RecordError(fmt::format("expected an object, got {}", j.type_name()));
        RunReport report;
        report.meta = run_meta_from_json(j.at("meta"));
        const nlohmann::json& records = j.at("records");
        if (!records.is_array()) throw RecordError(fmt::format("records: expected an array, got {}", records.type_name()));
        for (const auto& r : records) report.records.push_back(record_from_json(r));
        return report;
    } catch (const std::exception& e) {
        throw Error(path.string() + ": not a sandbox-harness report.json: " + e.what());
    }
}

}  // namespace sh
