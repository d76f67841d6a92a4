#include "io/report_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

#include "core/plan.h"
#include "core/shard_merge.h"
#include "io/records_file.h"
#include "util/error.h"
#include "util/files.h"

namespace sh {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Record record(const std::string& id) {
    Record r;
    r.case_id = id;
    r.image = "base";
    r.launch.started = true;
    r.launch.wall_ms = 250;
    r.judgement.verdict = Verdict::Contained;
    return r;
}

/// A shard's report.json, as `run --shard K/N` writes it (meta, summary, records).
json shard_report(const std::string& k_of_n, const std::vector<std::string>& ids) {
    RunMeta meta;
    meta.shard = k_of_n;
    meta.commit = "c0ffee";
    meta.planned.emplace();
    json records = json::array();
    for (const auto& id : ids) {
        meta.planned->push_back(case_key(id, "base", 0));
        records.push_back(to_json(record(id)));
    }
    return {{"schema_version", kReportSchemaVersion}, {"meta", to_json(meta)}, {"summary", json::object()},
            {"records", records}};
}

class ReportFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("sh-report-file-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path write(const std::string& name, const std::string& text) {
        const fs::path p = dir_ / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }

    /// read_report's error, or "" when it read the file.
    static std::string error_of(const fs::path& p) {
        try {
            read_report(p);
        } catch (const Error& e) {
            return e.what();
        }
        return "";
    }

    fs::path dir_;
};

TEST_F(ReportFile, AReportAsRunWritesItReadsBack) {  // the positive control of the tests below
    const RunReport r = read_report(write("report.json", shard_report("1/2", {"p1", "p2"}).dump(2) + "\n"));
    ASSERT_EQ(2u, r.records.size());
    EXPECT_EQ("p2", r.records[1].case_id);
    EXPECT_EQ("1/2", r.meta.shard);
    EXPECT_EQ((std::vector<std::string>{"p1 [base] #0", "p2 [base] #0"}), r.meta.planned);
}

TEST_F(ReportFile, AFifoInAReportsPlaceIsAnErrorNotAHang) {
    const fs::path fifo = dir_ / "report.json";
    ASSERT_EQ(0, ::mkfifo(fifo.c_str(), 0600));
    // No writer ever opens it: a blocking open or read would wait here for ever.
    const std::string error = error_of(fifo);
    EXPECT_EQ("cannot read " + fifo.string() + ": not a regular file (a FIFO); a report is a regular file", error);
    EXPECT_THROW(read_records(fifo), Error);
}

TEST_F(ReportFile, ADirectoryOrADeviceInAReportsPlaceIsAnErrorNamingIt) {
    fs::create_directories(dir_ / "report.json");
    EXPECT_NE(std::string::npos, error_of(dir_ / "report.json").find(dir_.string() + "/report.json")) << error_of(dir_ / "report.json");
    EXPECT_NE(std::string::npos, error_of("/dev/zero").find("cannot read /dev/zero: not a regular file (a character device)"))
        << error_of("/dev/zero");
    EXPECT_NE(std::string::npos, error_of(dir_ / "absent.json").find("No such file or directory"));
}

TEST_F(ReportFile, AReportLargerThanTheCapIsRefusedBeforeItIsRead) {
    const fs::path big = dir_ / "report.json";
    {
        // Sparse: a valid report padded with whitespace to one byte over the cap, without using the disk.
        std::ofstream(big, std::ios::binary) << shard_report("1/1", {"p1"}).dump();
    }
    fs::resize_file(big, kReportMaxBytes + 1);
    EXPECT_EQ(fmt::format("{} is {} bytes, more than the 64 MiB a report may have", big.string(), kReportMaxBytes + 1),
              error_of(big));
    fs::resize_file(big, kReportMaxBytes);  // at the cap: read (and then refused for its NUL padding)
    EXPECT_NE(std::string::npos, error_of(big).find("a NUL byte at offset")) << error_of(big);
}

TEST_F(ReportFile, BytesAfterANulAreNotIgnored) {
    using namespace std::string_literals;
    const std::string good = shard_report("1/1", {"p1"}).dump();
    const fs::path p = write("report.json", good + "\0\0\0 anything"s);
    EXPECT_EQ(p.string() + ": not a sandbox-harness report.json: a NUL byte at offset " + std::to_string(good.size()) +
                  " (JSON text has none; nothing after it would be read)",
              error_of(p));
    EXPECT_NE("", error_of(write("trailing.json", good + "\n{}")));
    EXPECT_EQ("", error_of(write("spaces.json", good + "\n \t\n")));
}

TEST_F(ReportFile, ASecondRecordsKeyIsAnErrorNotTheRecordsRead) {
    // What nlohmann would do: keep the last "records", here an empty one, and merge an empty shard.
    std::string text = shard_report("1/1", {"p1"}).dump();
    text.insert(text.size() - 1, R"(, "records": [])");
    EXPECT_NE(std::string::npos, error_of(write("report.json", text)).find("the key \"records\" appears twice"))
        << error_of(dir_ / "report.json");
}

TEST_F(ReportFile, ANegativeWallTimeIsAnErrorNamingTheFileTheCaseAndTheField) {
    json j = shard_report("1/1", {"p1"});
    j["records"][0]["launch"]["wall_ms"] = -250;
    const fs::path p = write("report.json", j.dump());
    EXPECT_EQ(p.string() + ": not a sandbox-harness report.json: case p1 [base] #0: bad record key 'launch.wall_ms': "
                           "got -250.0, which cannot be negative",
              error_of(p));
}

TEST_F(ReportFile, MergeOfShardsReadFromDiskRefusesARecordRemovedAndAcceptsTheWholeSet) {
    const fs::path a = write("a/report.json", shard_report("1/2", {"p1", "p2"}).dump());
    const fs::path b = write("b/report.json", shard_report("2/2", {"p3"}).dump());
    EXPECT_EQ(3u, merge_shards({{"a", read_report(a)}, {"b", read_report(b)}}).records.size());

    json cut = shard_report("1/2", {"p1", "p2"});
    cut["records"].erase(1);
    write("a/report.json", cut.dump());
    try {
        merge_shards({{"a", read_report(a)}, {"b", read_report(b)}});
        FAIL() << "a shard with a record removed was merged";
    } catch (const MergeError& e) {
        EXPECT_EQ((std::vector<std::string>{"a: 1 planned case has no record: p2 [base] #0"}), e.problems());
    }
}

TEST_F(ReportFile, RecordsJsonlIsReadAsStrictlyAsAReport) {
    const std::string line = to_json(record("p1")).dump();
    EXPECT_EQ(2u, read_records(write("records.jsonl", line + "\n" + line + "\n")).size());  // the positive control
    using namespace std::string_literals;
    EXPECT_THROW(read_records(write("nul.jsonl", line + "\n\0"s + line + "\n")), Error);
    std::string twice = line;
    twice.insert(twice.size() - 1, R"(, "case_id": "other")");
    try {
        read_records(write("twice.jsonl", line + "\n" + twice + "\n"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string::npos, std::string(e.what()).find("twice.jsonl:2: not a record: the key \"case_id\" appears twice"))
            << e.what();
    }
}

}  // namespace
}  // namespace sh
