#include "core/chaos.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace sh {

const char* to_string(FaultStatus s) {
    switch (s) {
        case FaultStatus::Held: return "held";
        case FaultStatus::Broken: return "broken";
        case FaultStatus::Skipped: return "skipped";
    }
    return "broken";
}

nlohmann::json to_json(const FaultResult& f) {
    nlohmann::json j = {{"fault", f.fault},       {"injected", f.injected}, {"expected", f.expected},
                        {"observed", f.observed}, {"status", to_string(f.status)}};
    if (!f.reason.empty()) j["reason"] = f.reason;
    if (f.recovery_s) j["recovery_s"] = *f.recovery_s;
    if (f.deadline_overrun_s) j["deadline_overrun_s"] = *f.deadline_overrun_s;
    return j;
}

nlohmann::json to_json(const std::vector<FaultResult>& faults) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& f : faults) rows.push_back(to_json(f));
    return rows;
}

std::optional<double> parse_engine_time(const std::string& text) {
    std::tm tm{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &consumed) != 6 || consumed != 19)
        return std::nullopt;
    if (tm.tm_year < 1970) return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    double fraction = 0, scale = 0.1;
    std::size_t i = 19;
    if (i < text.size() && text[i] == '.')
        for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, scale /= 10) fraction += (text[i] - '0') * scale;
    if (i + 1 != text.size() || text[i] != 'Z') return std::nullopt;
    return static_cast<double>(timegm(&tm)) + fraction;
}

int chaos_exit_status(const std::vector<FaultResult>& faults) {
    return std::any_of(faults.begin(), faults.end(), [](const FaultResult& f) { return f.status == FaultStatus::Broken; })
               ? 1
               : 0;
}

}  // namespace sh
