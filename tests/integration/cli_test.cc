// End-to-end: the real frontline binary on the generated sample data.
#include <sys/wait.h>

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/shell.h"

namespace {

using fl::testing::ShellResult;
using fl::testing::Sh;

class CliTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    // ctest runs each test in its own process, possibly in parallel: one folder each.
    std::string tmpl = testing::TempDir() + "/fl_cli_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = new std::string(tmpl);
    const ShellResult gen = Sh("/usr/bin/python3 " FL_SOURCE_DIR "/scripts/gen_sample.py --out " + *dir_ +
                       "/sample --n 3000 --seed 7 --split 0.2", true);
    ASSERT_EQ(gen.code, 0) << gen.out;
    const ShellResult train = Sh(Bin() + " train --data " + *dir_ + "/sample/train.csv --text subject,body "
                         "--label category,priority,queue --model " + *dir_ + "/m.flm --threads 1 --seed 3", true);
    ASSERT_EQ(train.code, 0) << train.out;
  }
  static void TearDownTestSuite() {
    Sh("rm -rf " + *dir_);
    delete dir_;
  }
  static std::string Bin() { return FL_BINARY; }
  static std::string Dir() { return *dir_; }
  static std::string* dir_;
};
std::string* CliTest::dir_ = nullptr;

TEST_F(CliTest, EvalJsonBeatsFloor) {
  const ShellResult r = Sh(Bin() + " eval --model " + Dir() + "/m.flm --data " + Dir() +
                   "/sample/test.csv --text subject,body --label category --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"n", "accuracy", "macro_f1", "ece", "coverage_at_precision"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  SCOPED_TRACE(r.out);
  EXPECT_EQ(j["n"].get<int>(), 600);
  // The largest of 15 categories is well under 20%: a broken model cannot pass this.
  EXPECT_GT(j["accuracy"].get<double>(), 0.75);
  EXPECT_GT(j["coverage_at_precision"]["0.95"].get<double>(), 0.3);
  EXPECT_LT(j["ece"].get<double>(), 0.1);
}

TEST_F(CliTest, PredictWritesJsonLines) {
  const ShellResult r = Sh("printf 'VPN keeps dropping since this morning\\nprinter on floor 3 is jammed\\n' | " +
                   Bin() + " predict --model " + Dir() + "/m.flm --field category --top-k 3");
  ASSERT_EQ(r.code, 0);
  std::istringstream lines(r.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    ASSERT_TRUE(j["label"].is_string());
    ASSERT_EQ(j["top"].size(), 3u);
    EXPECT_EQ(j["top"][0][0], j["label"]);
    EXPECT_GE(j["confidence"].get<double>(), j["top"][1][1].get<double>());
    ++n;
  }
  EXPECT_EQ(n, 2);
}

TEST_F(CliTest, PredictRejectsBadTopKAndAnswersEmptyLines) {
  ShellResult r = Sh("echo hi | " + Bin() + " predict --model " + Dir() + "/m.flm --top-k 0", true);
  EXPECT_NE(r.code, 0);
  r = Sh("printf '\\n\\n' | " + Bin() + " predict --model " + Dir() + "/m.flm --field category");
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;  // one answer per line
}

TEST_F(CliTest, HtmlReportIsSelfContained) {
  const std::string report = Dir() + "/report.html";
  const ShellResult r = Sh(Bin() + " eval --model " + Dir() + "/m.flm --data " + Dir() +
                   "/sample/test.csv --text subject,body --label category,priority --report " + report);
  ASSERT_EQ(r.code, 0);
  std::ifstream in(report);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string html = ss.str();
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
}

TEST_F(CliTest, BadCsvNamesFileRowAndColumn) {
  const std::string bad = Dir() + "/bad.csv";
  std::ofstream(bad) << "subject,category\n\"ok\",vpn\n\"ragged\",vpn,extra\n";
  ShellResult r = Sh(Bin() + " train --data " + bad + " --text subject --label category --model " + Dir() +
             "/bad.flm", true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("bad.csv:3"), std::string::npos) << r.out;
  const std::string good = Dir() + "/good.csv";
  std::ofstream(good) << "subject,category\nvpn down,vpn\nprinter jam,printer\n";
  r = Sh(Bin() + " train --data " + good + " --text body --label category --model " + Dir() +
         "/bad.flm", true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("body"), std::string::npos) << r.out;
}

TEST_F(CliTest, CorruptModelIsRefused) {
  const std::string path = Dir() + "/corrupt.flm";
  Sh("head -c 5000 " + Dir() + "/m.flm > " + path);
  const ShellResult r = Sh(Bin() + " eval --model " + path + " --data " + Dir() +
                   "/sample/test.csv --text subject,body --label category", true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("corrupt.flm"), std::string::npos) << r.out;
}

}  // namespace
