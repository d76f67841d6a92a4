#pragma once
/// Progress of a run: a live status line on a terminal, plain lines otherwise.

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "core/record.h"

namespace sh {

class Progress {
public:
    virtual ~Progress() = default;
    virtual void begin(std::size_t total) = 0;
    virtual void case_started(const std::string& label) = 0;
    virtual void case_done(const Record&) = 0;
    virtual void end() = 0;
};

/// Chooses the live line when `out` is a terminal, plain lines otherwise.
std::unique_ptr<Progress> make_progress(std::FILE* out);
/// A progress that prints nothing (for tests and machine output).
std::unique_ptr<Progress> make_silent_progress();

/// "contained  net.tcp-canary [base] 0.31 s" — the one-line form of a record, shared by both.
std::string progress_line(const Record&);

}  // namespace sh
