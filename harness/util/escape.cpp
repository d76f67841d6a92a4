#include "util/escape.h"

#include <algorithm>

#include <fmt/format.h>

namespace sh {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Decodes one code point at `s[i]` following the Unicode "maximal subpart" rule (as WHATWG
/// decoders do). Returns false, with `len` = bytes to replace by one U+FFFD, when invalid.
bool decode(std::string_view s, std::size_t i, char32_t& cp, std::size_t& len) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1, cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2, cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3, cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        len = 1;
        return false;
    }
    for (std::size_t k = 1; k <= need; ++k) {
        if (i + k >= s.size()) {
            len = k;
            return false;
        }
        const auto b = static_cast<unsigned char>(s[i + k]);
        const unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
        if (b < l || b > h) {
            len = k;
            return false;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    len = need + 1;
    return true;
}

}  // namespace

std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F)
                out += fmt::format("\\x{:02x}", b);
            else
                out += static_cast<char>(b);
            ++i;
            continue;
        }
        char32_t cp = 0;
        std::size_t len = 0;
        if (!decode(s, i, cp, len)) {
            out += kReplacement;
        } else if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
                   (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
        } else if (cp == 0xFFFE || cp == 0xFFFF) {
            out += kReplacement;
        } else {
            append_utf8(out, cp);
        }
        i += len;
    }
    return out;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        char32_t cp = 0;
        std::size_t len = 0;
        if (!decode(s, i, cp, len)) return false;
        i += len;
    }
    return true;
}

std::string one_line(std::string_view s) {
    const std::string clean = sanitize_utf8(s);
    std::string out;
    out.reserve(clean.size());
    for (char c : clean) {
        if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else out += c;
    }
    return out;
}

namespace {

std::string xml_escape_impl(std::string_view s, bool attr) {
    const std::string clean = sanitize_utf8(s);
    std::string out;
    out.reserve(clean.size() + clean.size() / 8);
    for (char c : clean) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            case '\n': out += attr ? "&#10;" : "\n"; break;
            case '\t': out += attr ? "&#9;" : "\t"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace

std::string xml_escape(std::string_view s) { return xml_escape_impl(s, false); }
std::string xml_attr_escape(std::string_view s) { return xml_escape_impl(s, true); }

std::string html_escape(std::string_view s) {
    const std::string clean = sanitize_utf8(s);
    std::string out;
    out.reserve(clean.size() + clean.size() / 8);
    for (char c : clean) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string markdown_escape(std::string_view s) {
    const std::string clean = sanitize_utf8(s);
    std::string out;
    out.reserve(clean.size() + clean.size() / 8);
    for (char c : clean) {
        switch (c) {
            case '\\': case '`': case '|': case '*':
            case '[': case ']': case '<': case '>': case '&':
                out += '\\';
                out += c;
                break;
            case '\n': out += " \xE2\x86\xB5 "; break;  // " ↵ "
            default: out += c;
        }
    }
    return out;
}

namespace {

/// `s` with `prose` applied to the text outside backtick pairs and `code` to the text inside one
/// (an empty pair, or a backtick without its partner, is prose).
template <typename Prose, typename Code>
std::string with_code_spans(std::string_view s, Prose prose, Code code) {
    std::string out;
    for (;;) {
        const std::size_t open = s.find('`');
        const std::size_t close = open == std::string_view::npos ? open : s.find('`', open + 1);
        if (close == std::string_view::npos) return out + prose(s);
        if (close == open + 1) {
            out += prose(s.substr(0, close + 1));
        } else {
            out += prose(s.substr(0, open));
            out += code(s.substr(open + 1, close - open - 1));
        }
        s.remove_prefix(close + 1);
    }
}

}  // namespace

std::string markdown_with_code(std::string_view s) {
    return with_code_spans(s, markdown_escape, [](std::string_view c) {
        std::string clean = sanitize_utf8(c);
        std::replace(clean.begin(), clean.end(), '\n', ' ');
        return "`" + clean + "`";
    });
}

std::string html_with_code(std::string_view s) {
    return with_code_spans(s, html_escape, [](std::string_view c) { return "<code>" + html_escape(c) + "</code>"; });
}

std::string_view truncate_utf8(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return s;
    std::size_t n = max_bytes;
    // Back off continuation bytes, then the lead byte whose sequence would be cut.
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
}

std::string ellipsize(std::string_view s, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == max_chars)
            return std::string(s.substr(0, i)) + "\xE2\x80\xA6";  // "…"
    }
    return std::string(s);
}

}  // namespace sh
