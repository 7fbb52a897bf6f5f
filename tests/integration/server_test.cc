// frontline serve, as a real process on loopback: the API contract, keys and scopes,
// idempotent tickets, the review flow, metrics, hostile input, rate limits, SIGTERM, and
// no acknowledged ticket lost to SIGKILL.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "integration/shell.h"
#include "store/store.h"

namespace {

using fl::testing::Sh;
using nlohmann::json;

// A trained and calibrated two-field model in a temporary folder, shared by the tests.
class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string tmpl = ::testing::TempDir() + "/fl_server_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    const std::string fl = FL_BINARY, py = "/usr/bin/python3 " FL_SOURCE_DIR "/scripts/";
    ASSERT_EQ(Sh(py + "gen_sample.py --out " + dir_ + "/s --n 900 --seed 17 --split 0.4 --format csv").code, 0);
    auto r = Sh(fl + " -q train --data " + dir_ + "/s/train.csv --text subject,body --label category,priority --model " +
                    dir_ + "/m.flm --threads 1 --seed 2",
                true);
    ASSERT_EQ(r.code, 0) << r.out;
    for (const char* field : {"category", "priority"}) {
      r = Sh(fl + " -q calibrate --model " + dir_ + "/m.flm --data " + dir_ + "/s/test.csv --text subject,body --label " +
                 field + " --precision 0.9",
             true);
      ASSERT_EQ(r.code, 0) << r.out;
    }
  }

  // Starts frontline serve with extra flags on a free port; waits until it answers
  // (over HTTPS when tls).
  void Start(const std::string& data, const std::vector<std::string>& extra = {}, bool tls = false) {
    std::mt19937 rng(std::random_device{}());
    for (int attempt = 0; attempt < 20; ++attempt) {
      port_ = 20000 + static_cast<int>(rng() % 30000);
      std::vector<std::string> args = {FL_BINARY, "serve", "--data-dir", data, "--model", dir_ + "/m.flm",
                                       "--port", std::to_string(port_)};
      args.insert(args.end(), extra.begin(), extra.end());
      pid_ = fork();
      if (pid_ == 0) {
        std::vector<char*> argv;
        for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const std::string log = data + "/serve.log";
        freopen(log.c_str(), "a", stderr);
        freopen("/dev/null", "w", stdout);
        execv(argv[0], argv.data());
        _exit(127);
      }
      for (int i = 0; i < 100; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) break;  // exited: port taken, try another
        httplib::Client c((tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_));
        c.enable_server_certificate_verification(false);
        if (auto res = c.Get("/healthz"); res && res->status == 200) return;
      }
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    FAIL() << "frontline serve did not start; see " << data << "/serve.log";
  }

  // frontline serve with flags exits with an error naming `message` before it listens.
  void ExpectRefusedAtStart(const std::string& data, const std::string& flags, const std::string& message) {
    auto r = Sh(std::string(FL_BINARY) + " serve --data-dir " + data + " --model " + dir_ + "/m.flm --port 1 " + flags,
                true);
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.out.find(message), std::string::npos) << r.out;
  }

  // SIGTERM and the exit status.
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  std::string NewData() {
    std::string tmpl = dir_ + "/data.XXXXXX";
    EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
    return tmpl;
  }

  std::string Key(const std::string& data, const std::string& scope) {
    auto r = Sh(std::string(FL_BINARY) + " keys create --data-dir " + data + " --scope " + scope + " --name t-" + scope);
    EXPECT_EQ(r.code, 0);
    std::string key = r.out.substr(r.out.rfind("fl_"));
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    return key;
  }

  httplib::Result Post(const std::string& path, const std::string& body, const std::string& key) {
    httplib::Client c("127.0.0.1", port_);
    httplib::Headers h;
    if (!key.empty()) h.emplace("Authorization", "Bearer " + key);
    return c.Post(path.c_str(), h, body, "application/json");
  }
  httplib::Result Get(const std::string& path, const std::string& key) {
    httplib::Client c("127.0.0.1", port_);
    httplib::Headers h;
    if (!key.empty()) h.emplace("Authorization", "Bearer " + key);
    return c.Get(path.c_str(), h);
  }

  static std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

std::string ServerTest::dir_;

json Body(const httplib::Result& r) { return json::parse(r->body, nullptr, false); }

