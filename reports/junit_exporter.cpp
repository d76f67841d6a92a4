#include <map>

#include <fmt/format.h>

#include "util/escape.h"
#include "reports/exporter.h"

namespace sh {

namespace {

struct SuiteCounts {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double time_s = 0;
};

SuiteCounts count(const std::vector<const Record*>& records) {
    SuiteCounts c;
    for (const Record* r : records) {
        ++c.tests;
        const Verdict v = r->judgement.verdict;
        if (is_failure(v)) ++c.failures;
        if (v == Verdict::Error) ++c.errors;
        if (v == Verdict::Skipped) ++c.skipped;
        if (r->launch.started) c.time_s += r->launch.wall_ms / 1000.0;
    }
    return c;
}

std::string counts_attrs(const SuiteCounts& c) {
    return fmt::format(R"(tests="{}" failures="{}" errors="{}" skipped="{}" time="{:.3f}")", c.tests,
                       c.failures, c.errors, c.skipped, c.time_s);
}

std::string property(std::string_view name, std::string_view value, std::string_view indent) {
    return fmt::format("{}<property name=\"{}\" value=\"{}\"/>\n", indent, xml_attr_escape(name),
                       xml_attr_escape(value));
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

std::string first_or(const std::vector<std::string>& v, std::string_view fallback) {
    return v.empty() ? std::string(fallback) : v.front();
}

std::string testcase(const Record& r) {
    const Verdict v = r.judgement.verdict;
    const double time_s = r.launch.started ? r.launch.wall_ms / 1000.0 : 0.0;
    std::string x = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">\n",
                                xml_attr_escape(r.family), xml_attr_escape(case_label(r)), time_s);
    x += "      <properties>\n";
    x += property("verdict", to_string(v), "        ");
    if (r.judgement.stopped_by) x += property("stopped-by", *r.judgement.stopped_by, "        ");
    if (v == Verdict::AcceptedRisk && r.accepted_risk)
        x += property("accepted-risk", fmt::format("Known Weakness {} in sandbox/README.md", *r.accepted_risk),
                      "        ");
    if (!r.profile_name.empty()) x += property("profile", r.profile_name, "        ");
    x += "      </properties>\n";

    const std::vector<std::string> ev = evidence(r);
    if (is_failure(v)) {
        x += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n", to_string(v),
                         xml_attr_escape(first_or(r.judgement.reasons, to_string(v))), xml_escape(join_lines(ev)));
    } else if (v == Verdict::Error) {
        x += fmt::format("      <error type=\"error\" message=\"{}\">{}</error>\n",
                         xml_attr_escape(first_or(r.judgement.reasons, "error")), xml_escape(join_lines(ev)));
    } else if (v == Verdict::Flaky) {
        // Surefire's form for a test that passed when run again, which CI test views count as flaky.
        x += fmt::format("      <flakyFailure type=\"timeout\" message=\"{}\">{}</flakyFailure>\n",
                         xml_attr_escape(first_or(r.judgement.reasons, "flaky")), xml_escape(join_lines(ev)));
    } else if (v == Verdict::Skipped) {
        x += fmt::format("      <skipped message=\"{}\"/>\n",
                         xml_attr_escape(first_or(r.judgement.reasons, "skipped")));
    }

    std::string streams;
    for (const StreamExcerpt& e : {stdout_excerpt(r.launch), stderr_excerpt(r.launch)}) {
        if (e.text.empty()) continue;
        streams += "--- " + xml_escape(e.heading) + " ---\n" + xml_escape(e.text);
        if (e.text.back() != '\n') streams += '\n';
    }
    if (!streams.empty()) x += "      <system-out>" + streams + "</system-out>\n";
    if (v == Verdict::AcceptedRisk) {
        const std::string weakness = r.accepted_risk
            ? fmt::format("accepted risk: Known Weakness {} in sandbox/README.md\n", *r.accepted_risk)
            : std::string("accepted risk\n");
        x += fmt::format("      <system-err>{}{}</system-err>\n", xml_escape(weakness), xml_escape(join_lines(ev)));
    }
    x += "    </testcase>\n";
    return x;
}

}  // namespace

/// One <testsuite> per image (testcases are grouped by family through `classname`, which CI test
/// views show as the class). fail and escaped are <failure>, error is <error>, skipped is
/// <skipped>; accepted-risk passes but names its weakness in a property and in <system-err>;
/// flaky passes with a <flakyFailure> holding the first run's timeout and the load figures.
std::string JUnitExporter::render(const RunReport& report) const {
    std::map<std::string, std::vector<const Record*>> by_image;
    std::vector<const Record*> all = sorted_records(report.records);
    for (const Record* r : all) by_image[r->image].push_back(r);

    const RunMeta& m = report.meta;
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += fmt::format("<testsuites name=\"{}\" {}>\n", xml_attr_escape("sandbox-harness " + m.run_id),
                     counts_attrs(count(all)));
    for (const auto& [image, records] : by_image) {
        x += fmt::format("  <testsuite name=\"{}\" {} timestamp=\"{}\" hostname=\"{}\">\n", xml_attr_escape(image),
                         counts_attrs(count(records)), xml_attr_escape(m.started_at), xml_attr_escape(m.host));
        x += "    <properties>\n";
        x += property("run_id", m.run_id, "      ");
        x += property("profile", profile_label(report), "      ");
        for (const ImageInfo& info : m.images) {
            if (info.name != image) continue;
            x += property("image.tag", info.tag, "      ");
            x += property("image.id", info.id, "      ");
        }
        if (m.interrupted) x += property("interrupted", "true", "      ");
        x += "    </properties>\n";
        for (const Record* r : records) x += testcase(*r);
        x += "  </testsuite>\n";
    }
    x += "</testsuites>\n";
    return x;
}

}  // namespace sh
