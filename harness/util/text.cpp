#include "util/text.h"

namespace sh {

namespace {
constexpr std::string_view kBlank = " \t\r";
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(kBlank);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(kBlank) - first + 1);
}

std::string_view trim_right(std::string_view s) {
    const auto last = s.find_last_not_of(kBlank);
    return last == std::string_view::npos ? std::string_view{} : s.substr(0, last + 1);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const auto pos = s.find(sep, start);
        out.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
        if (pos == std::string_view::npos) return out;
        start = pos + 1;
    }
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> out;
    if (text.empty()) return out;
    if (text.back() == '\n') text.remove_suffix(1);
    for (auto line : split(text, '\n')) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
    }
    return out;
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

std::string join_key_values(const std::map<std::string, std::string>& kv) {
    std::string out;
    for (const auto& [k, v] : kv) {
        if (!out.empty()) out += ' ';
        out += k + "=" + v;
    }
    return out;
}

}  // namespace sh
