#include "reports/exporter.h"

namespace sh {

namespace {

std::string dump(const nlohmann::json& j) { return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); }

/// Appends `text`, indenting every line after the first by `indent` spaces. `text` is a JSON dump:
/// its only raw newlines are between tokens (a newline inside a string is the escape "\n").
void append_indented(std::string& out, const std::string& text, std::size_t indent) {
    std::size_t from = 0;
    for (std::size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1) {
        out.append(text, from, nl + 1 - from);
        out.append(indent, ' ');
    }
    out.append(text, from);
}

}  // namespace

/// Member order is fixed (schema_version first) so the file reads top-down; records are sorted by
/// (case_id, image, repetition). Invalid UTF-8 in record text is replaced by U+FFFD, because JSON
/// strings must be Unicode; control characters are kept, as JSON escapes (\u001b, \u0000).
///
/// The output is exactly the two-space-indented dump of one {schema_version, meta, summary,
/// records} object, but it is assembled from one dump per record: building that object as a single
/// tree first took several times longer for large runs (BM_Render<JsonExporter>).
std::string JsonExporter::render(const RunReport& report) const {
    std::string out = "{\n  \"schema_version\": " + std::to_string(kReportSchemaVersion) + ",\n  \"meta\": ";
    append_indented(out, dump(to_json(report.meta)), 2);
    out += ",\n  \"summary\": ";
    append_indented(out, dump(to_json(summarize(report.records))), 2);
    const std::vector<const Record*> records = sorted_records(report.records);
    if (records.empty()) return out + ",\n  \"records\": []\n}\n";
    out += ",\n  \"records\": [";
    for (std::size_t i = 0; i < records.size(); ++i) {
        out += i ? ",\n    " : "\n    ";
        append_indented(out, dump(to_json(*records[i])), 4);
    }
    return out + "\n  ]\n}\n";
}

}  // namespace sh
