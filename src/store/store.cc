// The Store: one SQLite connection plus a cache of prepared statements keyed by their SQL.
// Every cached statement is borrowed through a Stmt, which resets it and clears its
// bindings when it goes out of scope, so no statement is left mid-step (holding a read
// lock, or blocking COMMIT) after a call returns.
#include "store/store.h"

#include <sqlite3.h>

#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "store/sqlite_util.h"
#include "store/store_impl.h"

namespace fl::store {

using internal::Exec;
using internal::SqliteError;

namespace internal {

Status SqliteError(sqlite3* db, int rc, const std::string& path, std::string_view what) {
  std::string msg = "store " + path + ": " + std::string(what) + ": " +
                    (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status(StatusCode::kAlreadyExists, std::move(msg));
    case SQLITE_FULL:
      return Status(StatusCode::kResourceExhausted, std::move(msg));
    default:
      break;
  }
  switch (rc & 0xff) {  // primary code
    case SQLITE_CONSTRAINT: return InvalidArgumentError(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return UnavailableError(std::move(msg));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return DataLossError(std::move(msg));
    case SQLITE_CANTOPEN: return NotFoundError(std::move(msg));
    default: return InternalError(std::move(msg));
  }
}

Status Exec(sqlite3* db, const std::string& path, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, path, sql);
  return OkStatus();
}

Result<int64_t> QueryInt(sqlite3* db, const std::string& path, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, path, sql);
  rc = sqlite3_step(stmt);
  const int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqliteError(db, rc, path, sql);
  return value;
}

}  // namespace internal

namespace {

bool IsReviewState(const std::string& s) {
  return s == "open" || s == "accepted" || s == "corrected";
}

}  // namespace

Store::Store(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Store::Store(Store&& other) noexcept = default;
Store& Store::operator=(Store&& other) noexcept = default;
Store::~Store() = default;

Result<Store> Store::Open(const std::string& path) {
  auto rep = std::make_unique<Rep>();
  rep->path = path;
  // NOMUTEX: a Store is used by one thread at a time (see store.h), so SQLite's own
  // per-connection mutex would only cost.
  const int rc = sqlite3_open_v2(path.c_str(), &rep->db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                     SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) return SqliteError(rep->db, rc, path, "open");
  sqlite3_extended_result_codes(rep->db, 1);
  // busy_timeout first, so that switching to WAL waits for another opener's lock.
  FL_RETURN_IF_ERROR(Exec(rep->db, path, "PRAGMA busy_timeout=5000"));
  sqlite3_stmt* stmt = nullptr;
  int prc = sqlite3_prepare_v2(rep->db, "PRAGMA journal_mode=WAL", -1, &stmt, nullptr);
  std::string mode;
  if (prc == SQLITE_OK) {
    prc = sqlite3_step(stmt);
    if (prc == SQLITE_ROW) {
      mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      prc = SQLITE_OK;
    }
  }
  sqlite3_finalize(stmt);
  if (prc != SQLITE_OK) return SqliteError(rep->db, prc, path, "set journal_mode=WAL");
  if (mode != "wal" && path != ":memory:") {
    return FailedPreconditionError("store " + path + ": journal_mode=WAL refused (got '" +
                                   mode + "'); is the file on a network file system?");
  }
  FL_RETURN_IF_ERROR(Exec(rep->db, path, "PRAGMA synchronous=FULL"));
  FL_RETURN_IF_ERROR(Exec(rep->db, path, "PRAGMA foreign_keys=ON"));
  FL_ASSIGN_OR_RETURN(rep->schema_version, internal::Migrate(rep->db, path));
  return Store(std::move(rep));
}

int Store::SchemaVersion() const { return rep_->schema_version; }

Result<int64_t> Store::UpsertTicket(const std::string& external_id, const std::string& text) {
  if (external_id.empty()) {
    return InvalidArgumentError("store " + rep_->path + ": ticket external_id is empty");
  }
  {
    FL_ASSIGN_OR_RETURN(auto ins, rep_->Prepare(
        "INSERT INTO tickets(external_id, text, received_at) VALUES (?, ?, ?) "
        "ON CONFLICT(external_id) DO NOTHING"));
    ins->Bind(1, external_id).Bind(2, text).Bind(3, UtcTimestamp());
    FL_RETURN_IF_ERROR(ins->Run());
    if (sqlite3_changes(rep_->db) == 1) return int64_t{sqlite3_last_insert_rowid(rep_->db)};
  }
  FL_ASSIGN_OR_RETURN(auto sel, rep_->Prepare("SELECT id FROM tickets WHERE external_id = ?"));
  sel->Bind(1, external_id);
  FL_ASSIGN_OR_RETURN(bool row, sel->Step());
  if (!row) {
    return InternalError("store " + rep_->path + ": ticket '" + external_id +
                         "' neither inserted nor found");
  }
  return sel->Int(0);
}

Status Store::RecordDecision(const Decision& d) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "INSERT INTO decisions(ticket_id, field, value, confidence, tier, threshold, "
      "prediction_set, latency_ms, tokens, cost, decided_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st->Bind(1, d.ticket_id).Bind(2, d.field).Bind(3, d.value).Bind(4, d.confidence);
  st->Bind(5, d.tier).Bind(6, d.threshold).Bind(7, d.prediction_set_json);
  st->Bind(8, d.latency_ms).Bind(9, d.tokens).Bind(10, d.cost).Bind(11, UtcTimestamp());
  Status s = st->Run();
  if (!s.ok()) {
    return Status(s.code(), s.message() + " (decision for ticket " +
                                std::to_string(d.ticket_id) + ", field '" + d.field +
                                "', tier '" + d.tier + "')");
  }
  return OkStatus();
}

