// Zero leak: triage with the LLM tier against a loopback endpoint that records every
// request body, over tickets seeded with known identifiers of every supported type. No
// seeded value may appear in any body; placeholders the LLM echoes come back restored; the
// egress ledger's hash matches what was sent; a failing guard sends nothing.
#include <openssl/sha.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <random>

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

// Known identifiers, by type: each appears in some ticket and must never leave.
const std::vector<std::pair<std::string, std::vector<std::string>>> kSeeds = {
    {"EMAIL", {"maria.lopez@example.com", "j.smith+vpn@contoso.co.uk", "ops-team@corp.example.com",
               "j\xC3\xBCrgen@m\xC3\xBCller.de"}},
    {"PHONE", {"+44 20 7946 0958", "(415) 555-0132", "+1-202-555-0175",
               "+33\xC2\xA0" "1\xC2\xA0" "23\xC2\xA0" "45\xC2\xA0" "67\xC2\xA0" "89"}},  // no-break spaces
    {"IP_ADDRESS", {"10.20.30.40", "203.0.113.77", "fe80::1ff:fe23:4567:890a", "2001:db8:85a3::8a2e:370:7334"}},
    {"MAC_ADDRESS", {"00:1A:2B:3C:4D:5E", "a4-5e-60-c2-11-9f"}},
    {"URL", {"https://svc_backup:S3cr3tPass@files.example.net/share"}},
    {"CREDIT_CARD", {"4111 1111 1111 1111", "5500-0055-5555-5559", "378282246310005"}},
    {"IBAN", {"DE89 3704 0044 0532 0130 00", "GB29NWBK60161331926819"}},
    {"US_SSN", {"536-22-8745", "078-12-3456"}},
    {"DATE_OF_BIRTH", {"14/07/1986", "March 3, 1979"}},
    {"NATIONAL_ID", {"12345678Z", "RSSMRA85T10A562S", "811228-9874", "1 85 05 78 006 084 91"}},
    {"PERSON", {"Maria Lopez", "Johan Berg"}},
    {"USERNAME", {"CORP\\jsmith", "EMEA\\m.lopez", "priya.sharma"}},
    {"LOCATION", {"742 Evergreen Terrace", "Gutknechtstra\xC3\x9F" "e 63, 06690 Forchheim"}},
    {"HOSTNAME", {"srv-db-07.corp.example.com", "fs01.eu.corp.example.com"}},
    {"SECRET", {"AKIAZ7QW3ERTY5UIOP2X", "ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6", "Hunter2!xyz",
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "sk_live_4eC39HqLyjWDarjtT1zdp7dc"}},
    {"EMPLOYEE_ID", {"EMP-204518", "EMP-771203"}},
};

// One ticket body that carries the given identifiers in natural phrasing.
std::string Sentence(const std::string& type, const std::string& v) {
  if (type == "EMAIL") return "Please reply to " + v + " when done.";
  if (type == "PHONE") return "You can call me on " + v + " today.";
  if (type == "IP_ADDRESS") return "The machine at " + v + " cannot reach the share.";
  if (type == "MAC_ADDRESS") return "Its network card is " + v + ".";
  if (type == "URL") return "The backup job uses " + v + " and fails.";
  if (type == "CREDIT_CARD") return "Refund the card " + v + " please.";
  if (type == "IBAN") return "Salary goes to IBAN " + v + ".";
  if (type == "US_SSN") return "HR needs my SSN " + v + " for the form.";
  if (type == "DATE_OF_BIRTH") return "My date of birth is " + v + ".";
  if (type == "NATIONAL_ID") return "HR asked for my ID number " + v + " again.";
  if (type == "PERSON") return "Hi " + v + ",";
  if (type == "USERNAME") return "The account " + v + " is locked.";
  if (type == "LOCATION") return "Ship the new laptop to " + v + " please.";
  if (type == "HOSTNAME") return "Server " + v + " is slow.";
  if (type == "SECRET") return "The config has password=" + v + " in clear text.";
  return "My employee number is " + v + ".";
}

std::string Sha256Hex(const std::string& s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  std::string out;
  for (unsigned char b : d) {
    out.push_back("0123456789abcdef"[b >> 4]);
    out.push_back("0123456789abcdef"[b & 15]);
  }
  return out;
}

class GuardLeakTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/fl_leak_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    const std::string gen = "/usr/bin/python3 " FL_SOURCE_DIR "/scripts/gen_sample.py";
    ASSERT_EQ(Sh(gen + " --out " + dir_ + "/s --n 600 --seed 41 --split 0.2 --format csv").code, 0);
    // Not calibrated: every field goes to the LLM.
    ShellResult r = Sh(std::string(FL_BINARY) + " train --data " + dir_ + "/s/train.csv --text subject,body "
                       "--label category,priority --model " + dir_ + "/m.flm --threads 1 --seed 3", true);
    ASSERT_EQ(r.code, 0) << r.out;
    // 40 tickets, each with identifiers of 3 random types; every type appears.
    std::mt19937 rng(5);
    std::ofstream t(dir_ + "/batch.jsonl");
    for (int k = 0; k < 40; ++k) {
      std::string body = k % 2 ? "[mode:echo] " : "[mode:ok] ";
      for (int j = 0; j < 3; ++j) {
        const auto& [type, values] = kSeeds[(k * 3 + j) % kSeeds.size()];
        const std::string& v = values[rng() % values.size()];
        body += type == "PERSON" ? Sentence(type, v) + " the VPN drops. " : Sentence(type, v) + " ";
      }
      if (k % 3 == 0) body += "\nRegards,\nJohan Berg";
      t << json{{"id", "T" + std::to_string(k)}, {"subject", "Help needed"}, {"body", body}}.dump() << "\n";
    }
  }

  void WriteConfig(const std::string& endpoint, const std::string& guard_extra) {
    std::ofstream(dir_ + "/config.json")
        << R"({"llm": {"endpoint": ")" << endpoint << R"(", "timeout_s": 2, "max_retries": 0, "concurrency": 4},
               "guard": {"internal_domains": ["corp.example.com"],
                         "custom": [{"type": "EMPLOYEE_ID", "pattern": "\\bEMP-\\d{6}\\b"}])"
        << guard_extra << "}}";
  }

  ShellResult Triage() {
    return Sh(std::string(FL_BINARY) + " triage --model " + dir_ + "/m.flm --in " + dir_ + "/batch.jsonl --out " +
                  dir_ + "/d.jsonl --data-dir " + dir_ + "/data --config " + dir_ + "/config.json --json",
              true);
  }

  std::string dir_;
};

TEST_F(GuardLeakTest, NoSeededValueLeavesAndEchoesAreRestored) {
  FakeLlmServer server;
  WriteConfig(server.endpoint(), "");
  ShellResult r = Triage();
  ASSERT_EQ(r.code, 0) << r.out;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 80u) << "40 tickets x 2 fields, all sent: " << r.out;
  std::set<std::string> bodies;
  for (const auto& req : requests) {
    bodies.insert(Sha256Hex(req.raw));
    for (const auto& [type, values] : kSeeds) {
      for (const std::string& v : values) {
        ASSERT_EQ(req.raw.find(v), std::string::npos) << type << " value leaked: " << v;
        // Also the JSON-escaped form (a backslash in DOMAIN\user is escaped on the wire).
        const std::string escaped = json(v).dump();
        ASSERT_EQ(req.raw.find(escaped.substr(1, escaped.size() - 2)), std::string::npos) << v;
      }
    }
  }
  auto db = fl::store::Store::Open(dir_ + "/data/frontline.db");
  ASSERT_TRUE(db.ok());
  int restored_checks = 0;
  std::set<std::string> types_removed;
  for (int k = 0; k < 40; ++k) {
    auto id = db->UpsertTicket("T" + std::to_string(k), "");
    ASSERT_TRUE(id.ok());
    auto escalations = db->EscalationsFor(*id);
    ASSERT_TRUE(escalations.ok());
    ASSERT_EQ(escalations->size(), 2u);
    auto mapping = db->PseudonymsFor(*id);
    ASSERT_TRUE(mapping.ok());
    EXPECT_GE(mapping->size(), 3u) << "ticket T" << k << " has at least three identifiers";
    for (const auto& e : *escalations) {
      const json req = json::parse(e.request_meta_json), resp = json::parse(e.response_meta_json);
      EXPECT_EQ(req["guard"], "on");
      // The ledger's hash is the hash of a body the endpoint received.
      EXPECT_TRUE(bodies.count(req["body_sha256"].get<std::string>())) << e.request_meta_json;
      for (const auto& [type, n] : req["redacted"].items()) types_removed.insert(type);
      EXPECT_TRUE(resp["unknown_placeholders"].empty()) << e.response_meta_json;
      if (k % 2 == 1) {
        // The echo answer names the ticket's placeholders; restored, they are the values.
        const std::string restored = resp["restored_answer"];
        for (const auto& p : *mapping) {
          EXPECT_NE(restored.find(p.value), std::string::npos) << p.placeholder << " not restored in " << restored;
          ++restored_checks;
        }
        EXPECT_EQ(restored.find("<EMAIL_1>"), std::string::npos);
      }
    }
  }
  EXPECT_GT(restored_checks, 40);
  for (const auto& [type, values] : kSeeds) EXPECT_TRUE(types_removed.count(type)) << type << " never redacted";
}

TEST_F(GuardLeakTest, GuardFailureSendsNothing) {
  FakeLlmServer server;
  WriteConfig(server.endpoint(), R"(, "max_bytes": 16)");  // every ticket is too long to check
  ShellResult r = Triage();
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(server.requests().empty()) << "fail closed";
  const auto stats = json::parse(r.out.substr(r.out.rfind("{\"")));
  EXPECT_EQ(stats["human"], 80);
  EXPECT_EQ(stats["llm_skipped_guard"], 80);
  auto db = fl::store::Store::Open(dir_ + "/data/frontline.db");
  ASSERT_TRUE(db.ok());
  auto open = db->ListReview("open", 0);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 80u);
  EXPECT_NE(open->front().reason.find("privacy guard failed"), std::string::npos) << open->front().reason;
}

TEST_F(GuardLeakTest, GuardCannotBeTurnedOffForARemoteEndpoint) {
  WriteConfig("https://api.example.com/v1", R"(, "enabled": false)");
  ShellResult r = Triage();
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("only be turned off for an LLM endpoint on loopback"), std::string::npos) << r.out;
}

}  // namespace
