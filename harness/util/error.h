#pragma once
/// The harness's one fatal error: something a user must fix (bad input, no engine, a missing
/// image, a full disk), never a verdict about the sandbox. Its message names what failed, with
/// what, and what to do next. Every exception type of the harness derives from it; `main` catches
/// it and exits 2 (README.md, "Exit status").

#include <stdexcept>
#include <string>

namespace sh {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// "CALL(ARG): strerror(err)", for a failed libc call.
std::string syscall_message(const char* call, const std::string& arg, int err);

}  // namespace sh
