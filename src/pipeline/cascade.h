// Private to pipeline: the LLM tier of the triage cascade — prompt building with similar
// labelled examples, the breaker and budget around the client, cost estimates.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pipeline/pipeline.h"

namespace fl::pipeline {

// Indices of the named columns that `table` has, in the order named.
std::vector<int> FindColumns(const text::Table& table, const std::vector<std::string>& names);
// The non-empty fields row[cols...] joined with "\n".
std::string JoinText(const std::vector<std::string>& row, const std::vector<int>& cols);

// The labels offered to the LLM: the prediction set, topped up to three labels by
// probability and cut to max_candidates, never the out-of-scope label.
std::vector<std::string> LlmCandidates(const std::vector<float>& probs, const std::vector<std::string>& labels,
                                       const std::vector<std::string>& set, const std::string& oos_label,
                                       int max_candidates);

// One field of one ticket on its way to the LLM.
struct LlmJob {
  std::string field;
  std::string text;                     // the ticket text, before the outbound filter
  std::vector<std::string> candidates;  // the labels the answer must come from
  enum class Outcome { kPending, kAnswered, kFailed, kBudget, kBreakerOpen, kGuardFailed } outcome = Outcome::kPending;
  route::LlmCall call;
  double estimated_cost = 0;
  int64_t prompt_bytes = 0;
  int examples = 0;  // few-shot examples in the prompt
  // The privacy guard's work on this request (empty when the guard is off).
  Status guard_status;                               // not OK: nothing was sent (fail closed)
  guard::Pseudonymizer mapping;      // this request's mapping (ticket first, then examples)
  size_t ticket_entries = 0;         // the first ticket_entries entries are the ticket's own
  std::map<std::string, int> redacted;  // entity type -> count, for the ledger
  std::string restored_answer;                       // the answer with placeholders restored
  guard::RestoreReport restore;                      // what looked wrong in the answer
};

// Thread-safe: Run may be called from several threads at once.
class LlmTier {
 public:
  // Reads the examples file (if configured) and seeds the budget with what the ledger
  // already holds for `day` and its month.
  // The guard (from triage.guard) redacts every outgoing text unless triage.guard_enabled
  // is false.
  static Result<std::unique_ptr<LlmTier>> Create(const LlmTierConfig& config, const TriageConfig& triage,
                                                 double spent_today, double spent_month, const std::string& day);

  // Builds the prompt, checks breaker and budget, calls the endpoint; fills job->outcome,
  // job->call, job->estimated_cost. Never throws; a failure leaves outcome != kAnswered.
  void Run(LlmJob* job);
  // Builds the prompt and estimates the cost of its call without making it.
  void Estimate(LlmJob* job) const;

  const route::LlmClient& client() const { return *client_; }

 private:
  struct Example {
    std::vector<uint64_t> tokens;  // sorted, distinct token hashes
    std::string text;
    std::string label;
  };
  LlmTier() = default;
  // Builds the (guarded) request; the guard's failure is in job->guard_status.
  route::LlmRequest BuildRequest(LlmJob* job) const;
  // Estimated cost of one answered call of req (prompt size, a short JSON answer).
  double CallCost(const route::LlmRequest& req) const;
  std::vector<const Example*> Similar(const std::string& field, const std::string& text,
                                      const std::vector<std::string>& candidates) const;

  LlmTierConfig config_;
  TriageConfig triage_;
  std::unique_ptr<guard::Guard> guard_;  // null: the guard is off
  std::unique_ptr<route::LlmClient> client_;
  std::unique_ptr<route::CircuitBreaker> breaker_;
  std::unique_ptr<route::Budget> budget_;
  std::map<std::string, std::vector<Example>> examples_;  // by field
};

}  // namespace fl::pipeline
