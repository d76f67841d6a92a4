#pragma once
/// The pool's wire formats, pure (no I/O): what a client sends, what a slot's PID 1 reads
/// (sandbox/slot_init.py: the same request, forwarded byte for byte), and the frames a client gets
/// back. sandbox/README.md ("Warm slots") describes them for other clients.
///
/// Request: `SBX1 <script_len> <name_len> <flags_len> <nargs> <arg_len>...\n`, then the name (the
/// script's path on the client's host, only for messages), the profile flags (the launcher's
/// line of flags: the pool refuses a script whose profile is not its own; empty = the pool's),
/// the arguments, the script.
/// Response: frames `<type> <u32 big-endian length> <payload>`: 'o' stdout bytes, 'e' stderr
/// bytes, 'x' the exit status in decimal (the last frame).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pool {

inline constexpr std::size_t kMaxHeaderBytes = 8192;      ///< slot_init.py's MAX_HEADER
inline constexpr std::size_t kMaxArgumentBytes = 1 << 16;  ///< name + flags + arguments

struct Request {
    std::string name;
    std::string flags;
    std::vector<std::string> args;
    std::string script;
};

/// The lengths a header announces; the bytes follow it.
struct RequestHeader {
    std::size_t script_len = 0;
    std::size_t name_len = 0;
    std::size_t flags_len = 0;
    std::vector<std::size_t> arg_lens;
    std::size_t body_len() const;  ///< everything after the header line
};

std::string encode_request(const Request&);
/// The header line without its '\n'. An error names what is wrong: "malformed request header",
/// "script of N bytes is over the cap of M bytes", "name, flags and arguments over 65536 bytes".
std::variant<RequestHeader, std::string> parse_header(std::string_view line, std::size_t max_script_bytes);
/// Splits a body of exactly header.body_len() bytes.
Request split_body(const RequestHeader&, std::string_view body);

enum class FrameType : char { Stdout = 'o', Stderr = 'e', Exit = 'x' };
std::string encode_frame(FrameType, std::string_view payload);

struct Frame {
    FrameType type;
    std::string payload;
};

/// Reassembles frames from a byte stream that arrives in pieces.
class FrameReader {
public:
    void feed(std::string_view bytes) { buffer_.append(bytes); }
    /// The next whole frame; nullopt until one is complete. Throws std::runtime_error on an
    /// unknown frame type (the stream is not a pool's).
    std::optional<Frame> next();

private:
    std::string buffer_;
};

/// The slot's exit line in one of its streams (sandbox/slot_init.py):
/// `\0SANDBOX-SLOT-EXIT:<token>:<status>\n`, written by PID 1 after the script, with a token the
/// pool made for this run and the script never sees. Bytes that might be the start of that line
/// are held back until it is clear that they are not.
class ExitTrailer {
public:
    explicit ExitTrailer(std::string token);
    /// The bytes of `chunk` (and of earlier held ones) that are the script's output for sure.
    std::string feed(std::string_view chunk);
    /// At the end of the stream without a trailer: the held bytes.
    std::string finish();
    /// The status, once the whole line has been seen (then nothing more is output).
    std::optional<int> status() const { return status_; }

private:
    std::string marker_, held_;
    std::optional<int> status_;
};

/// The first word where two profile-flag lines differ, as "pool: X, script: Y" (a missing word
/// is "(none)"); "" when they are equal.
std::string first_difference(std::string_view pool_flags, std::string_view script_flags);

}  // namespace pool
