#include "util/word_lines.h"

#include <cstring>

namespace sh {

WordLines::WordLines(std::string word, std::size_t keep, std::size_t max_line)
    : word_(std::move(word)), keep_(keep), max_line_(max_line) {}

void WordLines::end_line() {
    if (deciding_ && (head_ == word_ || head_ == word_ + "\r")) matching_ = true;
    if (matching_) {
        ++count_;
        if (!head_.empty() && head_.back() == '\r') head_.pop_back();
        if (kept_.size() < keep_) kept_.push_back(head_);
    }
    head_.clear();
    deciding_ = true;
    matching_ = false;
}

void WordLines::feed(std::string_view chunk) {
    std::size_t i = 0;
    while (i < chunk.size()) {
        if (!deciding_ && !matching_) {
            // Not ours: skip to the end of the line.
            const void* nl = std::memchr(chunk.data() + i, '\n', chunk.size() - i);
            if (!nl) return;
            i = static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data()) + 1;
            end_line();
            continue;
        }
        const char c = chunk[i++];
        if (c == '\n') {
            end_line();
            continue;
        }
        if (head_.size() < max_line_) head_ += c;
        if (!deciding_) continue;
        const std::size_t n = head_.size();
        if (n <= word_.size()) {
            if (c != word_[n - 1]) deciding_ = false;  // differs within the word
        } else if (n == word_.size() + 1) {
            if (c == ' ') {
                deciding_ = false;
                matching_ = true;
            } else if (c != '\r') {
                deciding_ = false;  // "WORDx": another word
            }  // "WORD\r": a match only if the line ends here
        } else {
            deciding_ = false;
        }
    }
}

void WordLines::finish() {
    if (!head_.empty() || matching_) end_line();
}

}  // namespace sh
