#include "run/run_setup.h"

#include <gtest/gtest.h>

#include "core/profile.h"

namespace sh {
namespace {

const Checkout kSource{SH_SOURCE_DIR};

TEST(RunSetup, SelectsTheCasesAndResolvesTheProfileOnce) {
    const RunSetup s = prepare_run(kSource, {{}, {{"SANDBOX_TIMEOUT", "7"}}, "mine"}, {"smoke", {"wl.*"}, "base"});
    EXPECT_EQ("mine", s.profile_label);
    EXPECT_EQ("7", s.profile.get("SANDBOX_TIMEOUT", ""));
    EXPECT_EQ(kSource.default_profile().string(), s.profile.path);
    ASSERT_FALSE(s.cases.empty());
    for (const CaseSpec* c : s.cases) {
        EXPECT_TRUE(c->id.starts_with("wl.")) << c->id;
        EXPECT_NE(ImageChoice::Science, c->image) << c->id;
    }
    EXPECT_EQ("secure-python:latest", s.image_refs.at("base"));
}

TEST(RunSetup, ASelectionOfNothingAnUnknownImageAndTheWarmPathAreRefusedBeforeAnyCase) {
    EXPECT_THROW(prepare_run(kSource, {}, {"nightly", {"no.such.case"}, "all"}), Error);
    EXPECT_THROW(prepare_run(kSource, {}, {"nightly", {}, "alpine"}), Error);
    try {
        prepare_run(kSource, {kSource.sandbox() / "profiles/warm.env"}, {});
        FAIL() << "a warm profile was taken";
    } catch (const ProfileError& e) {
        EXPECT_NE(std::string::npos, std::string(e.what()).find("does not run cases through a warm pool yet")) << e.what();
    }
}

TEST(Checkout, NamesFilesRelativeToItsRootAndOthersAsTheyAre) {
    const Checkout c{"/src/tree"};
    EXPECT_EQ("attacks/net/x.py", c.relative("/src/tree/attacks/net/x.py"));
    EXPECT_EQ("/elsewhere/x.py", c.relative("/elsewhere/x.py"));
    EXPECT_EQ("/src/tree/sandbox/run_secure_python.sh", c.launcher().string());
}

}  // namespace
}  // namespace sh
