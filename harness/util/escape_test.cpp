#include "util/escape.h"

#include <gtest/gtest.h>

namespace sh {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(SanitizeUtf8, KeepsPrintableAsciiNewlinesAndTabs) {
    EXPECT_EQ("a b\tc\nd \\x41", sanitize_utf8("a b\tc\nd \\x41"));
}

TEST(SanitizeUtf8, ShowsControlCharactersAsVisibleEscapes) {
    EXPECT_EQ("\\x1b[31mred\\x1b[0m", sanitize_utf8("\x1b[31mred\x1b[0m"));
    EXPECT_EQ("a\\x00b", sanitize_utf8(std::string("a\0b", 3)));
    EXPECT_EQ("cr\\x0dlf", sanitize_utf8("cr\rlf"));
    EXPECT_EQ("\\x7f\\x07\\x08", sanitize_utf8("\x7f\a\b"));
}

TEST(SanitizeUtf8, ShowsC1ControlsAsUnicodeEscapes) {
    EXPECT_EQ("\\u009b2J", sanitize_utf8("\xC2\x9B" "2J"));  // CSI as one code point
}

TEST(SanitizeUtf8, ShowsBidiOverridesAndLineSeparatorsSoTextCannotReorderOrSplitAReport) {
    // U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LEFT-TO-RIGHT ISOLATE, U+2028 LINE SEPARATOR
    EXPECT_EQ("\\u202eeslaf", sanitize_utf8("\xE2\x80\xAE" "eslaf"));
    EXPECT_EQ("a\\u2066b\\u2069", sanitize_utf8("a\xE2\x81\xA6" "b\xE2\x81\xA9"));
    EXPECT_EQ("x\\u2028y\\u2029", sanitize_utf8("x\xE2\x80\xA8" "y\xE2\x80\xA9"));
}

TEST(OneLine, ShowsNewlinesAndTabsAsEscapesAfterSanitizing) {
    EXPECT_EQ("a\\nb\\tc\\x1b", one_line("a\nb\tc\x1b"));
}

TEST(SanitizeUtf8, KeepsValidMultibyteSequences) {
    const std::string s = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x86\xB5";
    EXPECT_EQ(s, sanitize_utf8(s));
}

TEST(SanitizeUtf8, ReplacesEachInvalidByteWithReplacementCharacter) {
    EXPECT_EQ("x" + kFffd + kFffd + "y", sanitize_utf8("x\xFF\xFEy"));
    EXPECT_EQ(kFffd + kFffd, sanitize_utf8("\xC0\xAF"));  // overlong '/'
    EXPECT_EQ(kFffd, sanitize_utf8("\x80"));              // lone continuation byte
}

TEST(SanitizeUtf8, ReplacesATruncatedSequenceWithOneReplacementCharacter) {
    EXPECT_EQ("a" + kFffd + "b", sanitize_utf8("a\xE2\x82" "b"));
    EXPECT_EQ("a" + kFffd, sanitize_utf8("a\xF0\x9F\x98"));
}

TEST(SanitizeUtf8, RejectsSurrogatesAndCodePointsAboveTheUnicodeRange) {
    EXPECT_EQ(kFffd + kFffd + kFffd, sanitize_utf8("\xED\xA0\x80"));
    EXPECT_EQ(kFffd + kFffd + kFffd + kFffd, sanitize_utf8("\xF4\x90\x80\x80"));
}

TEST(SanitizeUtf8, ReplacesNoncharactersThatXmlForbids) {
    EXPECT_EQ(kFffd + kFffd, sanitize_utf8("\xEF\xBF\xBE\xEF\xBF\xBF"));
}

TEST(XmlEscape, EscapesMarkupSoCdataTerminatorsAndTagsAreInert) {
    EXPECT_EQ("&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;q&quot; &apos;",
              xml_escape("<script>alert(1)</script> ]]> & \"q\" '"));
}

TEST(XmlEscape, KeepsNewlinesInTextButEncodesThemInAttributes) {
    EXPECT_EQ("a\nb\tc", xml_escape("a\nb\tc"));
    EXPECT_EQ("a&#10;b&#9;c", xml_attr_escape("a\nb\tc"));
}

TEST(XmlEscape, SanitizesBeforeEscaping) {
    EXPECT_EQ("\\x00&lt;" + kFffd, xml_escape(std::string("\0<\xFF", 3)));
}

TEST(HtmlEscape, EscapesTagsAndQuotes) {
    EXPECT_EQ("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &#39;&amp;", html_escape("<img src=x onerror=\"alert(1)\"> '&"));
}

TEST(MarkdownEscape, EscapesPipesBackticksAndEmphasis) {
    EXPECT_EQ("a \\| b \\`c\\` \\*d\\* \\[f\\] \\<g\\> \\\\ \\& SANDBOX_MEMORY",
              markdown_escape("a | b `c` *d* [f] <g> \\ & SANDBOX_MEMORY"));
}

TEST(MarkdownEscape, KeepsOneValueOnOneLine) {
    EXPECT_EQ("one \xE2\x86\xB5 two", markdown_escape("one\ntwo"));
}

TEST(MarkdownWithCode, BacktickPairsBecomeCodeSpansAndTheRestIsEscaped) {
    EXPECT_EQ("`docker kill` of the case\\*s container", markdown_with_code("`docker kill` of the case*s container"));
    EXPECT_EQ("SIGKILL to `sandbox-harness run` and `docker stop`.",
              markdown_with_code("SIGKILL to `sandbox-harness run` and `docker stop`."));
    // What a span holds is still sanitised; what Markdown would read as markup there is inert.
    EXPECT_EQ("`a\\x1b*b c`", markdown_with_code("`a\x1b*b\nc`"));
    // An unpaired or empty pair of backticks stays literal.
    EXPECT_EQ("a \\` b", markdown_with_code("a ` b"));
    EXPECT_EQ("\\`\\` `x` \\`", markdown_with_code("`` `x` `"));
}

TEST(HtmlWithCode, BacktickPairsBecomeCodeElements) {
    EXPECT_EQ("<code>docker kill</code> &lt;b&gt; <code>a&amp;b</code> `",
              html_with_code("`docker kill` <b> `a&b` `"));
}

TEST(TruncateUtf8, NeverSplitsASequence) {
    const std::string s = "ab\xE2\x82\xAC";  // "ab€"
    EXPECT_EQ("ab", truncate_utf8(s, 3));
    EXPECT_EQ("ab", truncate_utf8(s, 4));
    EXPECT_EQ(s, truncate_utf8(s, 5));
    EXPECT_EQ("", truncate_utf8(s, 0));
}

TEST(Ellipsize, CountsCodePointsAndMarksTheCut) {
    EXPECT_EQ("abc", ellipsize("abc", 3));
    EXPECT_EQ("ab\xE2\x80\xA6", ellipsize("abcd", 2));
    EXPECT_EQ("\xC3\xA9\xC3\xA9\xE2\x80\xA6", ellipsize("\xC3\xA9\xC3\xA9\xC3\xA9", 2));
}

}  // namespace
}  // namespace sh
