// frontline triage with the LLM tier, against a real OpenAI-compatible server on loopback
// (tests/fake_llm_server.h) that answers correctly, slowly, with 429/500, with malformed
// JSON or with a label outside the allowed set. Whatever it does, every ticket ends with
// one decision per field, failures fall back to a person, and every call is on record.
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_llm_server.h"
#include "integration/shell.h"
#include "store/store.h"

namespace {

using fl::testing::FakeLlmServer;
using fl::testing::Sh;
using fl::testing::ShellResult;
using nlohmann::json;

const char* const kModes[] = {"ok", "plain", "slow", "429", "500", "malformed", "outofset"};
constexpr int kPerMode = 3;

class LlmTriageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/fl_llm_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    const std::string gen = "/usr/bin/python3 " FL_SOURCE_DIR "/scripts/gen_sample.py";
    ASSERT_EQ(Sh(gen + " --out " + dir_ + "/s --n 800 --seed 21 --split 0.2 --format csv").code, 0);
    // Not calibrated: every field is uncertain, so every field goes to the LLM tier.
    ShellResult r = Sh(std::string(FL_BINARY) + " train --data " + dir_ + "/s/train.csv --text subject,body "
                       "--label category,priority --model " + dir_ + "/m.flm --threads 1 --seed 3", true);
    ASSERT_EQ(r.code, 0) << r.out;
    std::ofstream t(dir_ + "/batch.csv");
    t << "id,subject,body\n";
    for (const char* mode : kModes) {
      for (int k = 0; k < kPerMode; ++k) {
        t << mode << "-" << k << ",VPN keeps dropping,\"Since this morning the VPN disconnects every few minutes "
          << "for all users on floor " << k << ". [mode:" << mode << "]\"\n";
      }
    }
  }

  void WriteConfig(const std::string& endpoint, const std::string& extra) {
    std::ofstream c(dir_ + "/config.json");
    c << "{\"llm\": {\"endpoint\": \"" << endpoint << "\", \"model\": \"test-model\", "
      << "\"api_key_env\": \"FL_TEST_LLM_KEY\", \"timeout_s\": 0.5, \"max_retries\": 2, "
      << "\"backoff_base_s\": 0.01, \"backoff_max_s\": 0.05, \"concurrency\": 4" << extra << "}}";
  }

  ShellResult Triage(const std::string& flags, const std::string& in = "batch.csv") {
    return Sh("FL_TEST_LLM_KEY=sekrit " + std::string(FL_BINARY) + " triage --model " + dir_ + "/m.flm --in " +
                  dir_ + "/" + in + " --out " + dir_ + "/d.jsonl --data-dir " + dir_ + "/data --config " + dir_ +
                  "/config.json --json " + flags,
              true);
  }

  // The output lines by ticket id.
  std::map<std::string, json> Output() {
    std::map<std::string, json> out;
    std::ifstream in(dir_ + "/d.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      json j = json::parse(line);
      out[j["id"].get<std::string>()] = j;
    }
    return out;
  }

  // The stats object triage printed with --json (the last line of stdout that is JSON).
  static json Stats(const std::string& out) {
    std::istringstream in(out);
    std::string line;
    json last;
    while (std::getline(in, line)) {
      if (!line.empty() && line[0] == '{') last = json::parse(line, nullptr, false);
    }
    return last;
  }

  std::string dir_;
};

