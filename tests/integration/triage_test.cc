// frontline triage: every ticket ends with exactly one decision per field, even when the
// process is killed with SIGKILL mid-run and started again.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/shell.h"
#include "store/store.h"

namespace {

using fl::testing::Sh;
using fl::testing::ShellResult;

TEST(TriageTest, SurvivesSigkillAndDecidesEveryTicketOnce) {
  std::string tmpl = testing::TempDir() + "/fl_triage_test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string dir = tmpl, fl = FL_BINARY;
  const std::string gen = "/usr/bin/python3 " FL_SOURCE_DIR "/scripts/gen_sample.py";
  ASSERT_EQ(Sh(gen + " --out " + dir + "/s --n 3000 --seed 11 --split 0.2 --format csv").code, 0);
  ASSERT_EQ(Sh(gen + " --out " + dir + "/batch --n 5000 --seed 12 --format csv").code, 0);
  ShellResult r = Sh(fl + " train --data " + dir + "/s/train.csv --text subject,body "
                     "--label category,priority --model " + dir + "/m.flm --threads 1", true);
  ASSERT_EQ(r.code, 0) << r.out;
  r = Sh(fl + " calibrate --model " + dir + "/m.flm --data " + dir +
         "/s/test.csv --text subject,body --label category --precision 0.9", true);
  ASSERT_EQ(r.code, 0) << r.out;

  const std::string triage = fl + " triage --model " + dir + "/m.flm --in " + dir +
                             "/batch/tickets.csv --out " + dir + "/d.jsonl --data-dir " + dir + "/data";
  // Start, let it decide some tickets, kill it without warning.
  r = Sh("(" + triage + " & pid=$!; sleep 2; kill -9 $pid; wait $pid; echo killed=$?)", true);
  ASSERT_NE(r.out.find("killed=137"), std::string::npos) << "triage finished before the kill: " << r.out;
  {
    std::ifstream out(dir + "/d.jsonl");
    EXPECT_FALSE(out.good()) << "output appears only when a run completes";
    auto db = fl::store::Store::Open(dir + "/data/frontline.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto undecided = db->UndecidedTickets({"category", "priority"});
    ASSERT_TRUE(undecided.ok());
    // Tickets seen before the kill are either fully decided or not at all (one transaction
    // per ticket), so the undecided ones have no decision of either field.
    for (int64_t id : *undecided) {
      auto d = db->DecisionsFor(id);
      ASSERT_TRUE(d.ok());
      EXPECT_TRUE(d->empty()) << "ticket " << id << " half decided";
    }
  }
  // Run again to completion: it resumes.
  r = Sh(triage, true);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("already decided"), std::string::npos) << r.out;

  std::ifstream out(dir + "/d.jsonl");
  std::string line;
  std::set<std::string> ids;
  int64_t human = 0;
  while (std::getline(out, line)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(ids.insert(j["id"].get<std::string>()).second) << "duplicate " << j["id"];
    ASSERT_EQ(j["decisions"].size(), 2u) << line;
    for (const auto& [field, d] : j["decisions"].items()) {
      const std::string tier = d["tier"].get<std::string>();
      EXPECT_TRUE(tier == "slm" || tier == "human") << tier;
      human += tier == "human";
    }
  }
  EXPECT_EQ(ids.size(), 5000u);
  auto db = fl::store::Store::Open(dir + "/data/frontline.db");
  ASSERT_TRUE(db.ok());
  auto undecided = db->UndecidedTickets({"category", "priority"});
  ASSERT_TRUE(undecided.ok());
  EXPECT_TRUE(undecided->empty());
  // Every escalated field decision has exactly one open review item.
  auto open = db->ListReview("open", 0);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(static_cast<int64_t>(open->size()), human);
  ASSERT_GE(open->size(), 2u);

  // The human tier from the CLI: accept one, correct another, refuse a second resolution.
  const std::string review = fl + " review ";
  const std::string dd = " --data-dir " + dir + "/data";
  const std::string first = std::to_string((*open)[0].id), second = std::to_string((*open)[1].id);
  r = Sh(review + "list --json --limit 5" + dd);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 5);
  r = Sh(review + "accept " + first + " --who alice" + dd, true);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("accepted"), std::string::npos) << r.out;
  r = Sh(review + "correct " + second + " SOME_OTHER_LABEL --who bob" + dd, true);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("corrected"), std::string::npos) << r.out;
  r = Sh(review + "accept " + second + dd, true);
  EXPECT_NE(r.code, 0) << r.out;
  auto corrected = db->ListReview("corrected", 0);
  ASSERT_TRUE(corrected.ok());
  ASSERT_EQ(corrected->size(), 1u);
  EXPECT_EQ((*corrected)[0].resolved_by, "bob");
  Sh("rm -rf " + dir);
}

}  // namespace
