#pragma once
/// Test-only: what the engine_tests (harness/*/*_engine_test.cpp, the only unit tests that need a
/// Docker engine and an image with /bin/sh) share. They run after the image fixture; without an
/// engine they skip, and under CI=true a skip is a failure.

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io/docker_client.h"

namespace sh::fixture {

inline bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci && std::string(ci) == "true";
}

/// Skips (or, under CI, fails) the calling test when `why` is set.
#define SH_REQUIRE(why)                                                               \
    do {                                                                              \
        if (auto reason_ = (why)) {                                                   \
            if (::sh::fixture::in_ci()) FAIL() << "CI=true and this needs " << *reason_; \
            GTEST_SKIP() << "needs " << *reason_;                                     \
        }                                                                             \
    } while (0)

inline std::optional<std::string> engine_missing() {
    try {
        DockerClient().version();
        return std::nullopt;
    } catch (const DockerError& e) {
        return std::string("a Docker engine: ") + e.what();
    }
}

/// An image with /bin/sh: SH_TEST_IMAGE, else the first local one of the project's images.
inline std::optional<std::string> find_image(std::string& image) {
    std::vector<std::string> candidates = {"secure-python:latest", "sandbox-dev:base", "secure-python-rootfs:bookworm"};
    if (const char* env = std::getenv("SH_TEST_IMAGE")) candidates.insert(candidates.begin(), env);
    DockerClient c;
    for (const auto& ref : candidates)
        if (c.inspect_image(ref)) {
            image = ref;
            return std::nullopt;
        }
    return std::string("a local image with /bin/sh (build one with sandbox/build_secure_python.sh base, or set SH_TEST_IMAGE)");
}

inline std::string unique_run_id() {
    return "dc-test-" + std::to_string(::getpid()) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

/// Removes the container on every exit path.
struct ContainerGuard {
    std::string id;
    ~ContainerGuard() {
        if (id.empty()) return;
        try {
            DockerClient().remove_container(id);
        } catch (...) {
        }
    }
};

}  // namespace sh::fixture
