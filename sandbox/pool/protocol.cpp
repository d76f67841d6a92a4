#include "protocol.h"

#include <charconv>
#include <stdexcept>

namespace pool {

namespace {

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] != ' ') ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

std::optional<std::size_t> number(std::string_view w) {
    if (w.empty() || w.size() > 12) return std::nullopt;
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec != std::errc() || end != w.data() + w.size()) return std::nullopt;
    return v;
}

}  // namespace

std::size_t RequestHeader::body_len() const {
    std::size_t n = script_len + name_len + flags_len;
    for (auto l : arg_lens) n += l;
    return n;
}

std::string encode_request(const Request& r) {
    std::string out = "SBX1 " + std::to_string(r.script.size()) + " " + std::to_string(r.name.size()) + " " +
                      std::to_string(r.flags.size()) + " " + std::to_string(r.args.size());
    for (const auto& a : r.args) out += " " + std::to_string(a.size());
    out += "\n";
    out += r.name;
    out += r.flags;
    for (const auto& a : r.args) out += a;
    out += r.script;
    return out;
}

std::variant<RequestHeader, std::string> parse_header(std::string_view line, std::size_t max_script_bytes) {
    const std::string malformed = "malformed request header";
    if (line.size() >= kMaxHeaderBytes) return std::string("request header too long");
    const auto w = words(line);
    if (w.size() < 5 || w[0] != "SBX1") return malformed;
    std::vector<std::size_t> n;
    for (std::size_t i = 1; i < w.size(); ++i) {
        auto v = number(w[i]);
        if (!v) return malformed;
        n.push_back(*v);
    }
    RequestHeader h{n[0], n[1], n[2], {n.begin() + 4, n.end()}};
    if (h.arg_lens.size() != n[3]) return malformed;
    if (h.script_len > max_script_bytes)
        return "script of " + std::to_string(h.script_len) + " bytes is over the cap of " +
               std::to_string(max_script_bytes) + " bytes";
    if (h.body_len() - h.script_len > kMaxArgumentBytes)
        return "name, flags and arguments over " + std::to_string(kMaxArgumentBytes) + " bytes";
    return h;
}

Request split_body(const RequestHeader& h, std::string_view body) {
    Request r;
    std::size_t at = 0;
    auto take = [&](std::size_t n) {
        std::string s(body.substr(at, n));
        at += n;
        return s;
    };
    r.name = take(h.name_len);
    r.flags = take(h.flags_len);
    for (auto l : h.arg_lens) r.args.push_back(take(l));
    r.script = take(h.script_len);
    return r;
}

std::string encode_frame(FrameType type, std::string_view payload) {
    std::string out(1, static_cast<char>(type));
    const auto n = static_cast<std::uint32_t>(payload.size());
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
    out += payload;
    return out;
}

std::optional<Frame> FrameReader::next() {
    if (buffer_.size() < 5) return std::nullopt;
    const char t = buffer_[0];
    if (t != 'o' && t != 'e' && t != 'x') throw std::runtime_error("unknown frame type from the pool");
    std::uint32_t n = 0;
    for (int i = 1; i <= 4; ++i) n = (n << 8) | static_cast<unsigned char>(buffer_[i]);
    if (buffer_.size() < 5 + std::size_t{n}) return std::nullopt;
    Frame f{static_cast<FrameType>(t), buffer_.substr(5, n)};
    buffer_.erase(0, 5 + std::size_t{n});
    return f;
}

ExitTrailer::ExitTrailer(std::string token) : marker_(std::string(1, '\0') + "SANDBOX-SLOT-EXIT:" + token + ":") {}

std::string ExitTrailer::feed(std::string_view chunk) {
    if (status_) return "";
    held_.append(chunk);
    const auto at = held_.find(marker_);
    if (at != std::string::npos) {
        std::string out = held_.substr(0, at);
        held_.erase(0, at);
        const auto eol = held_.find('\n');
        if (eol != std::string::npos) {
            const std::string digits = held_.substr(marker_.size(), eol - marker_.size());
            int v = 0;
            const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
            status_ = (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty()) ? v : 125;
            held_.clear();
        } else if (held_.size() > marker_.size() + 16) {
            status_ = 125;  // not a status: PID 1 wrote something else
            held_.clear();
        }
        return out;
    }
    // Hold back the longest tail that is a start of the marker.
    std::size_t keep = std::min(held_.size(), marker_.size() - 1);
    while (keep > 0 && held_.compare(held_.size() - keep, keep, marker_, 0, keep) != 0) --keep;
    std::string out = held_.substr(0, held_.size() - keep);
    held_.erase(0, held_.size() - keep);
    return out;
}

std::string ExitTrailer::finish() {
    std::string out;
    out.swap(held_);
    return status_ ? "" : out;
}

std::string first_difference(std::string_view pool_flags, std::string_view script_flags) {
    const auto a = words(pool_flags), b = words(script_flags);
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        const std::string_view x = i < a.size() ? a[i] : "(none)", y = i < b.size() ? b[i] : "(none)";
        if (x != y) return "pool: " + std::string(x) + ", script: " + std::string(y);
    }
    return "";
}

}  // namespace pool
