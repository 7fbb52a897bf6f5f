// The store's schema as an ordered list of migration steps.
//
// Step N takes a database at version N-1 to version N. Steps are append-only: once a step
// has shipped it is never edited, because databases in the field have already run it; a
// change to the schema is a new step. The `schema_version` table has one row per applied
// step, so the current version is MAX(version) (0 for a new file).
#include <string>

#include "store/sqlite_util.h"
#include "store/store.h"

namespace fl::store::internal {
namespace {

struct Migration {
  int version;
  const char* sql;
};

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE tickets (
  id          INTEGER PRIMARY KEY,
  external_id TEXT UNIQUE NOT NULL,
  text        TEXT NOT NULL,
  received_at TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending'
);
CREATE TABLE decisions (
  id             INTEGER PRIMARY KEY,
  ticket_id      INTEGER NOT NULL REFERENCES tickets(id),
  field          TEXT NOT NULL,
  value          TEXT NOT NULL,
  confidence     REAL,
  tier           TEXT NOT NULL CHECK (tier IN ('slm', 'llm', 'human', 'rule')),
  threshold      REAL,
  prediction_set TEXT,
  latency_ms     REAL,
  tokens         INTEGER,
  cost           REAL,
  decided_at     TEXT NOT NULL,
  UNIQUE (ticket_id, field)
);
CREATE TABLE escalations (
  id            INTEGER PRIMARY KEY,
  ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
  field         TEXT NOT NULL,
  backend       TEXT NOT NULL,
  request_meta  TEXT,
  response_meta TEXT,
  status        TEXT NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 1,
  at            TEXT NOT NULL
);
CREATE TABLE review_items (
  id          INTEGER PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  field       TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('open', 'accepted', 'corrected')),
  candidates  TEXT,
  reason      TEXT,
  created_at  TEXT NOT NULL,
  resolved_at TEXT,
  resolved_by TEXT,
  UNIQUE (ticket_id, field)
);
CREATE TABLE feedback (
  id        INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  field     TEXT NOT NULL,
  label     TEXT NOT NULL,
  who       TEXT NOT NULL,
  at        TEXT NOT NULL
);
CREATE TABLE models (
  id         INTEGER PRIMARY KEY,
  file_hash  TEXT UNIQUE NOT NULL,
  path       TEXT NOT NULL,
  metrics    TEXT,
  created_at TEXT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 0
);
)sql"},
    // The dashboard lists the review queue by state, oldest first.
    {2, "CREATE INDEX review_items_by_state ON review_items(state, created_at, id);"},
    // The privacy guard's mapping per ticket: placeholders handed out and their values.
    // Kept locally, never sent; used to restore what comes back.
    {3, R"sql(
CREATE TABLE pseudonyms (
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  placeholder TEXT NOT NULL,
  type        TEXT NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY (ticket_id, placeholder)
);
)sql"},
    // The service: API keys (only a hash of each key is kept) and the audit log of admin
    // and review actions.
    {4, R"sql(
CREATE TABLE api_keys (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  scope      TEXT NOT NULL CHECK (scope IN ('triage', 'review', 'admin')),
  key_hash   TEXT NOT NULL UNIQUE,
  prefix     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  detail_json TEXT NOT NULL
);
CREATE INDEX decisions_by_time ON decisions(decided_at);
)sql"},
};

static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion,
              "kSchemaVersion must equal the number of migration steps");

constexpr const char* kCurrentVersionSql = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

// Applies `m` unless another connection already did (the version is re-read under the
// write lock, so two processes opening a new file at once do not both apply a step).
Status ApplyStep(sqlite3* db, const std::string& path, const Migration& m) {
  FL_RETURN_IF_ERROR(Exec(db, path, "BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    FL_ASSIGN_OR_RETURN(int64_t current, QueryInt(db, path, kCurrentVersionSql));
    if (current >= m.version) return OkStatus();
    if (current != m.version - 1) {
      return InternalError("store " + path + ": migration " + std::to_string(m.version) +
                           " expects version " + std::to_string(m.version - 1) +
                           ", found " + std::to_string(current));
    }
    const int rc = sqlite3_exec(db, m.sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      return SqliteError(db, rc, path, "migration to version " + std::to_string(m.version));
    }
    const std::string record = "INSERT INTO schema_version(version, applied_at) VALUES (" +
                               std::to_string(m.version) + ", '" + UtcTimestamp() + "')";
    return Exec(db, path, record.c_str());
  }();
  if (!s.ok()) {
    if (!sqlite3_get_autocommit(db)) (void)Exec(db, path, "ROLLBACK");
    return s;
  }
  return Exec(db, path, "COMMIT");
}

}  // namespace

Result<int> Migrate(sqlite3* db, const std::string& path) {
  FL_RETURN_IF_ERROR(Exec(db, path,
                          "CREATE TABLE IF NOT EXISTS schema_version ("
                          "  version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"));
  FL_ASSIGN_OR_RETURN(int64_t current, QueryInt(db, path, kCurrentVersionSql));
  if (current > kSchemaVersion) {
    return FailedPreconditionError("store " + path + ": schema version " +
                                   std::to_string(current) +
                                   " is newer than this build understands (" +
                                   std::to_string(kSchemaVersion) + "); upgrade frontline");
  }
  for (const Migration& m : kMigrations) {
    if (m.version > current) FL_RETURN_IF_ERROR(ApplyStep(db, path, m));
  }
  FL_ASSIGN_OR_RETURN(current, QueryInt(db, path, kCurrentVersionSql));
  return static_cast<int>(current);
}

}  // namespace fl::store::internal