Result<std::vector<Decision>> Store::DecisionsFor(int64_t ticket_id) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "SELECT d.ticket_id, d.field, d.value, d.confidence, d.tier, d.threshold, d.prediction_set, d.latency_ms, "
      "d.tokens, d.cost, d.decided_at FROM decisions d WHERE d.ticket_id = ? ORDER BY d.field"));
  st->Bind(1, ticket_id);
  std::vector<Decision> out;
  while (true) {
    FL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadDecision(*st));
  }
  return out;
}

Result<Store::Ticket> Store::GetTicket(int64_t ticket_id) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "SELECT external_id, text, received_at, status FROM tickets WHERE id = ?"));
  st->Bind(1, ticket_id);
  FL_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFoundError("store " + rep_->path + ": no ticket with id " + std::to_string(ticket_id));
  Ticket t;
  t.id = ticket_id;
  t.external_id = st->Text(0);
  t.text = st->Text(1);
  t.received_at = st->Text(2);
  t.status = st->Text(3);
  return t;
}

Result<std::vector<int64_t>> Store::UndecidedTickets(const std::vector<std::string>& fields) {
  // One cached query per field (served by the UNIQUE(ticket_id, field) index), merged.
  std::set<int64_t> ids;
  for (const std::string& field : fields) {
    FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
        "SELECT t.id FROM tickets t WHERE NOT EXISTS "
        "(SELECT 1 FROM decisions d WHERE d.ticket_id = t.id AND d.field = ?)"));
    st->Bind(1, field);
    while (true) {
      FL_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      ids.insert(st->Int(0));
    }
  }
  return std::vector<int64_t>(ids.begin(), ids.end());
}

Status Store::OpenReview(int64_t ticket_id, const std::string& field,
                         const std::string& candidates_json, const std::string& reason) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "INSERT INTO review_items(ticket_id, field, state, candidates, reason, created_at) "
      "VALUES (?, ?, 'open', ?, ?, ?)"));
  st->Bind(1, ticket_id).Bind(2, field).Bind(3, candidates_json).Bind(4, reason);
  st->Bind(5, UtcTimestamp());
  Status s = st->Run();
  if (!s.ok()) {
    return Status(s.code(), s.message() + " (review for ticket " + std::to_string(ticket_id) +
                                ", field '" + field + "')");
  }
  return OkStatus();
}

