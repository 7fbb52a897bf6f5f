// End-to-end: frontline calibrate and eval-routing on the generated sample.
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/shell.h"

namespace {

using fl::testing::ShellResult;
using fl::testing::Sh;

ShellResult Shell(const std::string& cmd) { return Sh(cmd, true); }
// stdout only, for JSON.
std::string Stdout(const std::string& cmd) { return Sh(cmd).out; }

class RoutingTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string tmpl = testing::TempDir() + "/fl_routing_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = new std::string(tmpl);
    const std::string gen = "/usr/bin/python3 " FL_SOURCE_DIR "/scripts/gen_sample.py";
    ASSERT_EQ(Shell(gen + " --out " + *dir_ + "/s --n 3000 --seed 7 --split 0.2").code, 0);
    ASSERT_EQ(Shell(gen + " --out " + *dir_ + "/cal --n 1500 --seed 8 --format csv").code, 0);
    const ShellResult t = Shell(std::string(FL_BINARY) + " train --data " + *dir_ +
                      "/s/train.csv --text subject,body --label category --model " + *dir_ +
                      "/m.flm --threads 1 --seed 3");
    ASSERT_EQ(t.code, 0) << t.out;
  }
  static void TearDownTestSuite() {
    Shell("rm -rf " + *dir_);
    delete dir_;
  }
  static std::string Fl() { return FL_BINARY; }
  static std::string Dir() { return *dir_; }
  static std::string* dir_;
};
std::string* RoutingTest::dir_ = nullptr;

TEST_F(RoutingTest, CalibrateThenEvaluate) {
  const std::string cal = Fl() + " calibrate --model " + Dir() + "/m.flm --data " + Dir() +
                          "/cal/tickets.csv --text subject,body --label category --precision 0.90 --delta 0.05";
  const auto cj = nlohmann::json::parse(Stdout(cal));
  ASSERT_EQ(cj["fields"].size(), 1u);
  const double tau = cj["fields"][0]["threshold"].get<double>();
  EXPECT_GT(tau, 0.0);
  EXPECT_LE(tau, 1.0);
  EXPECT_TRUE(cj["fields"][0]["guaranteed"]["feasible"].get<bool>());
  // The guaranteed threshold is never below the empirical one.
  EXPECT_GE(tau, cj["fields"][0]["empirical"]["tau"].get<double>());
  std::ifstream sidecar(Dir() + "/m.flm.routing.json");
  EXPECT_TRUE(sidecar.good());

  const auto ej = nlohmann::json::parse(Stdout(
      Fl() + " eval-routing --model " + Dir() + "/m.flm --data " + Dir() +
      "/s/test.csv --text subject,body --label category --json"));
  for (const char* key : {"n", "coverage", "precision", "threshold"}) EXPECT_TRUE(ej.contains(key)) << key;
  EXPECT_EQ(ej["n"].get<int>(), 600);
  EXPECT_DOUBLE_EQ(ej["threshold"].get<double>(), tau);
  EXPECT_GT(ej["coverage"].get<double>(), 0.3);   // a useful automation rate
  EXPECT_GT(ej["precision"].get<double>(), 0.88);  // about the 0.90 target on fresh data
  EXPECT_FALSE(ej.contains("oos_recall"));
}

TEST_F(RoutingTest, OutOfScopeLabel) {
  const ShellResult c = Shell(Fl() + " calibrate --model " + Dir() + "/m.flm --data " + Dir() +
                    "/cal/tickets.csv --text subject,body --label category --oos-label out_of_scope");
  ASSERT_EQ(c.code, 0) << c.out;
  const auto ej = nlohmann::json::parse(Stdout(
      Fl() + " eval-routing --model " + Dir() + "/m.flm --data " + Dir() +
      "/s/test.csv --text subject,body --label category --oos-label out_of_scope --json"));
  ASSERT_TRUE(ej.contains("in_scope_accuracy"));
  ASSERT_TRUE(ej.contains("oos_recall"));
  EXPECT_GT(ej["in_scope_accuracy"].get<double>(), 0.8);
  EXPECT_GT(ej["oos_recall"].get<double>(), 0.5);
  EXPECT_GE(ej["closed_set_accuracy"].get<double>(), ej["in_scope_accuracy"].get<double>());
  // The sidecar names its score; a file from before the certainty score (no "score") is
  // read with the top probability, and an unknown score is an error naming it.
  const std::string sidecar = Dir() + "/m.flm.routing.json";
  nlohmann::json routing;
  std::ifstream(sidecar) >> routing;
  ASSERT_EQ(routing["fields"][0]["oos"]["score"], "certainty");
  routing["fields"][0]["oos"].erase("score");
  routing["fields"][0]["oos"]["threshold"] = 0.3;
  std::ofstream(sidecar) << routing.dump();
  const std::string eval = Fl() + " eval-routing --model " + Dir() + "/m.flm --data " + Dir() +
                           "/s/test.csv --text subject,body --label category --oos-label out_of_scope --json";
  EXPECT_TRUE(nlohmann::json::parse(Stdout(eval)).contains("oos_recall"));
  routing["fields"][0]["oos"]["score"] = "vibes";
  std::ofstream(sidecar) << routing.dump();
  const ShellResult unknown = Shell(eval);
  EXPECT_NE(unknown.code, 0);
  EXPECT_NE(unknown.out.find("vibes"), std::string::npos) << unknown.out;
  ASSERT_EQ(Shell(Fl() + " calibrate --model " + Dir() + "/m.flm --data " + Dir() +
                  "/cal/tickets.csv --text subject,body --label category --oos-label out_of_scope").code, 0);
  // An OOS label the model does not know is an error naming it.
  const ShellResult bad = Shell(Fl() + " calibrate --model " + Dir() + "/m.flm --data " + Dir() +
                      "/cal/tickets.csv --text subject,body --label category --oos-label nonsense");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.out.find("nonsense"), std::string::npos) << bad.out;
}

TEST_F(RoutingTest, EvalRoutingNeedsCalibration) {
  const ShellResult cp = Shell("cp " + Dir() + "/m.flm " + Dir() + "/uncal.flm");
  ASSERT_EQ(cp.code, 0);
  const ShellResult r = Shell(Fl() + " eval-routing --model " + Dir() + "/uncal.flm --data " + Dir() +
                    "/s/test.csv --text subject,body --label category --json");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("calibrate"), std::string::npos) << r.out;
}

}  // namespace

namespace {

// The guarantee over 200 random calibration/test re-splits of the sample: the guaranteed
// threshold fails at most delta of the time; the point-estimate threshold fails about half
// the time where the target sits on the precision the model can reach.
TEST_F(RoutingTest, GuaranteeHoldsOverResplits) {
  for (const char* precision : {"0.90", "0.95"}) {
    const std::string out = Stdout(Fl() + " routing-study --model " + Dir() + "/m.flm --data " + Dir() +
                                   "/cal/tickets.csv --text subject,body --label category --resplits 200 "
                                   "--delta 0.05 --precision " + precision);
    const auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["resplits"], 200);
    EXPECT_EQ(j["n"], 1500);
    EXPECT_LE(j["violation_rate"].get<double>(), 0.05) << out;
    EXPECT_GE(j["mean_precision"].get<double>(), std::stod(precision)) << out;
    if (std::string(precision) == "0.90") {
      EXPECT_GT(j["mean_coverage"].get<double>(), 0.5) << "a useful automation rate: " << out;
    } else {
      EXPECT_GT(j["empirical_violation_rate"].get<double>(), 0.2) << "the empirical threshold is not safe: " << out;
    }
  }
}

}  // namespace
