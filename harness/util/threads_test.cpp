#include "util/threads.h"

#include <atomic>
#include <stdexcept>

#include <gtest/gtest.h>

namespace sh {
namespace {

TEST(RunOnThreads, AnExceptionOnAWorkerIsRethrownAfterAllFinishedNotTerminate) {
    std::atomic<int> finished{0};
    std::atomic<int> started{0};
    EXPECT_THROW(run_on_threads(4,
                                [&] {
                                    if (started++ == 0) throw std::runtime_error("disk full");
                                    ++finished;
                                }),
                 std::runtime_error);
    EXPECT_EQ(3, finished.load());
}

TEST(BackgroundTask, RethrowsItsExceptionOnWaitAndJoinsOnDestruction) {
    BackgroundTask failing([] { throw std::runtime_error("engine away"); });
    EXPECT_THROW(failing.wait(), std::runtime_error);
    std::atomic<bool> ran{false};
    { BackgroundTask t([&] { ran = true; }); }  // no wait(): the destructor joins
    EXPECT_TRUE(ran.load());
}

}  // namespace
}  // namespace sh
