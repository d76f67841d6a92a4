#include "io/history_db.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <sqlite3.h>

namespace sh {

namespace fs = std::filesystem;

namespace {

/// One prepared statement, finalized on every way out.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql, const fs::path& path) : db_(db), path_(path) {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK) fail("prepare");
    }
    ~Statement() { sqlite3_finalize(st_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    void bind(int i, const std::string& v) { sqlite3_bind_text(st_, i, v.c_str(), -1, SQLITE_TRANSIENT); }
    void bind(int i, long long v) { sqlite3_bind_int64(st_, i, v); }
    void bind(int i, std::optional<double> v) {
        if (v) sqlite3_bind_double(st_, i, *v);
        else sqlite3_bind_null(st_, i);
    }
    /// True while a row is there.
    bool step() {
        const int rc = sqlite3_step(st_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) fail("step");
        return false;
    }
    void run() {
        step();
        sqlite3_reset(st_);
        sqlite3_clear_bindings(st_);
    }
    std::string text(int i) const {
        const auto* t = sqlite3_column_text(st_, i);
        return t ? reinterpret_cast<const char*>(t) : "";
    }
    long long integer(int i) const { return sqlite3_column_int64(st_, i); }
    std::optional<double> real(int i) const {
        if (sqlite3_column_type(st_, i) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_double(st_, i);
    }
    [[noreturn]] void fail(const char* what) const {
        throw HistoryError(fmt::format("history database {}: {}: {}", path_.string(), what, sqlite3_errmsg(db_)));
    }

private:
    sqlite3* db_;
    fs::path path_;
    sqlite3_stmt* st_ = nullptr;
};

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS nights ("
    "  run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, commit_id TEXT NOT NULL, efficiency REAL);"
    "CREATE TABLE IF NOT EXISTS results ("
    "  run_id TEXT NOT NULL REFERENCES nights(run_id) ON DELETE CASCADE, case_id TEXT NOT NULL,"
    "  image TEXT NOT NULL, repetition INTEGER NOT NULL, kind TEXT NOT NULL, verdict TEXT NOT NULL,"
    "  wall_ms REAL, PRIMARY KEY (run_id, case_id, image, repetition));"
    "CREATE INDEX IF NOT EXISTS results_by_case ON results(case_id);";

}  // namespace

HistoryDb::HistoryDb(const fs::path& path) : path_(path) {
    const auto fix = " (a history database of sandbox-harness, written by `run --history`; move the file away to start a new one)";
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw HistoryError(fmt::format("history database {}: cannot open: {}", path.string(), why));
    }
    sqlite3_busy_timeout(db_, 30000);
    try {
        int version = 0;
        {
            Statement st(db_, "PRAGMA user_version", path_);  // a file that is no database fails here
            if (st.step()) version = static_cast<int>(st.integer(0));
        }
        if (version > kHistorySchemaVersion)
            throw HistoryError(fmt::format("history database {}: schema version {}, newer than this harness's {}: "
                                           "use a newer sandbox-harness, or another file",
                                           path.string(), version, kHistorySchemaVersion));
        if (version == 0) {
            Statement tables(db_, "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'", path_);
            if (tables.step() && tables.integer(0) > 0)
                throw HistoryError(fmt::format("history database {}: an SQLite file with other tables{}", path.string(), fix));
        }
        exec("PRAGMA foreign_keys = ON");
        exec("BEGIN IMMEDIATE");
        exec(kSchema);
        exec(fmt::format("PRAGMA user_version = {}", kHistorySchemaVersion).c_str());
        exec("COMMIT");
    } catch (const HistoryError& e) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(db_);
        db_ = nullptr;
        const std::string what = e.what();
        if (what.find("file is not a database") != std::string::npos || what.find("malformed") != std::string::npos)
            throw HistoryError(what + fix);
        throw;
    }
}

HistoryDb::~HistoryDb() { sqlite3_close(db_); }

void HistoryDb::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string why = err ? err : sqlite3_errmsg(db_);
        sqlite3_free(err);
        throw HistoryError(fmt::format("history database {}: {}", path_.string(), why));
    }
}

void HistoryDb::add(const Night& night) {
    exec("BEGIN IMMEDIATE");  // waits for another writer up to the busy timeout
    try {
        {
            Statement del(db_, "DELETE FROM nights WHERE run_id = ?", path_);
            del.bind(1, night.run_id);
            del.run();
            Statement ins(db_, "INSERT INTO nights (run_id, started_at, commit_id, efficiency) VALUES (?, ?, ?, ?)", path_);
            ins.bind(1, night.run_id);
            ins.bind(2, night.started_at);
            ins.bind(3, night.commit);
            ins.bind(4, night.efficiency);
            ins.run();
            Statement res(db_,
                          "INSERT INTO results (run_id, case_id, image, repetition, kind, verdict, wall_ms) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)",
                          path_);
            for (const auto& r : night.results) {
                res.bind(1, night.run_id);
                res.bind(2, r.case_id);
                res.bind(3, r.image);
                res.bind(4, static_cast<long long>(r.repetition));
                res.bind(5, r.kind);
                res.bind(6, r.verdict);
                res.bind(7, r.wall_ms);
                res.run();
            }
        }
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::vector<Night> HistoryDb::nights(const std::string& where, const std::string& case_id, std::size_t limit) {
    std::vector<Night> out;
    std::map<std::string, std::size_t> index;
    {
        Statement st(db_,
                     fmt::format("SELECT run_id, started_at, commit_id, efficiency FROM nights {} "
                                 "ORDER BY started_at DESC, rowid DESC LIMIT {}",
                                 where, limit),
                     path_);
        if (!case_id.empty()) st.bind(1, case_id);
        while (st.step()) out.push_back(Night{st.text(0), st.text(1), st.text(2), st.real(3), {}});
    }
    std::reverse(out.begin(), out.end());
    for (std::size_t i = 0; i < out.size(); ++i) index[out[i].run_id] = i;
    Statement st(db_,
                 std::string("SELECT run_id, case_id, image, repetition, kind, verdict, wall_ms FROM results") +
                     (case_id.empty() ? "" : " WHERE case_id = ?"),
                 path_);
    if (!case_id.empty()) st.bind(1, case_id);
    while (st.step()) {
        const auto it = index.find(st.text(0));
        if (it == index.end()) continue;
        out[it->second].results.push_back(
            NightResult{st.text(1), st.text(2), static_cast<int>(st.integer(3)), st.text(4), st.text(5), st.real(6)});
    }
    return out;
}

std::vector<Night> HistoryDb::latest(std::size_t limit) { return nights("", "", limit); }

std::vector<Night> HistoryDb::of_case(const std::string& case_id) {
    return nights("WHERE run_id IN (SELECT run_id FROM results WHERE case_id = ?)", case_id, 100000);
}

}  // namespace sh
