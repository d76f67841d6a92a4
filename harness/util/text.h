#pragma once
/// String helpers without any domain: splitting, trimming, joining. Views returned point into
/// the argument.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sh {

/// Without leading and trailing spaces, tabs and CRs.
std::string_view trim(std::string_view);
/// Without trailing spaces, tabs and CRs.
std::string_view trim_right(std::string_view);
/// Every piece between separators, empty ones included: split("a,,b", ',') = {"a", "", "b"}.
std::vector<std::string_view> split(std::string_view, char sep);
/// The lines of `text` (split at '\n', each without a trailing '\r'); a final newline ends the
/// last line rather than starting an empty one. "" has no lines.
std::vector<std::string_view> split_lines(std::string_view text);
/// The non-blank words separated by spaces or tabs.
std::vector<std::string_view> words(std::string_view);

/// The items with `sep` between them.
template <typename Range>
std::string join(const Range& items, std::string_view sep) {
    std::string out;
    for (const auto& s : items) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

/// "k1=v1 k2=v2", in key order: labels as the launcher's SANDBOX_LABELS takes them.
std::string join_key_values(const std::map<std::string, std::string>&);

}  // namespace sh
