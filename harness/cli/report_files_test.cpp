#include "cli/report_files.h"

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "testing/report_fixture.h"
#include "util/error.h"
#include "util/files.h"

namespace sh {
namespace {

using fixture::fixture_report;

class WriteReports : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("sh-reports-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(WriteReports, WritesEveryReportAndNoTemporaries) {
    write_reports(fixture_report(), dir_ / "out");
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "out")) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    EXPECT_EQ((std::vector<std::string>{"junit.xml", "report.html", "report.json", "report.sarif", "summary.md"}), names);
    EXPECT_EQ(JsonExporter().render(fixture_report()), fixture::read_file(dir_ / "out" / "report.json"));
}

TEST_F(WriteReports, WriteAtomicallyReplacesTheWholeFile) {
    std::filesystem::create_directories(dir_);
    write_atomically(dir_ / "f.txt", "a much longer first version\n");
    write_atomically(dir_ / "f.txt", "short\n");
    EXPECT_EQ("short\n", fixture::read_file(dir_ / "f.txt"));
    EXPECT_EQ(1, std::distance(std::filesystem::directory_iterator(dir_), std::filesystem::directory_iterator()));
}

TEST_F(WriteReports, WriteAtomicallyNamesTheCallAndPathOnFailure) {
    try {
        write_atomically(dir_ / "missing-dir" / "f.txt", "x");
        FAIL() << "expected an exception";
    } catch (const Error& e) {
        EXPECT_EQ("mkstemp(" + (dir_ / "missing-dir" / ".f.txt.tmp.XXXXXX").string() + "): No such file or directory",
                  std::string(e.what()));
    }
}

}  // namespace
}  // namespace sh
