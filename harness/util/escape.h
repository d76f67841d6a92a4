#pragma once
/// Text hygiene: the one escaper. A probe may print anything on purpose (terminal escapes, NUL
/// bytes, invalid UTF-8, markup, bidi overrides that reorder what a reader sees); every report and
/// every console line must stay valid and readable whatever it printed, so all record text goes
/// through sanitize_utf8 (or a function built on it) before it reaches a renderer or a terminal.

#include <string>
#include <string_view>

namespace sh {

/// Returns valid UTF-8 that is safe in XML 1.0 and on a terminal: each maximal invalid UTF-8
/// subsequence becomes U+FFFD; control characters other than \n and \t (C0, DEL, and C1
/// U+0080..U+009F) become visible escapes (`\x1b`, `\x00`, `\x7f`, `\u009b`); so do the
/// characters that reorder or break lines behind a reader's back (bidi embeddings, overrides and
/// isolates U+202A..U+202E, U+2066..U+2069, and the separators U+2028, U+2029: `\u202e`);
/// U+FFFE and U+FFFF (not XML characters) become U+FFFD. A literal backslash is kept as is.
std::string sanitize_utf8(std::string_view);

/// True when `s` is well-formed UTF-8 (no stray, truncated, overlong or surrogate sequence).
bool valid_utf8(std::string_view s);
/// sanitize_utf8 for one line of a console or a message: \n and \t shown as `\n`, `\t`.
std::string one_line(std::string_view);

/// XML character data: sanitize_utf8, then & < > " ' as entities (so `]]>` and markup are inert).
std::string xml_escape(std::string_view);
/// An XML attribute value: as xml_escape, and \n, \t as &#10; &#9; so that parsers keep them
/// instead of normalising them to spaces.
std::string xml_attr_escape(std::string_view);

/// HTML text and attribute values (double- or single-quoted): sanitize_utf8, then & < > " '.
std::string html_escape(std::string_view);

/// Inline Markdown (also inside table cells): sanitize_utf8, then a backslash before each of
/// \ ` | * [ ] < > &, and each newline shown as " ↵ " so one value stays on one line. `_` is
/// left alone: identifiers such as SANDBOX_MEMORY are common, and GFM does not emphasise
/// intraword underscores.
std::string markdown_escape(std::string_view);

/// The harness's own prose in which `…` marks code (a command, a file name), never untrusted
/// text: each backtick pair becomes a code span (its content sanitize_utf8'd, newlines as spaces),
/// the text around it markdown_escape'd; an unpaired backtick stays a literal one. Not for table
/// cells (a `|` in a span would end the cell).
std::string markdown_with_code(std::string_view);
/// The same prose as HTML: each backtick pair becomes <code>…</code>, everything html_escape'd.
std::string html_with_code(std::string_view);

/// At most `max_bytes` bytes of `s`, cut back to a UTF-8 boundary (never splits a sequence).
std::string_view truncate_utf8(std::string_view s, std::size_t max_bytes);

/// `s`, shortened to about `max_chars` code points with "…" appended when it was cut.
std::string ellipsize(std::string_view s, std::size_t max_chars);

}  // namespace sh
