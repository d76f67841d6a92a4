#include "util/word_lines.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

WordLines scan(const std::string& text, std::size_t chunk) {
    WordLines w("REPORT");
    for (std::size_t i = 0; i < text.size(); i += chunk) w.feed(std::string_view(text).substr(i, chunk));
    w.finish();
    return w;
}

TEST(WordLines, FindsTheWordAloneOrFollowedByASpaceAtTheStartOfALineInAnyChunking) {
    const std::string text = "x REPORT no\nREPORT {\"a\":1}\r\nREPORTER no\nREPORT\nREPO\nREPORT\r\nend REPORT";
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 1000u}) {
        const WordLines w = scan(text, chunk);
        EXPECT_EQ(3u, w.count()) << chunk;
        ASSERT_EQ(3u, w.kept().size()) << chunk;
        EXPECT_EQ("REPORT {\"a\":1}", w.kept()[0]);
        EXPECT_EQ("REPORT", w.kept()[1]);
        EXPECT_EQ("REPORT", w.kept()[2]);
    }
}

TEST(WordLines, SeesALineFarBeyondAnyCaptureAndALastLineWithoutNewline) {
    std::string text = "REPORT first\n" + std::string(300 * 1024, 'x') + "\nREPORT second";
    const WordLines w = scan(text, 65536);
    EXPECT_EQ(2u, w.count());
    EXPECT_EQ("REPORT second", w.kept().back());
}

TEST(WordLines, CountsEveryMatchButKeepsOnlyTheFirstFewEachCut) {
    WordLines w("REPORT", 2, 10);
    for (int i = 0; i < 1000; ++i) w.feed("REPORT 0123456789abcdef\n");
    w.finish();
    EXPECT_EQ(1000u, w.count());
    ASSERT_EQ(2u, w.kept().size());
    EXPECT_EQ("REPORT 012", w.kept()[0]);
}

}  // namespace
}  // namespace sh