TEST_F(ServerTest, ContractKeysScopesAndIdempotentTickets) {
  const std::string data = NewData();
  const std::string triage = Key(data, "triage"), review = Key(data, "review"), admin = Key(data, "admin");
  EXPECT_EQ(triage.size(), 67u) << triage;
  Start(data);

  auto r = Post("/v1/classify", R"({"text":"vpn keeps disconnecting"})", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(Body(r)["error"]["code"], "unauthenticated");
  EXPECT_EQ(Post("/v1/classify", R"({"text":"x"})", "fl_" + std::string(64, '0'))->status, 401);

  r = Post("/v1/classify", R"({"text":"vpn keeps disconnecting"})", triage);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = Body(r);
  EXPECT_TRUE(j["label"].is_string());
  EXPECT_GT(j["confidence"].get<double>(), 0);
  ASSERT_TRUE(j["top"].is_array());
  EXPECT_EQ(j["top"][0][0], j["label"]);
  EXPECT_TRUE(j["fields"].contains("priority"));
  EXPECT_EQ(Post("/v1/classify", R"({"text":"x"})", review)->status, 403) << "review keys do not triage";

  // A ticket is decided once: the retry gets the stored decision back.
  const std::string ticket = R"({"id":"INC-1","subject":"VPN down","body":"cannot connect to the vpn since this morning"})";
  r = Post("/v1/tickets", ticket, triage);
  ASSERT_EQ(r->status, 200) << r->body;
  const json first = Body(r);
  ASSERT_TRUE(first["decisions"].contains("category"));
  r = Post("/v1/tickets", ticket, triage);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["decisions"], first["decisions"]);
  r = Get("/v1/tickets/INC-1", review);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["decisions"]["category"]["value"], first["decisions"]["category"]["value"]);
  EXPECT_EQ(Get("/v1/tickets/NOPE", triage)->status, 404);
  // Ticket detail shows the text as the guard redacts it, and what it removed.
  ASSERT_EQ(Post("/v1/tickets", R"({"id":"PII-1","text":"please reset the password of maria.lopez@example.com"})", triage)
                ->status,
            200);
  r = Get("/v1/tickets/PII-1", review);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["text"].get<std::string>().find("maria.lopez"), std::string::npos) << r->body;
  ASSERT_FALSE(Body(r)["redactions"].empty()) << r->body;
  EXPECT_EQ(Body(r)["redactions"][0]["type"], "EMAIL");
  r = Post("/v1/tickets", R"({"subject":"no id"})", triage);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(Body(r)["error"]["message"].get<std::string>().find("'id'"), std::string::npos) << r->body;
  r = Post("/v1/tickets", R"({"tickets":[{"id":"B-1","text":"printer jam"},{"id":"B-2","text":"outlook password"}]})", triage);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["results"].size(), 2u);
  r = Get("/v1/decisions?limit=10", triage);
  ASSERT_EQ(r->status, 200);
  EXPECT_GE(Body(r)["decisions"].size(), 3u);
  EXPECT_EQ(Get("/v1/decisions?tier=robot", triage)->status, 400);
  r = Post("/v1/redact", R"({"text":"mail anna.berg@example.com from 10.1.2.3"})", triage);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["text"].get<std::string>().find("anna.berg"), std::string::npos) << r->body;
  EXPECT_EQ(Get("/v1/search?q=vpn", triage)->status, 404) << "no knowledge index configured";

  // The review queue: priority is escalated for many tickets; correct one through the API.
  for (int i = 0; i < 20; ++i) {
    Post("/v1/tickets", R"({"id":"R-)" + std::to_string(i) + R"(","text":"laptop is slow and fans are loud )" +
                            std::to_string(i) + R"("})",
         triage);
  }
  r = Get("/v1/review?limit=5", review);
  ASSERT_EQ(r->status, 200) << r->body;
  const json items = Body(r)["items"];
  ASSERT_FALSE(items.empty()) << "escalated fields are queued for review";
  const json item = items[0];
  EXPECT_TRUE(item["redacted"].get<bool>());
  ASSERT_TRUE(item["probs"].is_object()) << item;
  for (const auto& c : item["candidates"]) EXPECT_TRUE(item["probs"].contains(c.get<std::string>())) << c;
  EXPECT_GE(item["labels"].size(), item["candidates"].size());
  const std::string id = std::to_string(item["id"].get<int64_t>());
  EXPECT_EQ(Post("/v1/review/" + id + "/correct", R"({"label":"NOT-A-LABEL"})", review)->status, 400);
  const std::string label = item["candidates"].empty() ? "P3" : item["candidates"].back().get<std::string>();
  r = Post("/v1/review/" + id + "/correct", json{{"label", label}}.dump(), review);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Body(r)["state"] == "corrected" || Body(r)["state"] == "accepted") << r->body;
  EXPECT_EQ(Post("/v1/review/" + id + "/correct", json{{"label", label}}.dump(), review)->status, 409)
      << "a resolved item cannot be resolved again";
  EXPECT_EQ(Post("/v1/review/" + id + "/accept", "", triage)->status, 403);

  // Keys over the API; a revoked key stops working at once.
  r = Post("/v1/keys", R"({"name":"temp","scope":"triage"})", admin);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string temp = Body(r)["key"];
  EXPECT_EQ(Post("/v1/classify", R"({"text":"x"})", temp)->status, 200);
  EXPECT_EQ(Post("/v1/keys/" + std::to_string(Body(r)["id"].get<int64_t>()) + "/revoke", "", admin)->status, 200);
  EXPECT_EQ(Post("/v1/classify", R"({"text":"x"})", temp)->status, 401);
  EXPECT_EQ(Get("/v1/keys", triage)->status, 403);

  r = Get("/metrics", admin);
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("frontline_http_requests_total{code=\"200\",route=\"classify\"}"), std::string::npos);
  EXPECT_NE(r->body.find("frontline_decisions_total{field=\"category\""), std::string::npos);
  EXPECT_NE(r->body.find("frontline_review_queue_depth"), std::string::npos);
  EXPECT_EQ(Get("/metrics", triage)->status, 403);
  EXPECT_EQ(Get("/readyz", "")->status, 200);

  const int status = Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "SIGTERM drains and exits cleanly";
  // The audit log has the admin and review actions.
  auto db = fl::store::Store::Open(data + "/frontline.db");
  ASSERT_TRUE(db.ok());
  std::set<std::string> actions;
  const auto log = db->AuditLog(0);
  ASSERT_TRUE(log.ok());
  for (const auto& e : *log) actions.insert(e.action);
  for (const char* a : {"keys.create", "keys.revoke", "review.correct"}) EXPECT_TRUE(actions.count(a)) << a;
}

