#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fl::store {
namespace {

namespace fs = std::filesystem;

// Each test gets its own temporary directory, removed afterwards.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "fl_store_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (fs::path(dir_) / "frontline.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Store OpenOrDie() {
    Result<Store> r = Store::Open(path_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) std::abort();
    return std::move(r).value();
  }

  // Runs raw SQL on a separate connection, as another process would; returns the first
  // column of the first row as text ("" if none), and fails the test on an SQL error.
  std::string Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    std::string out;
    bool first = true;
    char* err = nullptr;
    auto cb = [](void* ctx, int n, char** vals, char**) -> int {
      auto* p = static_cast<std::pair<std::string*, bool*>*>(ctx);
      if (*p->second && n > 0) {
        *p->first = vals[0] ? vals[0] : "";
        *p->second = false;
      }
      return 0;
    };
    std::pair<std::string*, bool*> ctx{&out, &first};
    const int rc = sqlite3_exec(db, sql.c_str(), cb, &ctx, &err);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
    return out;
  }

  static Decision MakeDecision(int64_t ticket_id, const std::string& field,
                               const std::string& value, const std::string& tier = "slm") {
    Decision d;
    d.ticket_id = ticket_id;
    d.field = field;
    d.value = value;
    d.tier = tier;
    d.prediction_set_json = R"([{"label":")" + value + R"(","p":0.9}])";
    d.confidence = 0.9;
    d.threshold = 0.8;
    d.latency_ms = 1.5;
    d.cost = 0.25;
    d.tokens = 42;
    return d;
  }

  std::string dir_, path_;
};

// A frozen copy of schema version 1 as it shipped, written without the Store.
constexpr const char* kV1Schema = R"sql(
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00Z');
CREATE TABLE tickets (id INTEGER PRIMARY KEY, external_id TEXT UNIQUE NOT NULL,
  text TEXT NOT NULL, received_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending');
CREATE TABLE decisions (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  field TEXT NOT NULL, value TEXT NOT NULL, confidence REAL,
  tier TEXT NOT NULL CHECK (tier IN ('slm', 'llm', 'human', 'rule')), threshold REAL,
  prediction_set TEXT, latency_ms REAL, tokens INTEGER, cost REAL, decided_at TEXT NOT NULL,
  UNIQUE (ticket_id, field));
CREATE TABLE escalations (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  field TEXT NOT NULL, backend TEXT NOT NULL, request_meta TEXT, response_meta TEXT,
  status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 1, at TEXT NOT NULL);
CREATE TABLE review_items (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  field TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('open', 'accepted', 'corrected')),
  candidates TEXT, reason TEXT, created_at TEXT NOT NULL, resolved_at TEXT, resolved_by TEXT,
  UNIQUE (ticket_id, field));
CREATE TABLE feedback (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  field TEXT NOT NULL, label TEXT NOT NULL, who TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE models (id INTEGER PRIMARY KEY, file_hash TEXT UNIQUE NOT NULL, path TEXT NOT NULL,
  metrics TEXT, created_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 0);
INSERT INTO tickets(id, external_id, text, received_at)
  VALUES (7, 'INC-7', 'vpn down', '2026-01-01T00:00:00Z');
INSERT INTO decisions(ticket_id, field, value, confidence, tier, decided_at)
  VALUES (7, 'category', 'network', 0.97, 'slm', '2026-01-01T00:00:01Z');
)sql";

constexpr const char* kV2IndexQuery =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'review_items_by_state'";

TEST_F(StoreTest, MigratesEmptyDatabaseToLatest) {
  Store store = OpenOrDie();
  EXPECT_EQ(store.SchemaVersion(), kSchemaVersion);
  EXPECT_EQ(kSchemaVersion, 4);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM schema_version"), "4");  // one row per step
  EXPECT_EQ(Sql("SELECT MAX(version) FROM schema_version"), "4");
  EXPECT_EQ(Sql(kV2IndexQuery), "1");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                "('tickets','decisions','escalations','review_items','feedback','models','pseudonyms',"
                "'api_keys','audit_log')"),
            "9");
}