TEST_F(LlmTriageTest, EveryTicketIsDecidedWhateverTheEndpointDoes) {
  FakeLlmServer server;
  server.slow_s = 1.2;
  WriteConfig(server.endpoint(), ", \"breaker_failures\": 1000");
  ShellResult r = Triage("");
  ASSERT_EQ(r.code, 0) << r.out;
  const json stats = Stats(r.out);
  ASSERT_TRUE(stats.is_object()) << r.out;

  const auto out = Output();
  ASSERT_EQ(out.size(), std::size(kModes) * kPerMode);
  auto db = fl::store::Store::Open(dir_ + "/data/frontline.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  double cost = 0;
  int64_t llm = 0, human = 0;
  for (const auto& [id, line] : out) {
    const std::string mode = id.substr(0, id.find('-'));
    ASSERT_EQ(line["decisions"].size(), 2u) << line;
    auto ticket_id = db->UpsertTicket(id, "");
    ASSERT_TRUE(ticket_id.ok());
    auto escalations = db->EscalationsFor(*ticket_id);
    ASSERT_TRUE(escalations.ok());
    ASSERT_EQ(escalations->size(), 2u) << id << ": one LLM call per field is on record";
    const bool answers = mode == "ok" || mode == "plain" || mode == "slow" || mode == "429";
    for (const auto& [field, d] : line["decisions"].items()) {
      cost += d["cost"].get<double>();
      const std::string tier = d["tier"];
      EXPECT_EQ(tier, answers ? "llm" : "human") << id << " " << field;
      llm += tier == "llm";
      human += tier == "human";
      if (tier == "llm") {
        EXPECT_GT(d["tokens"].get<int64_t>(), 0) << id;
      }
    }
    for (const fl::store::Escalation& e : *escalations) {
      EXPECT_EQ(e.backend, "openai:test-model");
      const json resp = json::parse(e.response_meta_json);
      if (mode == "ok" || mode == "plain") {
        EXPECT_EQ(e.status, "ok");
        EXPECT_EQ(e.attempts, 1);
      } else if (mode == "slow" || mode == "429") {
        EXPECT_EQ(e.status, "ok") << id;
        EXPECT_EQ(e.attempts, 2) << id << ": one retry";
        ASSERT_EQ(resp["errors"].size(), 1u) << e.response_meta_json;
        EXPECT_NE(resp["errors"][0].get<std::string>().find(mode == "429" ? "429" : "Read"), std::string::npos)
            << e.response_meta_json;
      } else if (mode == "500" || mode == "malformed") {
        EXPECT_EQ(e.status, "error") << id;
        EXPECT_EQ(e.attempts, 3) << id << ": 1 + max_retries";
      } else {
        EXPECT_EQ(e.status, "invalid_answer") << id;
        EXPECT_EQ(e.attempts, 1) << id << ": a wrong label is not retried";
        EXPECT_EQ(resp["answer"], "{\"label\": \"NotALabel\"}");
      }
      const json req = json::parse(e.request_meta_json);
      EXPECT_GE(req["candidates"].size(), 3u);
      EXPECT_LE(req["candidates"].size(), 8u);
    }
  }
  EXPECT_EQ(llm, 4 * kPerMode * 2);
  EXPECT_EQ(human, 3 * kPerMode * 2);
  EXPECT_EQ(stats["llm"], llm);
  EXPECT_EQ(stats["human"], human);
  EXPECT_EQ(stats["llm_failed"], human);
  EXPECT_NEAR(stats["llm_cost"].get<double>(), cost, 1e-9);

  // Each field that ended with a person is on the review queue with the LLM's failure.
  auto open = db->ListReview("open", 0);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(static_cast<int64_t>(open->size()), human);
  for (const auto& item : *open) EXPECT_EQ(item.reason.rfind("llm: ", 0), 0u) << item.reason;
  auto undecided = db->UndecidedTickets({"category", "priority"});
  ASSERT_TRUE(undecided.ok());
  EXPECT_TRUE(undecided->empty());

  // The wire: the key from the environment, a JSON schema whose enum is the candidate set.
  const auto requests = server.requests();
  ASSERT_FALSE(requests.empty());
  for (const auto& req : requests) {
    EXPECT_EQ(req.authorization, "Bearer sekrit");
    EXPECT_EQ(req.body["model"], "test-model");
    const json& e = req.body["response_format"]["json_schema"]["schema"]["properties"]["label"]["enum"];
    ASSERT_TRUE(e.is_array());
    EXPECT_GE(e.size(), 3u);
  }
  // The API key never reaches the store.
  std::ifstream f(dir_ + "/data/frontline.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("sekrit"), std::string::npos);

  // A second run decides nothing again and calls nobody.
  const size_t before = server.requests().size();
  r = Triage("");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Stats(r.out)["already_decided"], std::size(kModes) * kPerMode);
  EXPECT_EQ(server.requests().size(), before);
}

TEST_F(LlmTriageTest, EndpointDownOpensTheBreakerAndLosesNothing) {
  int port;
  {
    FakeLlmServer gone;
    port = std::stoi(gone.endpoint().substr(17));
  }
  WriteConfig("http://127.0.0.1:" + std::to_string(port) + "/v1",
              ", \"breaker_failures\": 2, \"breaker_cooldown_s\": 600");
  ShellResult r = Triage("");
  ASSERT_EQ(r.code, 0) << r.out;
  const json stats = Stats(r.out);
  const int64_t fields = std::size(kModes) * kPerMode * 2;
  EXPECT_EQ(stats["human"], fields);
  EXPECT_GT(stats["llm_skipped_breaker"].get<int64_t>(), 0) << r.out;
  EXPECT_LE(stats["llm_calls"].get<int64_t>(), 2 + 4) << "at most the threshold plus calls already in flight";
  EXPECT_EQ(stats["llm_calls"].get<int64_t>() + stats["llm_skipped_breaker"].get<int64_t>(), fields);
  EXPECT_NE(r.out.find("circuit open"), std::string::npos) << r.out;
  auto db = fl::store::Store::Open(dir_ + "/data/frontline.db");
  ASSERT_TRUE(db.ok());
  auto undecided = db->UndecidedTickets({"category", "priority"});
  ASSERT_TRUE(undecided.ok());
  EXPECT_TRUE(undecided->empty());
  auto open = db->ListReview("open", 0);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(static_cast<int64_t>(open->size()), fields);
}

TEST_F(LlmTriageTest, BudgetStopsSpendingAcrossRuns) {
  FakeLlmServer server;
  // 100 prompt + 5 completion tokens at 10,000 per million: 1.0 + 0.05 per call; the
  // estimate before a call is about the same.
  WriteConfig(server.endpoint(),
              ", \"price_input_per_mtok\": 10000, \"price_output_per_mtok\": 10000, \"budget_per_day\": 6");
  {
    std::ofstream t(dir_ + "/ok.csv");
    t << "id,subject,body\n";
    for (int k = 0; k < 10; ++k) t << "ok-" << k << ",Printer jam,\"Printer on floor " << k << " jams\"\n";
  }
  ShellResult r = Triage("", "ok.csv");
  ASSERT_EQ(r.code, 0) << r.out;
  json stats = Stats(r.out);
  const double spent = stats["llm_cost"];
  EXPECT_GT(stats["llm"].get<int64_t>(), 0);
  EXPECT_GT(stats["llm_skipped_budget"].get<int64_t>(), 0) << r.out;
  EXPECT_EQ(stats["llm"].get<int64_t>() + stats["human"].get<int64_t>(), 20);
  EXPECT_LE(spent, 6.0 * 1.25) << "within the budget up to the estimation error of calls in flight";
  EXPECT_EQ(static_cast<int64_t>(server.requests().size()), stats["llm_calls"].get<int64_t>());

  // The ledger is in the store: a later run the same day makes no call at all.
  {
    std::ofstream t(dir_ + "/more.csv");
    t << "id,subject,body\n";
    for (int k = 0; k < 5; ++k) t << "more-" << k << ",Printer jam,\"Printer in room " << k << " jams\"\n";
  }
  const size_t before = server.requests().size();
  r = Triage("", "more.csv");
  ASSERT_EQ(r.code, 0) << r.out;
  stats = Stats(r.out);
  EXPECT_EQ(server.requests().size(), before) << r.out;
  EXPECT_EQ(stats["llm_skipped_budget"], 10);
  EXPECT_EQ(stats["human"], 10);
}

TEST_F(LlmTriageTest, DryRunCallsNothingAndWritesNoStore) {
  FakeLlmServer server;
  WriteConfig(server.endpoint(), "");
  ShellResult r = Triage("--dry-run");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(server.requests().empty());
  EXPECT_NE(access((dir_ + "/data").c_str(), F_OK), 0) << "a dry run creates no store";
  const auto out = Output();
  ASSERT_EQ(out.size(), std::size(kModes) * kPerMode);
  for (const auto& [id, line] : out) {
    EXPECT_EQ(line["dry_run"], true);
    for (const auto& [field, d] : line["decisions"].items()) {
      EXPECT_EQ(d["tier"], "llm") << id;
      EXPECT_GT(d["cost"].get<double>(), 0) << "the estimated cost of the call";
    }
  }
  EXPECT_GT(Stats(r.out)["llm_cost"].get<double>(), 0);
}

TEST_F(LlmTriageTest, RulesPreemptTheModelAndPoliciesSkipTheLlm) {
  FakeLlmServer server;
  std::ofstream c(dir_ + "/config.json");
  c << R"({"llm": {"endpoint": ")" << server.endpoint() << R"(", "timeout_s": 2},
          "fields": {"category": {"escalate": "human"}},
          "rules": [{"name": "vpn-outage", "field": "priority", "label": "P1",
                     "all": ["vpn"], "any": ["all users"], "regex": "floor [0-1]\\b"}]})";
  c.close();
  ShellResult r = Triage("");
  ASSERT_EQ(r.code, 0) << r.out;
  for (const auto& [id, line] : Output()) {
    const int floor = id.back() - '0';
    const json& p = line["decisions"]["priority"];
    if (floor <= 1) {
      EXPECT_EQ(p["tier"], "rule") << id;
      EXPECT_EQ(p["value"], "P1");
      EXPECT_EQ(p["set"][0], "vpn-outage");
    } else {
      EXPECT_NE(p["tier"], "rule") << id;
    }
    EXPECT_EQ(line["decisions"]["category"]["tier"], "human") << "category escalates straight to a person";
  }
  for (const auto& req : server.requests()) {
    EXPECT_NE(req.body["messages"][0]["content"].get<std::string>().find("\"priority\""), std::string::npos)
        << "only priority goes to the LLM";
  }
}