TEST_F(ServerTest, WebhookMapsATicketingSystemsPayload) {
  const std::string data = NewData();
  const std::string key = Key(data, "triage");
  std::ofstream(data + "/c.json") << R"({"webhooks": {"servicenow": {"id": "/record/number",
      "subject": "/record/short_description", "body": "/record/description"}}})";
  Start(data, {"--config", data + "/c.json"});
  auto r = Post("/v1/webhook/servicenow",
                R"({"record": {"number": "INC0012345", "short_description": "VPN down",
                    "description": "cannot reach the vpn gateway since 9:00", "priority": "3"}})",
                key);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["id"], "INC0012345");
  EXPECT_TRUE(Body(r)["decisions"].contains("category"));
  EXPECT_EQ(Get("/v1/tickets/INC0012345", key)->status, 200);
  r = Post("/v1/webhook/servicenow", R"({"record": {"short_description": "no number"}})", key);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(Body(r)["error"]["message"].get<std::string>().find("/record/number"), std::string::npos) << r->body;
  EXPECT_EQ(Post("/v1/webhook/jira", "{}", key)->status, 404);
  EXPECT_EQ(Post("/v1/webhook/servicenow", "{}", "")->status, 401);
  // A config with a bad pointer is refused at start, naming the key.
  std::ofstream(data + "/bad.json") << R"({"webhooks": {"x": {"id": "number"}}})";
  ExpectRefusedAtStart(data, "--config " + data + "/bad.json", "webhooks.x");
}

