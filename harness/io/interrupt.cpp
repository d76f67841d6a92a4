#include "io/interrupt.h"

#include <csignal>

namespace sh {

namespace {

std::atomic<bool> g_interrupted{false};
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int sig) {
    if (g_interrupted.load()) {
        std::signal(sig, SIG_DFL);
        std::raise(sig);
        return;
    }
    g_signal = sig;
    g_interrupted.store(true);
}

}  // namespace

const std::atomic<bool>& install_interrupt_handler() {
    static const bool installed = [] {
        struct sigaction sa {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
        return true;
    }();
    (void)installed;
    return g_interrupted;
}

int interrupt_signal() { return g_signal; }

}  // namespace sh
