// Private to the store module: the borrowed prepared statement and the Store's
// representation, shared by the files that implement Store's methods.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sqlite_util.h"
#include "store/store.h"

namespace fl::store {

using internal::SqliteError;

// A borrowed cached statement. Bind* record the first failure, which Step() reports.
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt, const std::string* path)
      : db_(db), stmt_(stmt), path_(path) {}
  ~Stmt() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(int i, const std::string& v) {
    return Check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                                   SQLITE_TRANSIENT));
  }
  Stmt& Bind(int i, int64_t v) { return Check(sqlite3_bind_int64(stmt_, i, v)); }
  Stmt& Bind(int i, double v) { return Check(sqlite3_bind_double(stmt_, i, v)); }

  // true: a row is ready to read; false: the statement is done.
  Result<bool> Step() {
    if (bind_rc_ != SQLITE_OK) return SqliteError(db_, bind_rc_, *path_, Sql());
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, rc, *path_, Sql());
  }
  // Steps a statement that returns no rows.
  Status Run() {
    Result<bool> r = Step();
    return r.status();
  }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, col)) : std::string();
  }

 private:
  Stmt& Check(int rc) {
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
  }
  std::string Sql() const {
    const char* sql = sqlite3_sql(stmt_);
    return sql ? sql : "";
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  const std::string* path_;
  int bind_rc_ = SQLITE_OK;
};


struct Store::Rep {
  std::string path;
  sqlite3* db = nullptr;
  int schema_version = 0;
  // Keyed by the SQL text; the keys are string literals, so the views stay valid.
  std::unordered_map<std::string_view, sqlite3_stmt*> cache;

  ~Rep() {
    for (auto& [sql, stmt] : cache) sqlite3_finalize(stmt);
    if (db) sqlite3_close_v2(db);
  }

  // Borrows the cached statement for `sql` (a string literal), preparing it once.
  Result<std::unique_ptr<Stmt>> Prepare(std::string_view sql) {
    auto it = cache.find(sql);
    if (it == cache.end()) {
      sqlite3_stmt* stmt = nullptr;
      const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db, rc, path, sql);
      it = cache.emplace(sql, stmt).first;
    }
    return std::make_unique<Stmt>(db, it->second, &path);
  }
};

// The columns every decision query selects, in this order, and their reader.
inline Decision ReadDecision(const Stmt& st, int c = 0) {
  Decision d;
  d.ticket_id = st.Int(c);
  d.field = st.Text(c + 1);
  d.value = st.Text(c + 2);
  d.confidence = st.Double(c + 3);
  d.tier = st.Text(c + 4);
  d.threshold = st.Double(c + 5);
  d.prediction_set_json = st.Text(c + 6);
  d.latency_ms = st.Double(c + 7);
  d.tokens = st.Int(c + 8);
  d.cost = st.Double(c + 9);
  d.decided_at = st.Text(c + 10);
  return d;
}

// The columns every review query selects, in this order, and their reader.
#define FL_REVIEW_COLUMNS \
  "id, ticket_id, field, state, candidates, reason, created_at, resolved_at, resolved_by"
inline ReviewItem ReadReviewItem(const Stmt& st) {
  ReviewItem r;
  r.id = st.Int(0);
  r.ticket_id = st.Int(1);
  r.field = st.Text(2);
  r.state = st.Text(3);
  r.candidates_json = st.Text(4);
  r.reason = st.Text(5);
  r.created_at = st.Text(6);
  r.resolved_at = st.Text(7);
  r.resolved_by = st.Text(8);
  return r;
}

}  // namespace fl::store
