#include "protocol.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace pool {
namespace {

Request sample() { return {"/tmp/x.py", "run --rm image=i", {"a b", "", "\xff"}, std::string("print(1)\n\0x", 11)}; }

TEST(Protocol, ARequestIsAHeaderLineThenItsBytes) {
    const Request r{"n.py", "fl", {"a b", ""}, "print()\n"};
    EXPECT_EQ("SBX1 8 4 2 2 3 0\nn.pyfla bprint()\n", encode_request(r));
}

TEST(Protocol, AnEncodedRequestParsesBackToTheSameParts) {
    const std::string wire = encode_request(sample());
    const auto eol = wire.find('\n');
    auto parsed = parse_header(std::string_view(wire).substr(0, eol), 1 << 20);
    ASSERT_TRUE(std::holds_alternative<RequestHeader>(parsed)) << std::get<std::string>(parsed);
    const auto& h = std::get<RequestHeader>(parsed);
    EXPECT_EQ(wire.size() - eol - 1, h.body_len());
    const Request back = split_body(h, std::string_view(wire).substr(eol + 1));
    EXPECT_EQ(sample().name, back.name);
    EXPECT_EQ(sample().flags, back.flags);
    EXPECT_EQ(sample().args, back.args);
    EXPECT_EQ(sample().script, back.script);
}

std::string error_of(std::string_view line, std::size_t cap = 100) {
    auto parsed = parse_header(line, cap);
    return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
}

TEST(Protocol, AScriptOverTheCapIsRefusedByItsHeaderWithTheNumbers) {
    EXPECT_EQ("script of 101 bytes is over the cap of 100 bytes", error_of("SBX1 101 0 0 0"));
    EXPECT_EQ("", error_of("SBX1 100 0 0 0"));
}

TEST(Protocol, MalformedHeadersAreRefused) {
    for (const char* line : {"", "SBX1", "SBX2 1 0 0 0", "SBX1 1 0 0 1", "SBX1 1 0 0 0 5", "SBX1 -1 0 0 0",
                             "SBX1 x 0 0 0", "SBX1 1 0 0 0x", "SBX1 9999999999999 0 0 0"})
        EXPECT_EQ("malformed request header", error_of(line)) << "'" << line << "'";
}

TEST(Protocol, ArgumentsOver64KiBAreRefused) {
    EXPECT_EQ("name, flags and arguments over 65536 bytes", error_of("SBX1 0 65536 1 0"));
    EXPECT_EQ("", error_of("SBX1 0 65535 1 0"));
}

TEST(Protocol, FramesSurviveArrivingOneByteAtATime) {
    const std::string wire = encode_frame(FrameType::Stdout, std::string("a\0b", 3)) + encode_frame(FrameType::Stderr, "") +
                             encode_frame(FrameType::Exit, "124");
    FrameReader reader;
    std::vector<Frame> got;
    for (char c : wire) {
        reader.feed(std::string_view(&c, 1));
        while (auto f = reader.next()) got.push_back(*f);
    }
    ASSERT_EQ(3u, got.size());
    EXPECT_EQ(FrameType::Stdout, got[0].type);
    EXPECT_EQ(std::string("a\0b", 3), got[0].payload);
    EXPECT_EQ(FrameType::Stderr, got[1].type);
    EXPECT_EQ("", got[1].payload);
    EXPECT_EQ(FrameType::Exit, got[2].type);
    EXPECT_EQ("124", got[2].payload);
}

TEST(Protocol, AFrameLengthIsBigEndian) {
    EXPECT_EQ(std::string("x\0\0\x01\x02", 5) + std::string(258, 'z'), encode_frame(FrameType::Exit, std::string(258, 'z')));
}

TEST(Protocol, AnUnknownFrameTypeIsAnError) {
    FrameReader reader;
    reader.feed(std::string("q\0\0\0\0", 5));
    EXPECT_THROW(reader.next(), std::runtime_error);
}

TEST(Protocol, TheFirstDifferingProfileFlagIsNamed) {
    EXPECT_EQ("", first_difference("run --rm --cpus=1 timeout=10", "run --rm --cpus=1 timeout=10"));
    EXPECT_EQ("pool: timeout=10, script: timeout=2", first_difference("run --cpus=1 timeout=10", "run --cpus=1 timeout=2"));
    EXPECT_EQ("pool: --read-only, script: (none)", first_difference("run --read-only", "run"));
}

}  // namespace
}  // namespace pool

namespace pool {
namespace {

const std::string kLine = std::string(1, '\0') + "SANDBOX-SLOT-EXIT:t0k3n:137\n";

TEST(ExitTrailer, OutputBeforeTheLineIsRelayedAndTheLineGivesTheStatus) {
    ExitTrailer t("t0k3n");
    EXPECT_EQ("hello\n", t.feed("hello\n"));
    EXPECT_FALSE(t.status());
    EXPECT_EQ("last", t.feed("last" + kLine + "after the line"));
    ASSERT_TRUE(t.status());
    EXPECT_EQ(137, *t.status());
    EXPECT_EQ("", t.feed("more"));
    EXPECT_EQ("", t.finish());
}

TEST(ExitTrailer, TheLineSplitAnywhereIsStillFoundAndNothingOfItIsRelayed) {
    const std::string output("out\0put", 7), stream = output + kLine;
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        ExitTrailer t("t0k3n");
        std::string out = t.feed(std::string_view(stream).substr(0, cut));
        out += t.feed(std::string_view(stream).substr(cut));
        EXPECT_EQ(output, out) << "cut at " << cut;
        EXPECT_EQ(137, t.status().value_or(-1)) << "cut at " << cut;
    }
}

TEST(ExitTrailer, ALineWithAnotherTokenIsTheScriptsOwnOutput) {
    ExitTrailer t("t0k3n");
    const std::string forged = std::string(1, '\0') + "SANDBOX-SLOT-EXIT:guess:0\n";
    std::string out = t.feed(forged + "x");
    out += t.finish();
    EXPECT_EQ(forged + "x", out);
    EXPECT_FALSE(t.status());
}

TEST(ExitTrailer, HeldBytesAreReleasedAtTheEndWithoutALine) {
    ExitTrailer t("t0k3n");
    EXPECT_EQ("abc", t.feed(std::string("abc\0SANDBOX", 11)));
    EXPECT_EQ(std::string("\0SANDBOX", 8), t.finish());
}

}  // namespace
}  // namespace pool
