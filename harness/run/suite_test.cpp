#include "run/suite.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace sh {
namespace {

namespace fs = std::filesystem;

TEST(SourceCommit, ReadsHeadALooseRefOrPackedRefsAsGitWritesThem) {
    const fs::path root = fs::temp_directory_path() / ("sh-source-commit-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / ".git/refs/heads");
    const std::string a(40, 'a'), b(40, 'b'), c(40, 'c');
    EXPECT_EQ("", source_commit(root));  // no HEAD
    std::ofstream(root / ".git/HEAD") << a << "\n";  // detached
    EXPECT_EQ(a, source_commit(root));
    std::ofstream(root / ".git/HEAD") << "ref: refs/heads/main\n";
    std::ofstream(root / ".git/packed-refs") << "# pack-refs with: peeled fully-peeled sorted\n" << c << " refs/heads/main\n";
    EXPECT_EQ(c, source_commit(root));
    std::ofstream(root / ".git/refs/heads/main") << b << "\n";  // a loose ref wins
    EXPECT_EQ(b, source_commit(root));
    fs::remove_all(root);
}

TEST(SourceCommit, ThisCheckoutHasOne) {
    if (!fs::exists(SH_SOURCE_DIR "/.git/HEAD")) GTEST_SKIP() << "not a git checkout";
    EXPECT_EQ(40u, source_commit(SH_SOURCE_DIR).size());
}

}  // namespace
}  // namespace sh
