// store: the SQLite decision store — tickets, per-field decisions, escalations, the review
// queue, reviewer feedback and the model registry, in one database file.
//
//   Store          one connection to one database file (WAL, synchronous=FULL)
//   Decision       one field of one ticket, decided once by a tier (slm/llm/human/rule)
//   ReviewItem     a (ticket, field) waiting for, or resolved by, a person
//   Escalation     one call to a fallback backend, for the audit log
//
// Start here: `FL_ASSIGN_OR_RETURN(fl::store::Store db, fl::store::Store::Open(path));`
//
// Thread-safety: a Store is one SQLite connection with cached prepared statements and is
// NOT safe for concurrent use. One Store must be used from one thread at a time. Callers
// that need concurrency open one Store per thread (or per request) on the same file; WAL
// lets readers run beside the single writer, and writers wait up to 5 s for each other
// (busy_timeout) before a call returns Unavailable.
//
// Durability: synchronous=FULL, so a write whose call has returned OK survives a crash or
// power loss of the machine.
//
// Error codes (every message names the database path):
//   AlreadyExists       a UNIQUE constraint: the (ticket, field) decision or review item,
//                       or the row, is already there; nothing was changed
//   InvalidArgument     any other constraint (CHECK such as tier 'robot', NOT NULL,
//                       FOREIGN KEY such as an unknown ticket id), or a bad argument
//   NotFound            no such row (review id, active model), or the file cannot be opened
//   FailedPrecondition  state forbids it (resolving a non-open review item; a database
//                       whose schema is newer than this build; nested WithTransaction)
//   Unavailable         the database is locked by another writer: retry
//   DataLoss            the file is not a database or is corrupt
//   ResourceExhausted   the disk is full
//   Internal            anything else SQLite reports
//
// Schema: versioned by the `schema_version` table (one row per applied migration step,
// current version = MAX(version)); Open applies the missing steps in order, each in its
// own transaction. Timestamps are UTC ISO-8601 text ("2026-11-29T07:30:00Z").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"

namespace fl::store {

// The schema version this build creates and understands.
inline constexpr int kSchemaVersion = 4;

// One decided field of one ticket.
struct Decision {
  int64_t ticket_id = 0;
  std::string field;                // "category", "queue", "priority", ...
  std::string value;                // the decided label
  std::string tier;                 // "slm" | "llm" | "human" | "rule" (CHECKed by the schema)
  std::string prediction_set_json;  // the evidence: top-k labels / conformal set, as JSON
  double confidence = 0;
  double threshold = 0;             // the threshold the confidence was compared against
  double latency_ms = 0;
  double cost = 0;                  // money spent on this field (LLM tokens), in the
                                    //   ledger's currency
  int64_t tokens = 0;
  std::string decided_at;           // set by the store; ignored by RecordDecision
};

// One entry of the review queue.
struct ReviewItem {
  int64_t id = 0;
  int64_t ticket_id = 0;
  std::string field;
  std::string state;            // "open" | "accepted" | "corrected"
  std::string candidates_json;  // what the person chooses from, as JSON
  std::string reason;           // why it was not decided automatically
  std::string created_at;
  std::string resolved_at;      // empty while open
  std::string resolved_by;      // empty while open
};

// One call to a fallback backend (LLM or human queue), kept for the audit log.
struct Escalation {
  int64_t ticket_id = 0;
  std::string field;
  std::string backend;             // e.g. "openai:gpt-4o-mini", "human"
  std::string request_meta_json;   // redacted request metadata, never the raw ticket
  std::string response_meta_json;
  std::string status;              // e.g. "ok", "timeout", "error"
  int attempts = 1;
};

class Store {
 public:
  // Opens or creates the database at `path`, sets busy_timeout=5000, journal_mode=WAL,
  // synchronous=FULL and foreign_keys=ON, then migrates the schema to kSchemaVersion.
  // Fails with DataLoss for a file that is not a database, FailedPrecondition for a
  // schema newer than kSchemaVersion; every error message names `path`.
  static Result<Store> Open(const std::string& path);

  Store(Store&& other) noexcept;
  Store& operator=(Store&& other) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();  // finalizes statements and closes the connection

  // The schema version after Open's migrations (== kSchemaVersion).
  int SchemaVersion() const;

  // Idempotent: returns the id of the ticket with `external_id` if it exists (its text is
  // left unchanged), else inserts it with status 'pending' and returns the new id.
  // InvalidArgument for an empty external_id.
  Result<int64_t> UpsertTicket(const std::string& external_id, const std::string& text);

  // Records `decision` exactly once per (ticket_id, field): a second call for the same
  // pair returns AlreadyExists and changes nothing. InvalidArgument for an unknown ticket
  // or a tier outside slm/llm/human/rule.
  Status RecordDecision(const Decision& decision);

  // All decisions of a ticket, ordered by field. Empty for an unknown ticket.
  Result<std::vector<Decision>> DecisionsFor(int64_t ticket_id);

  // Ids (ascending) of tickets that lack a decision for at least one of `fields`: the
  // work a resumed batch must still do. Empty when `fields` is empty.
  Result<std::vector<int64_t>> UndecidedTickets(const std::vector<std::string>& fields);