TEST_F(StoreTest, UpgradesVersion1DatabaseAndKeepsData) {
  Sql(kV1Schema);
  ASSERT_EQ(Sql(kV2IndexQuery), "0");
  Store store = OpenOrDie();
  EXPECT_EQ(store.SchemaVersion(), 4);
  EXPECT_EQ(Sql(kV2IndexQuery), "1");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'pseudonyms'"), "1");
  EXPECT_EQ(Sql("SELECT applied_at FROM schema_version WHERE version = 1"),
            "2026-01-01T00:00:00Z");  // step 1 not re-run
  Result<int64_t> id = store.UpsertTicket("INC-7", "other text");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, 7);
  Result<std::vector<Decision>> ds = store.DecisionsFor(7);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_EQ(ds->size(), 1u);
  EXPECT_EQ((*ds)[0].value, "network");
}

TEST_F(StoreTest, RefusesDatabaseNewerThanBuild) {
  { Store store = OpenOrDie(); }
  Sql("INSERT INTO schema_version VALUES (99, '2030-01-01T00:00:00Z')");
  Result<Store> r = Store::Open(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition) << r.status().ToString();
  EXPECT_NE(r.status().message().find(path_), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("99"), std::string::npos) << r.status().ToString();
}

TEST_F(StoreTest, JournalModeIsWal) {
  Store store = OpenOrDie();
  EXPECT_EQ(Sql("PRAGMA journal_mode"), "wal");  // persistent in the file
}

TEST_F(StoreTest, ForeignKeysAreEnforced) {
  Store store = OpenOrDie();
  Status s = store.RecordDecision(MakeDecision(12345, "category", "network"));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM decisions"), "0");
}

TEST_F(StoreTest, UpsertTicketIsIdempotent) {
  Store store = OpenOrDie();
  Result<int64_t> a = store.UpsertTicket("INC-1", "printer jammed");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  Result<int64_t> again = store.UpsertTicket("INC-1", "changed text");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *a);
  EXPECT_EQ(Sql("SELECT text FROM tickets WHERE external_id = 'INC-1'"), "printer jammed");
  EXPECT_EQ(Sql("SELECT status FROM tickets WHERE external_id = 'INC-1'"), "pending");
  Result<int64_t> b = store.UpsertTicket("INC-2", "vpn down");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_NE(*b, *a);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM tickets"), "2");
  EXPECT_EQ(store.UpsertTicket("", "x").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, GetTicketReadsBack) {
  Store store = OpenOrDie();
  Result<int64_t> a = store.UpsertTicket("INC-9", "disk full on srv-db-07");
  ASSERT_TRUE(a.ok());
  Result<Store::Ticket> t = store.GetTicket(*a);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->external_id, "INC-9");
  EXPECT_EQ(t->text, "disk full on srv-db-07");
  EXPECT_EQ(t->status, "pending");
  Result<Store::Ticket> missing = store.GetTicket(*a + 100);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, RecordDecisionExactlyOnce) {
  Store store = OpenOrDie();
  Result<int64_t> t = store.UpsertTicket("INC-1", "vpn down");
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(store.RecordDecision(MakeDecision(*t, "category", "network")).ok());
  Status second = store.RecordDecision(MakeDecision(*t, "category", "hardware", "llm"));
  EXPECT_EQ(second.code(), StatusCode::kAlreadyExists) << second.ToString();
  EXPECT_NE(second.message().find("category"), std::string::npos) << second.ToString();

  Result<std::vector<Decision>> ds = store.DecisionsFor(*t);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_EQ(ds->size(), 1u);
  const Decision& d = (*ds)[0];
  EXPECT_EQ(d.ticket_id, *t);
  EXPECT_EQ(d.field, "category");
  EXPECT_EQ(d.value, "network");
  EXPECT_EQ(d.tier, "slm");
  EXPECT_EQ(d.prediction_set_json, R"([{"label":"network","p":0.9}])");
  EXPECT_DOUBLE_EQ(d.confidence, 0.9);
  EXPECT_DOUBLE_EQ(d.threshold, 0.8);
  EXPECT_DOUBLE_EQ(d.latency_ms, 1.5);
  EXPECT_DOUBLE_EQ(d.cost, 0.25);
  EXPECT_EQ(d.tokens, 42);
  EXPECT_FALSE(d.decided_at.empty());
  EXPECT_EQ(d.decided_at.back(), 'Z');
}

