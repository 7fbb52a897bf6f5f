// frontline redact / restore from the command line: the --json contract (byte offsets,
// type names), the mapping round trip, strict restore, bad input.
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/shell.h"

namespace {

using fl::testing::Sh;
using nlohmann::json;

std::string TempDir() {
  std::string tmpl = ::testing::TempDir() + "/fl_redact_test.XXXXXX";
  EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
  return tmpl;
}

TEST(RedactCliTest, JsonSpansAreByteOffsetsIntoTheLine) {
  const std::string dir = TempDir();
  // "Zoë" takes 4 bytes: the e-mail starts at byte 21, not at character 20.
  std::ofstream(dir + "/in.txt") << "Grüße von Zoë: mail zoe@example.com\nnothing here\n";
  auto r = Sh(std::string(FL_BINARY) + " redact --json < " + dir + "/in.txt");
  ASSERT_EQ(r.code, 0) << r.out;
  std::istringstream lines(r.out);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  const json j = json::parse(line);
  EXPECT_EQ(j["text"], "Grüße von Zoë: mail <EMAIL_1>");
  ASSERT_EQ(j["spans"].size(), 1u);
  const std::string original = "Grüße von Zoë: mail zoe@example.com";
  const size_t start = j["spans"][0]["start"], end = j["spans"][0]["end"];
  EXPECT_EQ(original.substr(start, end - start), "zoe@example.com");
  EXPECT_EQ(j["spans"][0]["type"], "EMAIL");
  EXPECT_GT(j["spans"][0]["score"].get<double>(), 0.5);
  ASSERT_TRUE(std::getline(lines, line));
  EXPECT_EQ(json::parse(line)["spans"].size(), 0u);
  EXPECT_FALSE(std::getline(lines, line)) << "one output line per input line";
}

TEST(RedactCliTest, MappingRoundTripAndStrictRestore) {
  const std::string dir = TempDir(), fl = FL_BINARY;
  std::ofstream(dir + "/in.txt") << "Hi Maria, reach me on +44 20 7946 0958\nMaria again: CORP\\mlopez is locked\n";
  auto r = Sh(fl + " redact --mapping " + dir + "/map.json < " + dir + "/in.txt > " + dir + "/red.txt", true);
  ASSERT_EQ(r.code, 0) << r.out;
  std::ifstream red(dir + "/red.txt");
  std::string all((std::istreambuf_iterator<char>(red)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all.find("Maria"), std::string::npos) << all;
  EXPECT_EQ(all.find("7946"), std::string::npos) << all;
  EXPECT_NE(all.find("<USERNAME_1>"), std::string::npos) << all;
  // Restoring the redacted text gives the original back.
  r = Sh(fl + " restore --mapping " + dir + "/map.json --strict < " + dir + "/red.txt");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "Hi Maria, reach me on +44 20 7946 0958\nMaria again: CORP\\mlopez is locked\n");
  // A made-up placeholder or a new identifier is flagged; --strict makes it an error.
  r = Sh("echo 'ask <PHONE_7> or bob@evil.example' | " + fl + " restore --mapping " + dir + "/map.json --strict", true);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("<PHONE_7> is not in the mapping"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("EMAIL that was never redacted"), std::string::npos) << r.out;
}

TEST(RedactCliTest, BadInputIsRefusedClearly) {
  const std::string dir = TempDir(), fl = FL_BINARY;
  std::ofstream(dir + "/bad.json") << "{\"entries\": [{\"placeholder\": \"EMAIL_1\", \"type\": \"EMAIL\", \"value\": \"x\"}]}";
  auto r = Sh("echo hi | " + fl + " restore --mapping " + dir + "/bad.json", true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("bad.json"), std::string::npos) << r.out;
  r = Sh("echo '{\"x\": 1}' | " + fl + " redact --jsonl", true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("stdin:1"), std::string::npos) << r.out;
  // Fail closed: a line the guard cannot check is not echoed.
  std::ofstream(dir + "/cfg.json") << R"({"guard": {"max_bytes": 10}})";
  r = Sh("echo 'mail maria@example.com now' | " + fl + " redact --config " + dir + "/cfg.json", true);
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.out.find("maria@example.com"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stdin:1"), std::string::npos) << r.out;
  r = Sh("echo x | " + fl + " redact --ner " + dir + "/missing.flner", true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("missing.flner"), std::string::npos) << r.out;
}

}  // namespace