TEST_F(LlmTriageTest, BadConfigIsRefusedBeforeAnyWork) {
  std::ofstream(dir_ + "/config.json") << R"({"llm": {"endpoint": "http://127.0.0.1:1/v1", "timeout": 3}})";
  ShellResult r = Triage("");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("unknown key 'timeout'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("config.json"), std::string::npos) << r.out;
  EXPECT_NE(access((dir_ + "/d.jsonl").c_str(), F_OK), 0);
}

}  // namespace

namespace {

// Corrections made in review become training data: a label that exists only in the
// feedback is learned by the next `frontline train --feedback`.
TEST(FeedbackTrainingTest, CorrectionsTeachTheNextModel) {
  std::string tmpl = ::testing::TempDir() + "/fl_feedback_test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string dir = tmpl, fl = FL_BINARY;
  const std::string gen = "/usr/bin/python3 " FL_SOURCE_DIR "/scripts/gen_sample.py";
  ASSERT_EQ(Sh(gen + " --out " + dir + "/s --n 800 --seed 31 --split 0.2 --format csv").code, 0);
  const std::string train = fl + " train --data " + dir + "/s/train.csv --text subject,body --label category,priority "
                            "--threads 1 --seed 3 --model ";
  ShellResult r = Sh(train + dir + "/m1.flm", true);
  ASSERT_EQ(r.code, 0) << r.out;
  {
    std::ofstream t(dir + "/batch.csv");
    t << "id,subject,body\n";
    for (int k = 0; k < 40; ++k) {
      t << "z" << k << ",Zorblax licence server,\"The zorblax licence daemon rejects token " << k
        << " again, zorblax seats exhausted\"\n";
    }
  }
  // Not calibrated: every field goes to review.
  r = Sh(fl + " triage --model " + dir + "/m1.flm --in " + dir + "/batch.csv --out " + dir + "/d.jsonl --data-dir " +
             dir + "/data",
         true);
  ASSERT_EQ(r.code, 0) << r.out;
  {
    auto db = fl::store::Store::Open(dir + "/data/frontline.db");
    ASSERT_TRUE(db.ok());
    auto open = db->ListReview("open", 0);
    ASSERT_TRUE(open.ok());
    ASSERT_EQ(open->size(), 80u);
    int resolved = 0;
    for (const auto& item : *open) {
      // Leave a few priority reviews open: those tickets must be left out of training.
      if (item.field == "priority" && resolved++ < 5) continue;
      auto decisions = db->DecisionsFor(item.ticket_id);
      ASSERT_TRUE(decisions.ok());
      std::string label = "Zorblax";
      if (item.field == "priority") {
        for (const auto& d : *decisions) {
          if (d.field == "priority") label = d.value;  // the person agrees
        }
      }
      ASSERT_TRUE(db->ResolveReview(item.id, label, "tester").ok());
    }
  }
  r = Sh(train + dir + "/m2.flm --feedback " + dir + "/data", true);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("35 reviewed tickets added"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("35 corrected labels"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("5 left out"), std::string::npos) << r.out;
  r = Sh("echo 'zorblax licence daemon rejects my token, seats exhausted' | " + fl + " predict --model " + dir +
         "/m2.flm --field category -k 1");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Zorblax"), std::string::npos) << "the corrected label was learned: " << r.out;
  r = Sh("echo 'zorblax licence daemon rejects my token, seats exhausted' | " + fl + " predict --model " + dir +
         "/m1.flm --field category -k 1");
  EXPECT_EQ(r.out.find("Zorblax"), std::string::npos) << "the old model cannot know it: " << r.out;
}

}  // namespace
