#pragma once
/// The history database: one SQLite file that every run, merge or review can add itself to
/// (`--history DB`), read back night by night for the reports' trend sections and the `history`
/// command. Its schema version is SQLite's user_version (kHistorySchemaVersion); a file written
/// by a newer version is refused, never altered. Writers wait for each other (a busy timeout of
/// 30 s), and each run is added in one transaction: a failure leaves the database as it was.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/history.h"
#include "util/error.h"

struct sqlite3;

namespace sh {

inline constexpr int kHistorySchemaVersion = 1;

/// What went wrong with the history database, naming the file and how to fix it.
class HistoryError : public Error {
public:
    using Error::Error;
};

class HistoryDb {
public:
    /// Opens `path`, creating it (and its schema) when it does not exist. Throws HistoryError for a
    /// file that is not a history database (corrupt, or another SQLite file), one of a newer schema
    /// version, or one that cannot be opened.
    explicit HistoryDb(const std::filesystem::path& path);
    ~HistoryDb();
    HistoryDb(const HistoryDb&) = delete;
    HistoryDb& operator=(const HistoryDb&) = delete;

    /// Adds (or replaces, by run id) one night. Throws HistoryError (a full disk, a lock held past
    /// the busy timeout), the database unchanged.
    void add(const Night&);
    /// The latest `limit` nights, oldest first: by start time, then in the order they were added.
    std::vector<Night> latest(std::size_t limit);
    /// Every night that has `case_id`, oldest first, with only that case's results.
    std::vector<Night> of_case(const std::string& case_id);

private:
    void exec(const char* sql);
    std::vector<Night> nights(const std::string& where, const std::string& case_id, std::size_t limit);
    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
};

}  // namespace sh
