#pragma once
/// Ready slots and the requests waiting for one: the pool's bounded queue, without I/O (the
/// slots are any movable type, so the tests use integers).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

namespace pool {

enum class TakeError { QueueFull, Stopping };

template <class Slot>
class SlotBroker {
public:
    /// `max_waiting`: how many requests may wait for a slot at once; one more is QueueFull.
    explicit SlotBroker(std::size_t max_waiting) : max_waiting_(max_waiting) {}

    /// A slot became ready; a waiting request (the longest waiting) gets it.
    void put(Slot s) {
        {
            std::lock_guard lock(mutex_);
            ready_.push_back(std::move(s));
        }
        cv_.notify_all();  // the oldest waiter must be among the woken
    }

    /// A ready slot, at once or after waiting in the queue (`waited` says how long).
    /// Waits until a slot comes or stop() is called.
    std::pair<std::optional<Slot>, std::optional<TakeError>> take(std::chrono::steady_clock::duration* waited) {
        const auto start = std::chrono::steady_clock::now();
        std::unique_lock lock(mutex_);
        if (waited) *waited = {};
        if (stopping_) return {std::nullopt, TakeError::Stopping};
        if (ready_.empty()) {
            if (waiting_ >= max_waiting_) return {std::nullopt, TakeError::QueueFull};
            const std::size_t ticket = next_ticket_++;
            ++waiting_;
            // First come, first served: a request waits until it is the oldest waiting one.
            cv_.wait(lock, [&] { return stopping_ || (!ready_.empty() && ticket == serving_); });
            --waiting_;
            ++serving_;
            cv_.notify_all();
            if (waited) *waited = std::chrono::steady_clock::now() - start;
            if (stopping_) return {std::nullopt, TakeError::Stopping};
        }
        Slot s = std::move(ready_.front());
        ready_.pop_front();
        return {std::move(s), std::nullopt};
    }

    /// Removes (and returns) the ready slots `dead` says are gone (a slot that ended at its idle
    /// limit), so that none is handed out.
    std::deque<Slot> remove_if(const std::function<bool(const Slot&)>& dead) {
        std::deque<Slot> out;
        std::lock_guard lock(mutex_);
        for (auto it = ready_.begin(); it != ready_.end();) {
            if (dead(*it)) {
                out.push_back(std::move(*it));
                it = ready_.erase(it);
            } else {
                ++it;
            }
        }
        return out;
    }

    /// Wakes every waiting request with Stopping and returns the ready slots.
    std::deque<Slot> stop() {
        std::deque<Slot> out;
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            out.swap(ready_);
        }
        cv_.notify_all();
        return out;
    }

    std::size_t ready() const {
        std::lock_guard lock(mutex_);
        return ready_.size();
    }
    std::size_t waiting() const {
        std::lock_guard lock(mutex_);
        return waiting_;
    }

private:
    const std::size_t max_waiting_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Slot> ready_;
    std::size_t waiting_ = 0;
    std::size_t next_ticket_ = 0, serving_ = 0;
    bool stopping_ = false;
};

}  // namespace pool