Result<std::vector<ReviewItem>> Store::ListReview(const std::string& state, int limit) {
  if (!IsReviewState(state)) {
    return InvalidArgumentError("store " + rep_->path + ": review state '" + state +
                                "' is not one of open, accepted, corrected");
  }
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "SELECT " FL_REVIEW_COLUMNS " FROM review_items WHERE state = ? ORDER BY created_at, id LIMIT ?"));
  st->Bind(1, state).Bind(2, int64_t{limit > 0 ? limit : -1});  // -1: no limit
  std::vector<ReviewItem> out;
  while (true) {
    FL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadReviewItem(*st));
  }
  return out;
}

Status Store::ResolveReview(int64_t review_id, const std::string& label,
                            const std::string& who) {
  if (label.empty() || who.empty()) {
    return InvalidArgumentError("store " + rep_->path + ": review " +
                                std::to_string(review_id) + ": empty label or reviewer");
  }
  return WithTransaction([&]() -> Status {
    int64_t ticket_id = 0;
    std::string field, state, decided;
    bool has_decision = false;
    {
      FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
          "SELECT r.ticket_id, r.field, r.state, d.value, d.id IS NOT NULL "
          "FROM review_items r LEFT JOIN decisions d "
          "ON d.ticket_id = r.ticket_id AND d.field = r.field WHERE r.id = ?"));
      st->Bind(1, review_id);
      FL_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) {
        return NotFoundError("store " + rep_->path + ": no review item " +
                             std::to_string(review_id));
      }
      ticket_id = st->Int(0);
      field = st->Text(1);
      state = st->Text(2);
      decided = st->Text(3);
      has_decision = st->Int(4) != 0;
    }
    if (state != "open") {
      return FailedPreconditionError("store " + rep_->path + ": review item " +
                                     std::to_string(review_id) + " is already " + state);
    }
    const std::string now = UtcTimestamp();
    const std::string new_state = has_decision && decided == label ? "accepted" : "corrected";
    {
      FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
          "UPDATE review_items SET state = ?, resolved_at = ?, resolved_by = ? WHERE id = ?"));
      st->Bind(1, new_state).Bind(2, now).Bind(3, who).Bind(4, review_id);
      FL_RETURN_IF_ERROR(st->Run());
    }
    FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
        "INSERT INTO feedback(ticket_id, field, label, who, at) VALUES (?, ?, ?, ?, ?)"));
    st->Bind(1, ticket_id).Bind(2, field).Bind(3, label).Bind(4, who).Bind(5, now);
    return st->Run();
  });
}

Status Store::RecordEscalation(const Escalation& e) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "INSERT INTO escalations(ticket_id, field, backend, request_meta, response_meta, "
      "status, attempts, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  st->Bind(1, e.ticket_id).Bind(2, e.field).Bind(3, e.backend).Bind(4, e.request_meta_json);
  st->Bind(5, e.response_meta_json).Bind(6, e.status).Bind(7, int64_t{e.attempts});
  st->Bind(8, UtcTimestamp());
  return st->Run();
}

Result<std::vector<Escalation>> Store::EscalationsFor(int64_t ticket_id) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "SELECT field, backend, request_meta, response_meta, status, attempts FROM escalations "
      "WHERE ticket_id = ? ORDER BY id"));
  st->Bind(1, ticket_id);
  std::vector<Escalation> out;
  for (;;) {
    FL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    Escalation e;
    e.ticket_id = ticket_id;
    e.field = st->Text(0);
    e.backend = st->Text(1);
    e.request_meta_json = st->Text(2);
    e.response_meta_json = st->Text(3);
    e.status = st->Text(4);
    e.attempts = static_cast<int>(st->Int(5));
    out.push_back(std::move(e));
  }
  return out;
}

