#include "exporter.h"

namespace sh {

/// Member order is fixed (schema_version first) so the file reads top-down; records are sorted by
/// (case_id, image, repetition). Invalid UTF-8 in record text is replaced by U+FFFD, because JSON
/// strings must be Unicode; control characters are kept, as JSON escapes (\u001b, \u0000).
std::string JsonExporter::render(const RunReport& report) const {
    nlohmann::ordered_json j;
    j["schema_version"] = kReportSchemaVersion;
    j["meta"] = to_json(report.meta);
    j["summary"] = to_json(summarize(report.records));
    nlohmann::json records = nlohmann::json::array();
    for (const Record* r : sorted_records(report.records)) records.push_back(to_json(*r));
    j["records"] = std::move(records);
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace sh