  // Puts (ticket_id, field) on the review queue in state 'open'. AlreadyExists if that
  // pair was ever queued (open or resolved).
  Status OpenReview(int64_t ticket_id, const std::string& field,
                    const std::string& candidates_json, const std::string& reason);

  // Items in `state` ("open", "accepted" or "corrected"), oldest first, at most `limit`
  // of them (limit <= 0: no limit). InvalidArgument for another state.
  Result<std::vector<ReviewItem>> ListReview(const std::string& state, int limit);

  // A ticket's external id and text. NotFound for an unknown id.
  struct Ticket {
    int64_t id = 0;
    std::string external_id, text, received_at, status;
  };
  Result<Ticket> GetTicket(int64_t ticket_id);

  // A person resolves review item `review_id` with `label`: the item becomes 'accepted'
  // when `label` equals the value recorded in decisions for its (ticket, field), else
  // 'corrected' (also when no decision was recorded); resolved_at/resolved_by are set
  // and a feedback row (label, who, when) is written. Decisions are not touched. One
  // transaction. NotFound for an unknown id; FailedPrecondition if the item is not open;
  // InvalidArgument for an empty label or who.
  Status ResolveReview(int64_t review_id, const std::string& label, const std::string& who);

  // Appends one escalation to the audit log. InvalidArgument for an unknown ticket.
  Status RecordEscalation(const Escalation& escalation);
  // A ticket's escalations in the order they were recorded.
  Result<std::vector<Escalation>> EscalationsFor(int64_t ticket_id);

  // The privacy guard's mapping of a ticket (placeholder -> type, value). Recording an
  // existing placeholder again with the same type and value is a no-op; with another
  // value it is AlreadyExists (a placeholder never changes meaning).
  struct Pseudonym {
    std::string placeholder, type, value;
  };
  Status RecordPseudonyms(int64_t ticket_id, const std::vector<Pseudonym>& entries);
  Result<std::vector<Pseudonym>> PseudonymsFor(int64_t ticket_id);

  // The cost ledger: the sum of decisions.cost decided at or after `since` (a UTC
  // timestamp as the store writes them, or a prefix such as "2026-11-29").
  Result<double> SpentSince(const std::string& since);

  // The latest person-given label of every (ticket, field) with feedback, with the
  // ticket's text: the training data that reviews produce.
  struct Feedback {
    int64_t ticket_id = 0;
    std::string field, label, who, at, text;
  };
  Result<std::vector<Feedback>> AllFeedback();

  // Registers a model file and makes it the only active one, in one transaction.
  // Registering a known file_hash again updates its path and metrics and re-activates it
  // (a rollback to an earlier model).
  Status RegisterModel(const std::string& file_hash, const std::string& path,
                       const std::string& metrics_json);
  // The path of the active model; NotFound when none is registered.
  Result<std::string> ActiveModelPath();

  // --- The service (service_store.cc) ---

  // An API key as stored: never the key itself, only its SHA-256 (hex) and its first
  // characters, to recognise it in lists.
  struct ApiKey {
    int64_t id = 0;
    std::string name, scope, key_hash, prefix, created_at, revoked_at;  // revoked_at: "" if live
  };
  // InvalidArgument for a scope other than triage/review/admin or an empty name;
  // AlreadyExists for a hash already stored.
  Result<int64_t> CreateApiKey(const std::string& name, const std::string& scope, const std::string& key_hash,
                               const std::string& prefix);
  Result<std::vector<ApiKey>> ListApiKeys();
  // NotFound for no such hash (revoked keys are found: the caller checks revoked_at).
  Result<ApiKey> FindApiKey(const std::string& key_hash);
  // NotFound for an unknown id, FailedPrecondition when already revoked.
  Status RevokeApiKey(int64_t id);

  // Appends to the audit log.
  Status Audit(const std::string& actor, const std::string& action, const std::string& detail_json);
  struct AuditEntry {
    int64_t id = 0;
    std::string at, actor, action, detail_json;
  };
  Result<std::vector<AuditEntry>> AuditLog(int limit);

  // The id of the ticket with external_id; NotFound if there is none.
  Result<int64_t> FindTicket(const std::string& external_id);
  // Decisions decided at or after since ("" for all), of tier ("" for any), newest
  // first, at most limit, each with its ticket's external id.
  struct DecisionRow {
    std::string external_id;
    Decision decision;
  };
  Result<std::vector<DecisionRow>> RecentDecisions(const std::string& since, const std::string& tier, int limit);
  // How many review items are in state ("open", "accepted", "corrected").
  Result<int64_t> CountReview(const std::string& state);
  // One review item; NotFound for an unknown id.
  Result<ReviewItem> GetReview(int64_t review_id);

  // Runs `fn` inside BEGIN IMMEDIATE ... COMMIT; if `fn` returns an error (or COMMIT
  // fails) the transaction is rolled back and that error returned. Not reentrant: calling
  // it from inside `fn` returns FailedPrecondition.
  Status WithTransaction(const std::function<Status()>& fn);

 private:
  struct Rep;
  explicit Store(std::unique_ptr<Rep> rep);

  std::unique_ptr<Rep> rep_;  // null only in a moved-from Store
};

}  // namespace fl::store