TEST_F(StoreTest, TierCheckRejectsUnknownTier) {
  Store store = OpenOrDie();
  Result<int64_t> t = store.UpsertTicket("INC-1", "vpn down");
  ASSERT_TRUE(t.ok());
  Status s = store.RecordDecision(MakeDecision(*t, "category", "network", "robot"));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find(path_), std::string::npos) << s.ToString();
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM decisions"), "0");
}

TEST_F(StoreTest, UndecidedTicketsListsMissingFields) {
  Store store = OpenOrDie();
  int64_t t1 = *store.UpsertTicket("INC-1", "a");
  int64_t t2 = *store.UpsertTicket("INC-2", "b");
  int64_t t3 = *store.UpsertTicket("INC-3", "c");
  ASSERT_TRUE(store.RecordDecision(MakeDecision(t1, "category", "x")).ok());
  ASSERT_TRUE(store.RecordDecision(MakeDecision(t1, "priority", "p2")).ok());
  ASSERT_TRUE(store.RecordDecision(MakeDecision(t2, "category", "x")).ok());

  Result<std::vector<int64_t>> both = store.UndecidedTickets({"category", "priority"});
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(*both, (std::vector<int64_t>{t2, t3}));
  Result<std::vector<int64_t>> cat = store.UndecidedTickets({"category"});
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(*cat, (std::vector<int64_t>{t3}));
  Result<std::vector<int64_t>> none = store.UndecidedTickets({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(StoreTest, ReviewResolveAcceptedVsCorrected) {
  Store store = OpenOrDie();
  int64_t t1 = *store.UpsertTicket("INC-1", "vpn down");
  int64_t t2 = *store.UpsertTicket("INC-2", "screen flickers");
  ASSERT_TRUE(store.RecordDecision(MakeDecision(t1, "category", "network")).ok());
  ASSERT_TRUE(store.RecordDecision(MakeDecision(t2, "category", "hardware")).ok());
  ASSERT_TRUE(store.OpenReview(t1, "category", R"(["network","access"])", "low confidence").ok());
  ASSERT_TRUE(store.OpenReview(t2, "category", R"(["hardware","software"])", "ood").ok());
  EXPECT_EQ(store.OpenReview(t1, "category", "[]", "again").code(), StatusCode::kAlreadyExists);

  Result<std::vector<ReviewItem>> open = store.ListReview("open", 10);
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].ticket_id, t1);
  EXPECT_EQ((*open)[0].candidates_json, R"(["network","access"])");
  EXPECT_EQ((*open)[0].reason, "low confidence");
  EXPECT_TRUE((*open)[0].resolved_by.empty());
  Result<std::vector<ReviewItem>> one = store.ListReview("open", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
  EXPECT_EQ(store.ListReview("pending", 10).status().code(), StatusCode::kInvalidArgument);

  const int64_t r1 = (*open)[0].id, r2 = (*open)[1].id;
  ASSERT_TRUE(store.ResolveReview(r1, "network", "alice").ok());
  ASSERT_TRUE(store.ResolveReview(r2, "software", "bob").ok());

  Result<std::vector<ReviewItem>> accepted = store.ListReview("accepted", 0);
  ASSERT_TRUE(accepted.ok());
  ASSERT_EQ(accepted->size(), 1u);
  EXPECT_EQ((*accepted)[0].id, r1);
  EXPECT_EQ((*accepted)[0].resolved_by, "alice");
  EXPECT_FALSE((*accepted)[0].resolved_at.empty());
  Result<std::vector<ReviewItem>> corrected = store.ListReview("corrected", 0);
  ASSERT_TRUE(corrected.ok());
  ASSERT_EQ(corrected->size(), 1u);
  EXPECT_EQ((*corrected)[0].id, r2);
  EXPECT_TRUE(store.ListReview("open", 0)->empty());

  EXPECT_EQ(Sql("SELECT COUNT(*) FROM feedback"), "2");
  EXPECT_EQ(Sql("SELECT label || '/' || who FROM feedback WHERE ticket_id = " +
                std::to_string(t2)),
            "software/bob");
  EXPECT_NE(Sql("SELECT at FROM feedback WHERE who = 'alice'"), "");
  // The decision itself is not rewritten by a correction.
  EXPECT_EQ((*store.DecisionsFor(t2))[0].value, "hardware");

  Status again = store.ResolveReview(r1, "access", "carol");
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition) << again.ToString();
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM feedback"), "2");
  EXPECT_EQ(Sql("SELECT state FROM review_items WHERE id = " + std::to_string(r1)), "accepted");
  EXPECT_EQ(store.ResolveReview(9999, "x", "alice").code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, WithTransactionCommitsOrRollsBack) {
  Store store = OpenOrDie();
  Status failed = store.WithTransaction([&]() -> Status {
    FL_RETURN_IF_ERROR(store.UpsertTicket("INC-RB", "rolled back").status());
    return UnavailableError("injected");
  });
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM tickets"), "0");

  Status nested = OkStatus();
  Status ok = store.WithTransaction([&]() -> Status {
    nested = store.WithTransaction([] { return OkStatus(); });
    return store.UpsertTicket("INC-OK", "kept").status();
  });
  EXPECT_TRUE(ok.ok()) << ok.ToString();
  EXPECT_EQ(nested.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM tickets"), "1");
}

TEST_F(StoreTest, ModelRegistryKeepsOneActive) {
  Store store = OpenOrDie();
  EXPECT_EQ(store.ActiveModelPath().status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store.RegisterModel("hash-a", "/models/a.flm", R"({"f1":0.8})").ok());
  ASSERT_TRUE(store.RegisterModel("hash-b", "/models/b.flm", R"({"f1":0.9})").ok());
  EXPECT_EQ(*store.ActiveModelPath(), "/models/b.flm");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM models WHERE active <> 0"), "1");
  ASSERT_TRUE(store.RegisterModel("hash-a", "/models/a2.flm", R"({"f1":0.8})").ok());
  EXPECT_EQ(*store.ActiveModelPath(), "/models/a2.flm");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM models"), "2");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM models WHERE active <> 0"), "1");
}

TEST_F(StoreTest, RecordEscalationAppendsAuditRow) {
  Store store = OpenOrDie();
  int64_t t = *store.UpsertTicket("INC-1", "vpn down");
  Escalation e;
  e.ticket_id = t;
  e.field = "category";
  e.backend = "openai:gpt-4o-mini";
  e.request_meta_json = R"({"tokens":120})";
  e.status = "ok";
  e.attempts = 2;
  ASSERT_TRUE(store.RecordEscalation(e).ok());
  EXPECT_EQ(Sql("SELECT backend || '/' || attempts FROM escalations"), "openai:gpt-4o-mini/2");
  e.ticket_id = 999;
  EXPECT_EQ(store.RecordEscalation(e).code(), StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, DataPersistsAcrossReopen) {
  int64_t t = 0;
  {
    Store store = OpenOrDie();
    t = *store.UpsertTicket("INC-1", "vpn down");
    ASSERT_TRUE(store.RecordDecision(MakeDecision(t, "category", "network")).ok());
    ASSERT_TRUE(store.RegisterModel("hash-a", "/models/a.flm", "{}").ok());
  }
  Store store = OpenOrDie();
  EXPECT_EQ(store.SchemaVersion(), kSchemaVersion);
  EXPECT_EQ(*store.UpsertTicket("INC-1", "ignored"), t);
  Result<std::vector<Decision>> ds = store.DecisionsFor(t);
  ASSERT_TRUE(ds.ok());
  ASSERT_EQ(ds->size(), 1u);
  EXPECT_EQ((*ds)[0].value, "network");
  EXPECT_EQ(*store.ActiveModelPath(), "/models/a.flm");
}

TEST_F(StoreTest, StoreIsMovable) {
  Store a = OpenOrDie();
  Store b = std::move(a);
  EXPECT_TRUE(b.UpsertTicket("INC-1", "x").ok());
  Store c = OpenOrDie();
  c = std::move(b);
  EXPECT_EQ(*c.UpsertTicket("INC-1", "x"), 1);
}

TEST_F(StoreTest, CorruptFileIsRefusedNamingThePath) {
  {
    std::ofstream f(path_, std::ios::binary);
    std::string garbage(8192, '\0');
    for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 131 + 7);
    f << garbage;
  }
  Result<Store> r = Store::Open(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
  EXPECT_NE(r.status().message().find(path_), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("not a database"), std::string::npos)
      << r.status().ToString();
}

TEST_F(StoreTest, MissingDirectoryIsNotFound) {
  Result<Store> r = Store::Open(dir_ + "/no/such/dir/x.db");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << r.status().ToString();
  EXPECT_NE(r.status().message().find("no/such/dir"), std::string::npos);
}

TEST_F(StoreTest, PseudonymsAreKeptPerTicketAndNeverChangeMeaning) {
  Store store = OpenOrDie();
  const int64_t t = *store.UpsertTicket("INC-9", "mail maria@example.com");
  ASSERT_TRUE(store.RecordPseudonyms(t, {{"<EMAIL_1>", "EMAIL", "maria@example.com"}}).ok());
  // Recording the same entry again (a second field of the ticket) is fine.
  ASSERT_TRUE(store.RecordPseudonyms(t, {{"<EMAIL_1>", "EMAIL", "maria@example.com"},
                                         {"<PERSON_1>", "PERSON", "Maria"}}).ok());
  Status s = store.RecordPseudonyms(t, {{"<EMAIL_1>", "EMAIL", "other@example.com"}});
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  auto got = store.PseudonymsFor(t);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].value, "maria@example.com");
  EXPECT_EQ((*got)[1].placeholder, "<PERSON_1>");
  EXPECT_FALSE(store.RecordPseudonyms(999, {{"<EMAIL_1>", "EMAIL", "x@y.z"}}).ok()) << "unknown ticket";
}