Status Store::RecordPseudonyms(int64_t ticket_id, const std::vector<Pseudonym>& entries) {
  for (const Pseudonym& e : entries) {
    {
      FL_ASSIGN_OR_RETURN(auto sel, rep_->Prepare("SELECT type, value FROM pseudonyms WHERE ticket_id = ? AND placeholder = ?"));
      sel->Bind(1, ticket_id).Bind(2, e.placeholder);
      FL_ASSIGN_OR_RETURN(bool row, sel->Step());
      if (row) {
        if (sel->Text(0) == e.type && sel->Text(1) == e.value) continue;
        return AlreadyExistsError("store " + rep_->path + ": ticket " + std::to_string(ticket_id) + " placeholder " +
                                  e.placeholder + " already stands for another value");
      }
    }
    FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
        "INSERT INTO pseudonyms(ticket_id, placeholder, type, value) VALUES (?, ?, ?, ?)"));
    st->Bind(1, ticket_id).Bind(2, e.placeholder).Bind(3, e.type).Bind(4, e.value);
    FL_RETURN_IF_ERROR(st->Run());
  }
  return OkStatus();
}

Result<std::vector<Store::Pseudonym>> Store::PseudonymsFor(int64_t ticket_id) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "SELECT placeholder, type, value FROM pseudonyms WHERE ticket_id = ? ORDER BY rowid"));
  st->Bind(1, ticket_id);
  std::vector<Pseudonym> out;
  for (;;) {
    FL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back({st->Text(0), st->Text(1), st->Text(2)});
  }
  return out;
}

Result<double> Store::SpentSince(const std::string& since) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare("SELECT COALESCE(SUM(cost), 0) FROM decisions WHERE decided_at >= ?"));
  st->Bind(1, since);
  FL_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Double(0) : 0.0;
}

Result<std::vector<Store::Feedback>> Store::AllFeedback() {
  // The newest feedback row per (ticket, field) wins.
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "SELECT f.ticket_id, f.field, f.label, f.who, f.at, t.text FROM feedback f "
      "JOIN tickets t ON t.id = f.ticket_id "
      "WHERE f.id = (SELECT MAX(g.id) FROM feedback g WHERE g.ticket_id = f.ticket_id AND g.field = f.field) "
      "ORDER BY f.ticket_id, f.field"));
  std::vector<Feedback> out;
  for (;;) {
    FL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back({st->Int(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4), st->Text(5)});
  }
  return out;
}

Status Store::RegisterModel(const std::string& file_hash, const std::string& path,
                            const std::string& metrics_json) {
  return WithTransaction([&]() -> Status {
    {
      FL_ASSIGN_OR_RETURN(auto st,
                          rep_->Prepare("UPDATE models SET active = 0 WHERE active <> 0"));
      FL_RETURN_IF_ERROR(st->Run());
    }
    FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
        "INSERT INTO models(file_hash, path, metrics, created_at, active) "
        "VALUES (?, ?, ?, ?, 1) ON CONFLICT(file_hash) DO UPDATE SET "
        "path = excluded.path, metrics = excluded.metrics, active = 1"));
    st->Bind(1, file_hash).Bind(2, path).Bind(3, metrics_json).Bind(4, UtcTimestamp());
    return st->Run();
  });
}

Result<std::string> Store::ActiveModelPath() {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare("SELECT path FROM models WHERE active <> 0"));
  FL_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFoundError("store " + rep_->path + ": no active model registered");
  return st->Text(0);
}

Status Store::WithTransaction(const std::function<Status()>& fn) {
  if (!sqlite3_get_autocommit(rep_->db)) {
    return FailedPreconditionError("store " + rep_->path +
                                   ": WithTransaction called inside a transaction");
  }
  FL_RETURN_IF_ERROR(Exec(rep_->db, rep_->path, "BEGIN IMMEDIATE"));
  Status s = fn();
  if (s.ok()) s = Exec(rep_->db, rep_->path, "COMMIT");
  // Some errors (e.g. SQLITE_FULL) roll back by themselves; only roll back what is open.
  if (!s.ok() && !sqlite3_get_autocommit(rep_->db)) {
    (void)Exec(rep_->db, rep_->path, "ROLLBACK");
  }
  return s;
}

}  // namespace fl::store
