#include "slot_broker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace pool {
namespace {

TEST(SlotBroker, AReadySlotIsTakenAtOnceWithoutWaiting) {
    SlotBroker<int> b(0);
    b.put(7);
    std::chrono::steady_clock::duration waited{};
    auto [slot, err] = b.take(&waited);
    ASSERT_TRUE(slot);
    EXPECT_EQ(7, *slot);
    EXPECT_FALSE(err);
}

TEST(SlotBroker, WithNoSlotAndAFullQueueTheRequestIsRefused) {
    SlotBroker<int> b(0);
    auto [slot, err] = b.take(nullptr);
    EXPECT_FALSE(slot);
    ASSERT_TRUE(err);
    EXPECT_EQ(TakeError::QueueFull, *err);
}

TEST(SlotBroker, AWaitingRequestGetsTheNextSlotAndOneMoreThanTheQueueIsRefused) {
    SlotBroker<int> b(1);
    std::atomic<int> got{-1};
    std::thread waiter([&] {
        auto [slot, err] = b.take(nullptr);
        got = slot ? *slot : -2;
    });
    while (b.waiting() == 0) std::this_thread::yield();  // established: one request waits
    auto [slot, err] = b.take(nullptr);
    ASSERT_TRUE(err);
    EXPECT_EQ(TakeError::QueueFull, *err);
    b.put(3);
    waiter.join();
    EXPECT_EQ(3, got);
}

TEST(SlotBroker, WaitersAreServedFirstComeFirstServed) {
    SlotBroker<int> b(2);
    std::atomic<int> first{-1}, second{-1};
    std::thread a([&] { first = *b.take(nullptr).first; });
    while (b.waiting() < 1) std::this_thread::yield();
    std::thread c([&] { second = *b.take(nullptr).first; });
    while (b.waiting() < 2) std::this_thread::yield();
    b.put(1);
    while (first == -1 && second == -1) std::this_thread::yield();
    EXPECT_EQ(1, first);
    EXPECT_EQ(-1, second);
    b.put(2);
    a.join();
    c.join();
    EXPECT_EQ(2, second);
}

TEST(SlotBroker, StopWakesWaitersAndReturnsTheReadySlots) {
    SlotBroker<int> b(1);
    std::atomic<bool> stopped{false};
    std::thread waiter([&] { stopped = b.take(nullptr).second == TakeError::Stopping; });
    while (b.waiting() == 0) std::this_thread::yield();
    EXPECT_TRUE(b.stop().empty());
    waiter.join();
    EXPECT_TRUE(stopped);
    b.put(5);  // a slot that finished starting after the stop
    EXPECT_EQ(TakeError::Stopping, b.take(nullptr).second);
}

TEST(SlotBroker, DeadSlotsAreRemovedAndNeverHandedOut) {
    SlotBroker<int> b(0);
    b.put(1);
    b.put(-1);
    b.put(2);
    const auto dead = b.remove_if([](int s) { return s < 0; });
    ASSERT_EQ(1u, dead.size());
    EXPECT_EQ(-1, dead[0]);
    EXPECT_EQ(1, *b.take(nullptr).first);
    EXPECT_EQ(2, *b.take(nullptr).first);
}

}  // namespace
}  // namespace pool