TEST_F(StoreTest, ApiKeysAuditAndServiceLookups) {
  Store store = OpenOrDie();
  auto id = store.CreateApiKey("ci", "triage", std::string(64, 'a'), "fl_aaaa");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(store.CreateApiKey("dup", "admin", std::string(64, 'a'), "fl_aaaa").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(store.CreateApiKey("bad", "root", std::string(64, 'b'), "fl_bbbb").status().code(),
            StatusCode::kInvalidArgument) << "scope is CHECKed";
  auto found = store.FindApiKey(std::string(64, 'a'));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->scope, "triage");
  EXPECT_TRUE(found->revoked_at.empty());
  ASSERT_TRUE(store.RevokeApiKey(*id).ok());
  EXPECT_FALSE(store.FindApiKey(std::string(64, 'a'))->revoked_at.empty());
  EXPECT_EQ(store.RevokeApiKey(*id).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.RevokeApiKey(999).code(), StatusCode::kNotFound);
  EXPECT_EQ(store.FindApiKey("nope").status().code(), StatusCode::kNotFound);
  ASSERT_EQ(store.ListApiKeys()->size(), 1u);

  ASSERT_TRUE(store.Audit("admin:ops", "keys.revoke", "{\"id\":1}").ok());
  auto log = store.AuditLog(10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].action, "keys.revoke");

  const int64_t t = *store.UpsertTicket("INC-1", "vpn down");
  EXPECT_EQ(*store.FindTicket("INC-1"), t);
  EXPECT_EQ(store.FindTicket("INC-2").status().code(), StatusCode::kNotFound);
  Decision d;
  d.ticket_id = t;
  d.field = "category";
  d.value = "network";
  d.tier = "slm";
  ASSERT_TRUE(store.RecordDecision(d).ok());
  d.field = "priority";
  d.value = "P2";
  d.tier = "human";
  ASSERT_TRUE(store.RecordDecision(d).ok());
  auto rows = store.RecentDecisions("", "human", 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].external_id, "INC-1");
  EXPECT_EQ((*rows)[0].decision.value, "P2");
  EXPECT_EQ(store.RecentDecisions("", "", 10)->size(), 2u);
  EXPECT_TRUE(store.RecentDecisions("2999", "", 10)->empty());
  ASSERT_TRUE(store.OpenReview(t, "priority", "[\"P2\",\"P3\"]", "low confidence").ok());
  const auto open = store.ListReview("open", 0);
  ASSERT_EQ(open->size(), 1u);
  auto item = store.GetReview((*open)[0].id);
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->field, "priority");
  EXPECT_EQ(store.GetReview(12345).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace fl::store
