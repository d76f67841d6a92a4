#pragma once
/// Worker threads that cannot end the process: an exception thrown on one of them (a full disk
/// while appending a record, an engine that went away) is carried to the caller and rethrown once
/// every thread has finished, instead of reaching std::terminate.

#include <algorithm>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace sh {

/// Runs `fn` on `n` threads (at least one) and waits for all of them. The first exception any of
/// them threw is rethrown after the join; the others are dropped.
inline void run_on_threads(int n, const std::function<void()>& fn) {
    std::mutex mu;
    std::exception_ptr first;
    {
        std::vector<std::jthread> threads;  // joined on every path, also when emplace_back throws
        for (int i = 0; i < std::max(1, n); ++i)
            threads.emplace_back([&] {
                try {
                    fn();
                } catch (...) {
                    std::lock_guard lock(mu);
                    if (!first) first = std::current_exception();
                }
            });
    }
    if (first) std::rethrow_exception(first);
}

/// One background task beside the caller's own work: started at construction, joined by wait()
/// or the destructor, its exception rethrown by wait().
class BackgroundTask {
public:
    explicit BackgroundTask(std::function<void()> fn)
        : thread_([this, fn = std::move(fn)] {
              try {
                  fn();
              } catch (...) {
                  error_ = std::current_exception();
              }
          }) {}
    void wait() {
        if (thread_.joinable()) thread_.join();
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    std::exception_ptr error_;
    std::jthread thread_;  ///< last: it starts once error_ exists, and joins first
};

}  // namespace sh
