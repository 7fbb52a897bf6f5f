// Store methods for the service: API keys, the audit log, lookups for the HTTP API.
#include "store/store_impl.h"

namespace fl::store {

Result<int64_t> Store::CreateApiKey(const std::string& name, const std::string& scope, const std::string& key_hash,
                                    const std::string& prefix) {
  if (name.empty()) return InvalidArgumentError("store " + rep_->path + ": an API key needs a name");
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "INSERT INTO api_keys(name, scope, key_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)"));
  st->Bind(1, name).Bind(2, scope).Bind(3, key_hash).Bind(4, prefix).Bind(5, UtcTimestamp());
  FL_RETURN_IF_ERROR(st->Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(rep_->db));
}

namespace {

Store::ApiKey ReadKey(const Stmt& st) {
  return {st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6)};
}

}  // namespace

Result<std::vector<Store::ApiKey>> Store::ListApiKeys() {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "SELECT id, name, scope, key_hash, prefix, created_at, COALESCE(revoked_at, '') FROM api_keys ORDER BY id"));
  std::vector<ApiKey> out;
  while (true) {
    FL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadKey(*st));
  }
  return out;
}

Result<Store::ApiKey> Store::FindApiKey(const std::string& key_hash) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "SELECT id, name, scope, key_hash, prefix, created_at, COALESCE(revoked_at, '') FROM api_keys "
      "WHERE key_hash = ?"));
  st->Bind(1, key_hash);
  FL_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFoundError("store " + rep_->path + ": no such API key");
  return ReadKey(*st);
}

Status Store::RevokeApiKey(int64_t id) {
  FL_ASSIGN_OR_RETURN(auto sel, rep_->Prepare("SELECT COALESCE(revoked_at, '') FROM api_keys WHERE id = ?"));
  sel->Bind(1, id);
  FL_ASSIGN_OR_RETURN(bool row, sel->Step());
  if (!row) return NotFoundError("store " + rep_->path + ": no API key " + std::to_string(id));
  if (!sel->Text(0).empty()) {
    return FailedPreconditionError("store " + rep_->path + ": API key " + std::to_string(id) + " is already revoked");
  }
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?"));
  st->Bind(1, UtcTimestamp()).Bind(2, id);
  return st->Run();
}

Status Store::Audit(const std::string& actor, const std::string& action, const std::string& detail_json) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "INSERT INTO audit_log(at, actor, action, detail_json) VALUES (?, ?, ?, ?)"));
  st->Bind(1, UtcTimestamp()).Bind(2, actor).Bind(3, action).Bind(4, detail_json);
  return st->Run();
}

Result<std::vector<Store::AuditEntry>> Store::AuditLog(int limit) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "SELECT id, at, actor, action, detail_json FROM audit_log ORDER BY id DESC LIMIT ?"));
  st->Bind(1, int64_t{limit > 0 ? limit : -1});
  std::vector<AuditEntry> out;
  while (true) {
    FL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back({st->Int(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4)});
  }
  return out;
}

Result<int64_t> Store::FindTicket(const std::string& external_id) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare("SELECT id FROM tickets WHERE external_id = ?"));
  st->Bind(1, external_id);
  FL_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFoundError("no ticket '" + external_id + "'");
  return st->Int(0);
}

Result<std::vector<Store::DecisionRow>> Store::RecentDecisions(const std::string& since, const std::string& tier,
                                                                int limit) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare(
      "SELECT t.external_id, d.ticket_id, d.field, d.value, d.confidence, d.tier, d.threshold, d.prediction_set, "
      "d.latency_ms, d.tokens, d.cost, d.decided_at FROM decisions d JOIN tickets t ON t.id = d.ticket_id "
      "WHERE d.decided_at >= ? AND (? = '' OR d.tier = ?) ORDER BY d.decided_at DESC, d.ticket_id DESC, d.field "
      "LIMIT ?"));
  st->Bind(1, since).Bind(2, tier).Bind(3, tier).Bind(4, int64_t{limit > 0 ? limit : -1});
  std::vector<DecisionRow> out;
  while (true) {
    FL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back({st->Text(0), ReadDecision(*st, 1)});
  }
  return out;
}

Result<int64_t> Store::CountReview(const std::string& state) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare("SELECT COUNT(*) FROM review_items WHERE state = ?"));
  st->Bind(1, state);
  FL_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

Result<ReviewItem> Store::GetReview(int64_t review_id) {
  FL_ASSIGN_OR_RETURN(auto st, rep_->Prepare("SELECT " FL_REVIEW_COLUMNS " FROM review_items WHERE id = ?"));
  st->Bind(1, review_id);
  FL_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFoundError("no review item " + std::to_string(review_id));
  return ReadReviewItem(*st);
}

}  // namespace fl::store
