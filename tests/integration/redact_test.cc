// frontline redact / restore from the command line: the --json contract (byte offsets,
// type names), the mapping round trip, strict restore, bad input.
#include <stdlib.h>

#include <cctype>
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

// train-ner with a gazetteer, then redact with the model: a surname the training data
// never shows is found because the gazetteer (stored in the model) lists it; a bad
// gazetteer line is an error naming the file and line.
TEST(RedactCliTest, TrainNerWithAGazetteer) {
  const std::string dir = TempDir(), fl = FL_BINARY;
  {
    std::ofstream conll(dir + "/train.conll");
    const char* first[] = {"Maria", "Johan", "Priya", "Kenji", "Olga"};
    const char* last[] = {"Lopez", "Berg", "Sharma", "Tanaka", "Petrov"};
    for (int i = 0; i < 200; ++i) {
      conll << first[i % 5] << "\tB-PERSON\n" << last[(i * 3) % 5] << "\tI-PERSON\n"
            << "says\tO\nthe\tO\nVPN\tO\nis\tO\ndown\tO\n\n";
      conll << "The\tO\nVPN\tO\nis\tO\ndown\tO\nagain\tO\n.\tO\n\n";
      if (i % 4 == 0) {  // some people type in lower case
        std::string f = first[i % 5], l = last[(i * 3) % 5];
        for (char& ch : f) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        for (char& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        conll << f << "\tB-PERSON\n" << l << "\tI-PERSON\nsays\tO\nthe\tO\nvpn\tO\nis\tO\ndown\tO\n\n";
      }
    }
  }
  std::ofstream(dir + "/names.tsv") << "first\tMaria\nfirst\tIngrid\nlast\tLindqvist\nlast\tLopez\nword\tdown\n";
  auto r = Sh(fl + " -q train-ner --data " + dir + "/train.conll --model " + dir + "/m.flner --gazetteer " + dir +
                  "/names.tsv",
              true);
  ASSERT_EQ(r.code, 0) << r.out;
  r = Sh("echo 'Ingrid Lindqvist says the VPN is down' | " + fl + " redact --ner " + dir + "/m.flner");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "<PERSON_1> says the VPN is down\n");
  // In lower case a name counts only when the model's gazetteer lists it: the same data
  // without the gazetteer finds nothing there.
  const std::string lower = "echo 'ingrid lindqvist says the vpn is down' | " + fl + " redact --ner ";
  EXPECT_EQ(Sh(lower + dir + "/m.flner").out, "<PERSON_1> says the vpn is down\n");
  ASSERT_EQ(Sh(fl + " -q train-ner --data " + dir + "/train.conll --model " + dir + "/plain.flner", true).code, 0);
  EXPECT_EQ(Sh(lower + dir + "/plain.flner").out, "ingrid lindqvist says the vpn is down\n");
  std::ofstream(dir + "/bad.tsv") << "first\tMaria\nnickname\tMo\n";
  r = Sh(fl + " -q train-ner --data " + dir + "/train.conll --model " + dir + "/m2.flner --gazetteer " + dir +
             "/bad.tsv",
         true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("bad.tsv:2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nickname"), std::string::npos) << r.out;
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
