#include "reports/annotations.h"

#include <fmt/format.h>

#include "util/escape.h"

namespace sh {

namespace {

std::string escape_data(std::string_view s) {
    std::string out;
    for (char c : sanitize_utf8(s)) {
        if (c == '%') out += "%25";
        else if (c == '\r') out += "%0D";
        else if (c == '\n') out += "%0A";
        else out += c;
    }
    return out;
}

std::string escape_property(std::string_view s) {
    std::string out;
    for (char c : escape_data(s)) {
        if (c == ':') out += "%3A";
        else if (c == ',') out += "%2C";
        else out += c;
    }
    return out;
}

}  // namespace

std::string github_annotations(const RunReport& report) {
    std::string out;
    for (const Record* r : sorted_records(report.records)) {
        const Verdict v = r->judgement.verdict;
        if (!makes_run_fail(v)) continue;
        const std::string reason = r->judgement.reasons.empty() ? "" : r->judgement.reasons.front();
        std::string props;
        if (!r->script.empty()) props = "file=" + escape_property(r->script) + ",line=1,";
        props += "title=" + escape_property(fmt::format("{} {}", to_string(v), case_label(*r)));
        out += fmt::format("::error {}::{}\n", props, escape_data(ellipsize(reason, 500)));
    }
    return out;
}

}  // namespace sh
