#include "io/history_db.h"
#include "io/host_files.h"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace sh {
namespace {

namespace fs = std::filesystem;

struct TempDb {
    fs::path dir = fs::temp_directory_path() / ("sh-history-" + std::to_string(::getpid()));
    fs::path path = dir / "history.sqlite";
    TempDb() {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~TempDb() { fs::remove_all(dir); }
};

Night night(std::string id, std::string at, std::string verdict, double wall = 100) {
    Night n{std::move(id), std::move(at), "abc", 1.5, {}};
    n.results.push_back({"net.tcp", "base", 0, "probe", std::move(verdict), wall});
    n.results.push_back({"wl.hello", "base", 0, "workload", "pass", wall});
    return n;
}

TEST(HistoryDb, KeepsNightsAndGivesTheLatestOldestFirst) {
    TempDb t;
    {
        HistoryDb db(t.path);
        db.add(night("r2", "2026-12-02T02:00:00Z", "escaped"));
        db.add(night("r1", "2026-12-01T02:00:00Z", "contained"));
        db.add(night("r3", "2026-12-03T02:00:00Z", "contained"));
        db.add(night("r3", "2026-12-03T02:00:00Z", "contained", 120));  // the same run again: replaced
    }
    HistoryDb db(t.path);  // reopened: what was committed is there
    const auto latest = db.latest(2);
    ASSERT_EQ(2u, latest.size());
    EXPECT_EQ("r2", latest[0].run_id);
    EXPECT_EQ("r3", latest[1].run_id);
    ASSERT_EQ(2u, latest[1].results.size());
    EXPECT_EQ(120, latest[1].results[0].wall_ms);
    EXPECT_EQ(1.5, latest[1].efficiency);
    const auto of_case = db.of_case("net.tcp");
    ASSERT_EQ(3u, of_case.size());
    EXPECT_EQ(1u, of_case[0].results.size());
    EXPECT_EQ("escaped", of_case[1].results[0].verdict);
}

TEST(HistoryDb, ACorruptFileIsNamedAndLeftAsItWas) {
    TempDb t;
    { std::ofstream(t.path) << std::string(8192, 'x'); }
    try {
        HistoryDb db(t.path);
        FAIL() << "opened a corrupt file";
    } catch (const HistoryError& e) {
        EXPECT_NE(std::string::npos, std::string(e.what()).find(t.path.string())) << e.what();
        EXPECT_NE(std::string::npos, std::string(e.what()).find("not a database")) << e.what();
    }
    EXPECT_EQ(8192u, fs::file_size(t.path));
}

TEST(HistoryDb, ANewerSchemaVersionIsRefusedNotAltered) {
    TempDb t;
    { HistoryDb db(t.path); }
    sqlite3* raw = nullptr;
    ASSERT_EQ(SQLITE_OK, sqlite3_open(t.path.c_str(), &raw));
    ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw, "PRAGMA user_version = 7", nullptr, nullptr, nullptr));
    sqlite3_close(raw);
    try {
        HistoryDb db(t.path);
        FAIL() << "opened a newer database";
    } catch (const HistoryError& e) {
        EXPECT_NE(std::string::npos, std::string(e.what()).find("schema version 7, newer than this harness's 1"))
            << e.what();
    }
}

TEST(HistoryDb, AnotherSqliteFileIsNotTakenOver) {
    TempDb t;
    sqlite3* raw = nullptr;
    ASSERT_EQ(SQLITE_OK, sqlite3_open(t.path.c_str(), &raw));
    ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw, "CREATE TABLE mine (x)", nullptr, nullptr, nullptr));
    sqlite3_close(raw);
    EXPECT_THROW(HistoryDb db(t.path), HistoryError);
}

TEST(HistoryDb, TwoWritersAtOnceBothLand) {
    TempDb t;
    { HistoryDb db(t.path); }
    std::thread a([&] {
        HistoryDb db(t.path);
        for (int i = 0; i < 20; ++i) db.add(night("a" + std::to_string(i), "2026-12-01T00:00:00Z", "contained"));
    });
    std::thread b([&] {
        HistoryDb db(t.path);
        for (int i = 0; i < 20; ++i) db.add(night("b" + std::to_string(i), "2026-12-02T00:00:00Z", "contained"));
    });
    a.join();
    b.join();
    EXPECT_EQ(40u, HistoryDb(t.path).latest(1000).size());
}

}  // namespace
}  // namespace sh

namespace sh {
namespace {

TEST(HistoryDb, AFullDiskIsNamedAndKeepsWhatWasAddedBefore) {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    TempDb t;
    if (const auto problem = mount_tmpfs(t.dir, "size=64k")) GTEST_SKIP() << *problem;
    struct Unmount {
        const fs::path& dir;
        ~Unmount() { unmount(dir); }
    } unmount_at_end{t.dir};
    std::size_t kept = 0;
    try {
        HistoryDb db(t.path);
        Night big = night("n", "2026-12-01T00:00:00Z", "contained");
        for (int i = 0; i < 40; ++i) big.results.push_back({"case." + std::to_string(i) + std::string(40, 'x'), "base", 0, "probe", "contained", 1.0});
        for (int i = 0; i < 1000; ++i, ++kept) {
            big.run_id = "n" + std::to_string(i);
            db.add(big);
        }
        FAIL() << "a 64 KiB disk took 1000 nights";
    } catch (const HistoryError& e) {
        EXPECT_NE(std::string::npos, std::string(e.what()).find(t.path.string())) << e.what();
        EXPECT_NE(std::string::npos, std::string(e.what()).find("full")) << e.what();
    }
    ASSERT_GT(kept, 0u);
    HistoryDb again(t.path);  // the nights added before are whole; the one that did not fit is not there
    EXPECT_EQ(kept, again.latest(100000).size());
}

}  // namespace
}  // namespace sh
