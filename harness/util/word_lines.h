#pragma once
/// Finds, in a byte stream read in chunks, every line that begins with a given word: the word
/// alone, or the word and a space. It sees the whole stream, however much of it a caller keeps,
/// so a capture cap limits what is stored, never what is inspected.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sh {

class WordLines {
public:
    /// Keeps the first `keep` matching lines, each cut to `max_line` bytes; counts all of them.
    explicit WordLines(std::string word, std::size_t keep = 4, std::size_t max_line = 64 * 1024);

    void feed(std::string_view chunk);
    /// The stream ended: a last line without a newline counts too.
    void finish();

    /// Matching lines seen so far (a line counts once it is complete, or at finish()).
    std::size_t count() const { return count_; }
    /// The first matching lines, without their newline (and without a '\r' before it).
    const std::vector<std::string>& kept() const { return kept_; }

private:
    void end_line();

    std::string word_;
    std::size_t keep_, max_line_;
    std::size_t count_ = 0;
    std::vector<std::string> kept_;
    // The line being read: its first bytes, up to the word and one more byte, decide whether it
    // matches; a matching line is collected (cut at max_line_).
    std::string head_;
    bool deciding_ = true;  ///< still reading the head
    bool matching_ = false;
};

}  // namespace sh
