#include "io/records_file.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include <sys/resource.h>
#include <unistd.h>

namespace sh {
namespace {

namespace fs = std::filesystem;

Record record(const std::string& id) {
    Record r;
    r.case_id = id;
    r.kind = CaseKind::Workload;
    r.launch.stdout_text = std::string(1500, 'x');  // each line ~2.5 KB
    r.judgement.verdict = Verdict::Pass;
    return r;
}

/// A file size limit (RLIMIT_FSIZE) stands in for a full disk: a write past it is cut short, the
/// next one fails (EFBIG), as a write on a full file system is cut short and then fails (ENOSPC).
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit r = saved_;
        r.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &r);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, old_handler_);
    }

private:
    rlimit saved_{};
    void (*old_handler_)(int) = nullptr;
};

TEST(RecordsWriter, ALineTheDiskCannotTakeInFullIsCutAwayAndLaterAppendsFail) {
    const fs::path path = fs::temp_directory_path() / ("sh-records-test-" + std::to_string(::getpid()) + ".jsonl");
    {
        RecordsWriter w(path);
        const FileSizeLimit limit(6000);  // two whole lines fit, the third is cut short
        w.append(record("a"));
        w.append(record("b"));
        EXPECT_THROW(w.append(record("c")), Error);
        EXPECT_THROW(w.append(record("d")), Error) << "nothing is appended after a failure";
    }
    const std::vector<Record> kept = read_records(path);  // throws on a partial line
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0].case_id, "a");
    EXPECT_EQ(kept[1].case_id, "b");
    fs::remove(path);
}

TEST(RecordsWriter, EveryRecordIsOneLineReadBackAsWritten) {
    const fs::path path = fs::temp_directory_path() / ("sh-records-rt-" + std::to_string(::getpid()) + ".jsonl");
    {
        RecordsWriter w(path);
        w.append(record("a"));
        w.append(record("b"));
    }
    const std::vector<Record> back = read_records(path);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(to_json(back[1]), to_json(record("b")));
    fs::remove(path);
}

}  // namespace
}  // namespace sh
