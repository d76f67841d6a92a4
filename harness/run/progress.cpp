#include "run/progress.h"

#include <map>

#include <fmt/format.h>
#include <unistd.h>

#include "util/escape.h"

namespace sh {

std::string progress_line(const Record& r) {
    std::string line = fmt::format("{:<13} {} [{}]", to_string(r.judgement.verdict), r.case_id, r.image);
    if (r.repetition > 0) line += fmt::format(" #{}", r.repetition);
    if (r.launch.started) line += fmt::format(" {:.2f} s", r.launch.wall_ms / 1000.0);
    if (r.judgement.verdict != Verdict::Pass && r.judgement.verdict != Verdict::Contained &&
        !r.judgement.reasons.empty())
        // Probe output reaches the reasons; a terminal must never receive its control bytes.
        line += " — " + ellipsize(one_line(r.judgement.reasons.front()), 200);
    return line;
}

namespace {

class PlainProgress final : public Progress {
public:
    explicit PlainProgress(std::FILE* out) : out_(out) {}
    void begin(std::size_t total) override { total_ = total; }
    void case_started(const std::string&) override {}
    void case_done(const Record& r) override {
        std::lock_guard lock(mu_);
        ++done_;
        fmt::print(out_, "[{}/{}] {}\n", done_, total_, progress_line(r));
        std::fflush(out_);
    }
    void end() override {}

private:
    std::FILE* out_;
    std::mutex mu_;
    std::size_t total_ = 0, done_ = 0;
};

/// Keeps one status line at the bottom; failures scroll above it so they stay visible.
class TtyProgress final : public Progress {
public:
    explicit TtyProgress(std::FILE* out) : out_(out) {}
    void begin(std::size_t total) override { total_ = total; }
    void case_started(const std::string& label) override {
        std::lock_guard lock(mu_);
        redraw(label);
    }
    void case_done(const Record& r) override {
        std::lock_guard lock(mu_);
        ++done_;
        counts_[to_string(r.judgement.verdict)]++;
        const Verdict v = r.judgement.verdict;
        if (v != Verdict::Pass && v != Verdict::Contained && v != Verdict::Skipped)
            fmt::print(out_, "\r\033[2K{}\n", progress_line(r));
        redraw(r.case_id);
    }
    void end() override {
        std::lock_guard lock(mu_);
        fmt::print(out_, "\r\033[2K");
        std::fflush(out_);
    }

private:
    void redraw(const std::string& current) {
        const int width = 24;
        const int filled = total_ ? static_cast<int>(width * done_ / total_) : 0;
        std::string counts;
        for (const auto& [name, n] : counts_) counts += fmt::format(" {} {}", n, name);
        fmt::print(out_, "\r\033[2K[{}{}] {}/{}{}  {}", std::string(filled, '#'),
                   std::string(width - filled, '.'), done_, total_, counts, current);
        std::fflush(out_);
    }

    std::FILE* out_;
    std::mutex mu_;
    std::size_t total_ = 0, done_ = 0;
    std::map<std::string, int> counts_;
};

class SilentProgress final : public Progress {
public:
    void begin(std::size_t) override {}
    void case_started(const std::string&) override {}
    void case_done(const Record&) override {}
    void end() override {}
};

}  // namespace

std::unique_ptr<Progress> make_progress(std::FILE* out) {
    if (isatty(fileno(out))) return std::make_unique<TtyProgress>(out);
    return std::make_unique<PlainProgress>(out);
}

std::unique_ptr<Progress> make_silent_progress() { return std::make_unique<SilentProgress>(); }

}  // namespace sh