TEST_F(ServerTest, ServesHttpsWithACertificateAndKey) {
  if (Sh("command -v openssl").code != 0) GTEST_SKIP() << "openssl (the command) is not installed";
  const std::string data = NewData();
  const std::string key = Key(data, "triage");
  auto r = Sh("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + data +
                  "/key.pem -out " + data + "/cert.pem",
              true);
  ASSERT_EQ(r.code, 0) << r.out;
  Start(data, {"--tls-cert", data + "/cert.pem", "--tls-key", data + "/key.pem"}, true);
  httplib::Client c("https://127.0.0.1:" + std::to_string(port_));
  c.set_ca_cert_path((data + "/cert.pem").c_str());
  c.enable_server_certificate_verification(false);  // a self-signed certificate for 127.0.0.1
  auto res = c.Post("/v1/classify", {{"Authorization", "Bearer " + key}}, R"({"text":"vpn down"})", "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200) << res->body;
  // Plain HTTP to the TLS port gets no answer.
  httplib::Client plain("127.0.0.1", port_);
  plain.set_read_timeout(2, 0);
  auto p = plain.Get("/healthz");
  EXPECT_TRUE(!p || p->status != 200);
  // A key without a certificate is refused at start.
  ExpectRefusedAtStart(data, "--tls-key " + data + "/key.pem", "TLS needs both");
}

TEST_F(ServerTest, HostileInputGetsItsStatusAndTheServerKeepsServing) {
  const std::string data = NewData();
  const std::string key = Key(data, "triage");
  Start(data, {"--max-body", "65536", "--rate-limit", "0"});
  struct Case {
    std::string name, body;
    int status;
    std::string code;
  };
  std::string invalid_utf8 = R"({"text":"caf)";
  invalid_utf8 += "\xC3\x28";
  invalid_utf8 += R"("})";
  const std::vector<Case> cases = {
      {"malformed JSON", R"({"text": "vpn")", 400, "malformed_json"},
      {"wrong type", R"({"text": 5})", 400, "invalid_argument"},
      {"not an object", R"(["text"])", 400, "invalid_argument"},
      {"missing field", R"({"txt": "vpn"})", 400, "invalid_argument"},
      {"deep nesting", std::string(200, '[') + std::string(200, ']'), 400, "too_deep"},
      {"invalid UTF-8", invalid_utf8, 400, "invalid_utf8"},
      {"huge body", R"({"text":")" + std::string(200000, 'a') + R"("})", 413, "too_large"},
  };
  for (const Case& c : cases) {
    auto r = Post("/v1/classify", c.body, key);
    ASSERT_TRUE(r) << c.name;
    EXPECT_EQ(r->status, c.status) << c.name << ": " << r->body;
    const json j = Body(r);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << c.name << ": " << r->body;
    EXPECT_EQ(j["error"]["code"], c.code) << c.name;
  }
  EXPECT_EQ(Get("/v1/nothing", key)->status, 404);
  // A slow client that never finishes its request does not block others.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string partial = "POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"te";
  ASSERT_GT(write(fd, partial.data(), partial.size()), 0);
  auto r = Post("/v1/classify", R"({"text":"still serving?"})", key);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  close(fd);
  EXPECT_EQ(Get("/healthz", "")->status, 200);
}

TEST_F(ServerTest, RateLimitAnswers429WithRetryAfter) {
  const std::string data = NewData();
  const std::string key = Key(data, "triage");
  Start(data, {"--rate-limit", "2", "--burst", "3"});
  int ok = 0, limited = 0;
  std::string retry_after;
  for (int i = 0; i < 10; ++i) {
    auto r = Post("/v1/classify", R"({"text":"vpn"})", key);
    ASSERT_TRUE(r);
    if (r->status == 200) ++ok;
    if (r->status == 429) {
      ++limited;
      retry_after = r->get_header_value("Retry-After");
      EXPECT_EQ(Body(r)["error"]["code"], "rate_limited");
    }
  }
  EXPECT_GE(ok, 3);
  EXPECT_GE(limited, 5);
  EXPECT_GE(std::atoi(retry_after.c_str()), 1);
}

// SIGKILL while tickets are being posted: every ticket that got a 2xx is in the store
// with its decisions.
TEST_F(ServerTest, KillUnderLoadLosesNoAcknowledgedTicket) {
  const std::string data = NewData();
  const std::string key = Key(data, "triage");
  Start(data, {"--rate-limit", "0"});
  std::atomic<bool> stop{false};
  std::vector<std::vector<std::string>> acked(2);
  std::vector<std::thread> clients;
  for (int c = 0; c < 2; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; !stop; ++i) {
        const std::string id = "K-" + std::to_string(c) + "-" + std::to_string(i);
        auto r = Post("/v1/tickets", json{{"id", id}, {"text", "printer on floor 3 is jammed again " + id}}.dump(), key);
        if (r && r->status == 200) acked[c].push_back(id);
        if (!r) break;  // the server is gone
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  stop = true;
  for (auto& t : clients) t.join();
  auto db = fl::store::Store::Open(data + "/frontline.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  size_t total = 0;
  for (const auto& list : acked) {
    for (const std::string& id : list) {
      auto t = db->FindTicket(id);
      ASSERT_TRUE(t.ok()) << id << " was acknowledged but is not in the store";
      EXPECT_EQ(db->DecisionsFor(*t)->size(), 2u) << id;
    }
    total += list.size();
  }
  EXPECT_GT(total, 5u) << "the load must have run for the test to mean anything";
}

}  // namespace
