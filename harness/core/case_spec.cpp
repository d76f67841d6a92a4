#include "core/case_spec.h"

#include <algorithm>

namespace sh {

bool CaseSpec::has_tag(std::string_view tag) const {
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

bool CaseSpec::has_control(std::string_view control) const {
    return std::find(controls.begin(), controls.end(), control) != controls.end();
}

std::vector<std::string> CaseSpec::image_names() const {
    switch (image) {
        case ImageChoice::Base: return {"base"};
        case ImageChoice::Science: return {"science"};
        case ImageChoice::All: return {"base", "science"};
    }
    return {};
}

const char* to_string(CaseKind k) {
    switch (k) {
        case CaseKind::Probe: return "probe";
        case CaseKind::Workload: return "workload";
    }
    return "?";
}

const char* to_string(Expect e) {
    switch (e) {
        case Expect::Report: return "report";
        case Expect::Killed: return "killed";
        case Expect::Timeout: return "timeout";
        case Expect::Exit: return "exit";
    }
    return "?";
}

const char* to_string(ImageChoice i) {
    switch (i) {
        case ImageChoice::Base: return "base";
        case ImageChoice::Science: return "science";
        case ImageChoice::All: return "all";
    }
    return "?";
}

std::optional<CaseKind> case_kind_from_string(std::string_view s) {
    for (CaseKind k : {CaseKind::Probe, CaseKind::Workload})
        if (s == to_string(k)) return k;
    return std::nullopt;
}

std::optional<Expect> expect_from_string(std::string_view s) {
    for (Expect e : {Expect::Report, Expect::Killed, Expect::Timeout, Expect::Exit})
        if (s == to_string(e)) return e;
    return std::nullopt;
}

std::optional<ImageChoice> image_choice_from_string(std::string_view s) {
    for (ImageChoice i : {ImageChoice::Base, ImageChoice::Science, ImageChoice::All})
        if (s == to_string(i)) return i;
    return std::nullopt;
}

}  // namespace sh
