#pragma once
/// SIGINT/SIGTERM handling for long runs: the first signal sets a flag that the runner polls
/// (running cases are stopped through their launcher, which removes its container; reports are
/// written from what was judged). A second signal restores the default action and re-raises.

#include <atomic>

namespace sh {

/// Installs the handlers once and returns the flag they set.
const std::atomic<bool>& install_interrupt_handler();
/// The signal that set the flag (0 if none), for the exit status (128 + signal).
int interrupt_signal();

}  // namespace sh
