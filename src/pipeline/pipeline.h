// pipeline: composes the specialists (classify) with the routing decisions (route).
//
// The routing calibration of a model lives in a sidecar file next to it,
// "<model>.routing.json", written by CalibrateRouting and read by LoadRouting. It records,
// per field, the guaranteed confidence threshold (and the per-class and empirical ones for
// comparison), the conformal prediction-set calibration, and — when the training data
// has an explicit out-of-scope label — the out-of-scope rejection threshold.
//
// Thread-safety: a loaded RoutingConfig is immutable and may be shared.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "classify/classify.h"
#include "core/core.h"
#include "guard/guard.h"
#include "knowledge/knowledge.h"
#include "route/route.h"
#include "store/store.h"

namespace fl::pipeline {

struct FieldRouting {
  std::string field;
  double target_precision = 0.95;
  double delta = 0.05;
  route::Threshold guaranteed;                     // the one the router uses
  route::Threshold empirical;                      // no guarantee; for comparison
  std::map<std::string, route::Threshold> per_class;  // by predicted label
  route::ConformalCalibration conformal;
  // Out of scope: items whose in-scope score (below) is under oos_threshold, or whose top
  // label is oos_label, are out of scope. Empty oos_label: no out-of-scope handling.
  std::string oos_label;
  double oos_threshold = 0;
  enum class OosScore {
    kTopProbability,  // the top probability among labels other than oos_label (files
                      // calibrated before the certainty score)
    kCertainty,       // 1 - H(p) / ln K - p(oos_label): the whole distribution's certainty
  };
  OosScore oos_score = OosScore::kCertainty;
};

// The in-scope score of probabilities under the field's out-of-scope rule; oos is the
// index of oos_label (or -1).
double InScopeScore(const FieldRouting& routing, const std::vector<float>& probs, int oos);

// Whether the field's out-of-scope rule (above) rejects these probabilities. False when the
// field has no out-of-scope label.
bool IsOutOfScope(const FieldRouting& routing, const std::vector<std::string>& labels,
                  const std::vector<float>& probs);

struct RoutingConfig {
  std::string model_hash;  // HexHash64 of the model's metadata, to catch a stale sidecar
  std::vector<FieldRouting> fields;
  const FieldRouting* Find(const std::string& field) const;
};

struct CalibrateOptions {
  route::ThresholdOptions threshold;  // precision, delta
  double alpha = 0.1;                 // conformal miscoverage
  std::string field;                  // empty: the field matching the label column
  std::string oos_label;              // explicit out-of-scope class in the data, if any
  // OOS threshold: the highest in-scope-confidence threshold whose in-scope accuracy on
  // the calibration data stays within this of the accuracy without OOS rejection.
  double oos_max_accuracy_drop = 0.01;
  int threads = 0;
};

// Predicts the calibration data, fits thresholds for the field, and returns the updated
// config (existing entries for other fields are kept).
Result<RoutingConfig> CalibrateRouting(const classify::Model& model, const classify::DataSpec& data,
                                       const CalibrateOptions& options, RoutingConfig existing);

std::string RoutingPath(const std::string& model_path);  // "<model>.routing.json"
std::string RoutingJson(const RoutingConfig& config);
// NotFound when there is no sidecar; FailedPrecondition when it belongs to another model.
Result<RoutingConfig> LoadRouting(const std::string& model_path, const classify::Model& model);
Status SaveRouting(const std::string& model_path, const RoutingConfig& config);
std::string ModelHash(const classify::Model& model);

// How often the guarantee fails in practice: the labelled data is split at random into a
// calibration and a test half `resplits` times; each time the guaranteed and the empirical
// thresholds are picked on the calibration half and measured on the test half. A split
// "violates" when the realised precision on the test half is below the target.
struct ResplitStudy {
  std::string field;
  int64_t n = 0;
  int resplits = 0;
  double precision = 0, delta = 0;
  double violation_rate = 0;            // guaranteed threshold; should be <= delta
  double empirical_violation_rate = 0;  // point-estimate threshold, for comparison
  double mean_coverage = 0, mean_precision = 0;  // guaranteed, on the test halves
  double empirical_mean_coverage = 0;
};
Result<ResplitStudy> StudyResplits(const classify::Model& model, const classify::DataSpec& data,
                                   const std::string& field, const route::ThresholdOptions& options,
                                   int resplits, uint64_t seed = 1, int threads = 0);
std::string ResplitStudyJson(const ResplitStudy& study);

struct TriageConfig;  // below: the triage config file

// What eval-routing reports for one field on labelled test data.
struct RoutingEval {
  std::string field;
  int64_t n = 0;
  double threshold = 0;
  double coverage = 0;    // share auto-accepted (confident and in scope)
  double precision = 0;   // precision of the auto-accepted
  int64_t accepted = 0, escalated = 0;
  double mean_set_size = 0;      // conformal sets of escalated items
  double set_coverage = 0;       // share of escalated items whose gold label is in the set
  bool has_oos = false;
  double in_scope_accuracy = 0;  // in-scope items whose final label is right
  double oos_recall = 0;         // out-of-scope items predicted or rejected as out of scope
  double closed_set_accuracy = 0;  // in-scope items whose top label is right, no rejection
  // Cost: escalations by first tier under the triage config's policy (without an "llm"
  // section: as if every escalation went to the LLM at the default prices), and LLM spend
  // estimated from prompt sizes — the hybrid system against sending every item to the LLM
  // with all labels. Items the LLM gets are assumed decided (correctly) by it or a person.
  int64_t to_llm = 0, to_human = 0;
  double hybrid_cost = 0, all_llm_cost = 0, human_cost = 0;
  double price_input_per_mtok = 0, price_output_per_mtok = 0;
  classify::RoutingReport report;  // the same, with the cost-versus-precision curve
};

Result<RoutingEval> EvaluateRouting(const classify::Model& model, const RoutingConfig& config,
                                    const classify::DataSpec& data, const std::string& field,
                                    int threads = 0, const TriageConfig* triage = nullptr);
std::string RoutingEvalJson(const RoutingEval& eval);

// ---------------------------------------------------------------------------------------
// Review feedback as training data (feedback.cc)
// ---------------------------------------------------------------------------------------

struct FeedbackStats {
  int64_t tickets = 0;    // tickets with at least one person-given label
  int64_t rows = 0;       // of those, rows with a label for every column (the ones returned)
  int64_t corrected = 0;  // person-given labels that differ from the recorded decision
};

// Training rows from the store: every ticket a person reviewed, with the person's latest
// label for each reviewed field and, for the other columns, the label decided
// automatically (tiers slm, rule, llm). A ticket lacking a label for some column (an
// unresolved review of another field) is left out.
Result<text::LabeledData> FeedbackTrainingData(store::Store* db, const std::vector<std::string>& label_columns,
                                               FeedbackStats* stats = nullptr);

// ---------------------------------------------------------------------------------------
// The triage config file (config.cc): escalation policy per field, rules, the LLM tier.
// ---------------------------------------------------------------------------------------
//
// One JSON file; every key is optional and the empty object is the zero-config default
// (no rules, no LLM, uncertain fields go to the review queue). Unknown keys are errors, so
// a typo does not silently fall back to a default. See docs/configuration.md.
//
//   {
//     "fields": {"priority": {"escalate": "human",
//                             "descriptions": {"P1": "whole service down"}}},
//     "rules":  [{"name": "outage", "field": "priority", "label": "P1",
//                 "all": ["outage"], "any": ["all users", "everyone"], "none": [],
//                 "regex": ""}],
//     "llm":    {"endpoint": "https://api.openai.com/v1", "model": "gpt-4o-mini",
//                "api_key_env": "OPENAI_API_KEY", "price_input_per_mtok": 0.15,
//                "price_output_per_mtok": 0.6, "timeout_s": 30, "max_retries": 3,
//                "backoff_base_s": 0.5, "backoff_max_s": 20, "concurrency": 4,
//                "budget_per_day": 5, "budget_per_month": 100, "breaker_failures": 5,
//                "breaker_cooldown_s": 30, "max_candidates": 8, "few_shot": 3,
//                "examples": "train.csv", "examples_text": "subject,body",
//                "json_schema": true, "max_tokens": 50},
//     "human":  {"cost_per_item": 0},
//     "knowledge": {"kb_index": "kb-index", "tickets_index": "tickets-index", "k": 3},
//     "guard":  {"internal_domains": ["corp.example.com"], "deny": ["SAP01"],
//                "custom": [{"type": "EMPLOYEE_ID", "pattern": "\\bEMP-\\d{6}\\b", "score": 0.9}],
//                "min_score": 0.5, "names": true, "enabled": true}
//   }

enum class Escalation { kLlmThenHuman, kHuman };

struct FieldPolicy {
  Escalation escalate = Escalation::kHuman;        // default: kLlmThenHuman when "llm" is set
  std::map<std::string, std::string> descriptions;  // label -> what it means, for the prompt
};

struct LlmTierConfig {
  bool enabled = false;  // true when the config has an "llm" object
  route::LlmOptions client;
  route::CircuitBreaker::Options breaker;
  route::Budget::Options budget;
  int concurrency = 4;      // LLM calls in flight at once
  int max_candidates = 8;   // labels offered: the conformal set, topped up / cut by probability
  int few_shot = 3;         // similar labelled examples in the prompt (needs `examples`)
  std::string examples_path;                  // labelled tickets: text columns + field columns
  std::vector<std::string> examples_text = {"subject", "body"};
};

struct TriageConfig {
  // The privacy guard on everything the LLM tier sends out. It cannot be turned off for
  // a remote endpoint; "guard": {"enabled": false} is accepted only for an endpoint on
  // loopback (a local model server).
  bool guard_enabled = true;
  guard::GuardOptions guard;
  std::map<std::string, FieldPolicy> fields;
  std::vector<route::Rule> rules;
  LlmTierConfig llm;
  double human_cost_per_item = 0;  // for the cost report; in the LLM prices' currency
  // Knowledge attached to every triaged ticket: the best runbook chunks of a KB index and
  // the most similar resolved tickets of a ticket index (frontline index). Empty: none.
  std::string kb_index, tickets_index;
  int knowledge_k = 3;
  // Webhooks (POST /v1/webhook/NAME): where a ticketing system's payload keeps the
  // ticket's id, subject and body, as JSON pointers ("/ticket/number").
  struct Webhook {
    std::string id, subject, body;
  };
  std::map<std::string, Webhook> webhooks;
  // The policy of `field`: its entry, else the default.
  FieldPolicy Policy(const std::string& field) const;
};

// InvalidArgument naming `origin` and the key for bad JSON, an unknown key, a wrong type or
// a value out of range.
Result<TriageConfig> ParseTriageConfig(const std::string& json_text, const std::string& origin);
Result<TriageConfig> LoadTriageConfig(const std::string& path);  // empty path: defaults

// ---------------------------------------------------------------------------------------
// Batch triage (triage.cc, cascade.cc)
// ---------------------------------------------------------------------------------------

struct TriageOptions {
  std::vector<std::string> text_columns = {"subject", "body"};  // joined; missing ones skipped
                                                                //   only if at least one exists
  std::string id_column = "id";  // external ticket id; absent column: "<file>:<line>"
  text::ReadOptions read;
  TriageConfig config;
  // Dry run: route every field but call no LLM and write nothing to the store (db may be
  // null); LLM-bound fields show tier "llm" with the specialist's label and the estimated
  // cost of the call that would be made.
  bool dry_run = false;
};

struct TriageStats {
  int64_t tickets = 0;           // tickets in the input
  int64_t already_decided = 0;   // skipped: every field decided by an earlier run
  int64_t fields_rule = 0;       // decided by a config rule
  int64_t fields_automated = 0;  // decided by the specialist (tier slm)
  int64_t fields_llm = 0;        // decided by the LLM (dry run: would be sent to it)
  int64_t fields_escalated = 0;  // sent to the review queue (tier human)
  int64_t llm_calls = 0;         // requests made (each may have had several attempts)
  int64_t llm_attempts = 0;
  int64_t llm_failed = 0;        // calls that ended without a valid label (-> human)
  int64_t llm_skipped_budget = 0;   // not made: the spend budget was exhausted
  int64_t llm_skipped_breaker = 0;  // not made: the circuit breaker was open
  int64_t llm_skipped_guard = 0;    // not made: the privacy guard failed (fail closed)
  int64_t llm_tokens = 0;
  double llm_cost = 0;           // spent (dry run: estimated)
};

// Runs every ticket of in_path through the cascade: a config rule, else the specialist
// when its confidence reaches the field's guaranteed threshold and the ticket is in scope,
// else the field's escalation policy (the LLM, then a person; or a person). A field
// without a calibrated threshold is always escalated. Each ticket's decisions — all fields,
// with their escalation records and review items — are written in one transaction;
// re-running after a crash skips tickets already decided, so every ticket ends with exactly
// one decision per field, whatever the LLM endpoint does. A field that ends with a person
// gets a provisional decision (tier "human", the specialist's label) and a review item.
// Writes one JSON line per input ticket to out_path (atomically, at the end), in input
// order: {"id":…, "decisions":{field:{"value","confidence","tier","threshold","set",
// "cost","tokens"}}}, plus "kb" and "similar" ([{doc, title, score, snippet}]) when the
// config names knowledge indexes.
Result<TriageStats> TriageFile(const classify::Model& model, const RoutingConfig& routing,
                               const std::string& in_path, const std::string& out_path,
                               const TriageOptions& options, store::Store* db);

// One decision as triage outputs it: {"value","confidence","tier","threshold","set",
// "cost","tokens","latency_ms","decided_at"}.
nlohmann::json DecisionJson(const store::Decision& decision);

// One ticket for Triager::Run: its external id and its text (subject and body joined).
struct TicketInput {
  std::string id;
  std::string text;
};

// The engine behind TriageFile, kept loaded for a service: the knowledge indexes, rules
// and LLM tier are set up once, then Run triages batches of tickets as TriageFile does
// (idempotent on the external id: a ticket already decided gets its stored decisions
// back) and returns one JSON object per ticket in TriageFile's output form.
// Not thread-safe: one Run at a time (the service serialises them); model, routing and db
// must outlive it.
class Triager {
 public:
  static Result<std::unique_ptr<Triager>> Create(const classify::Model& model, const RoutingConfig& routing,
                                                 const TriageOptions& options, store::Store* db);
  ~Triager();
  Result<std::vector<nlohmann::json>> Run(const std::vector<TicketInput>& tickets);
  const TriageStats& stats() const;  // totals over every Run

 private:
  Triager() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl::pipeline
