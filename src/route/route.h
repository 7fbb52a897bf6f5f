// route: deciding whether a specialist's answer is good enough to act on.
//
//   GuaranteedThreshold    lowest confidence threshold whose auto-accepted set has
//                          precision >= p with probability >= 1 - delta over the calibration
//                          sample (Learn-then-Test, fixed-sequence testing, exact binomial /
//                          Clopper–Pearson tail)
//   EmpiricalThreshold     the point-estimate variant (no guarantee), for comparison
//   PerClassThresholds     one guaranteed threshold per predicted class
//   ConformalSets          split-conformal prediction sets (LAC and APS) at level 1 - alpha
//   Rule                   keyword / regex rules that pre-empt the model (tier "rule")
//   LlmClient              OpenAI-compatible /v1/chat/completions backend: JSON-schema
//                          constrained label choice, validation, retries with backoff
//   CircuitBreaker         stops calling a failing endpoint for a cool-down
//   Budget                 per-day and per-month spend limits
//
// Threshold and conformal functions are pure and safe from any thread. CircuitBreaker,
// Budget and LlmClient are internally synchronised and meant to be shared by the threads
// of one triage run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "core/core.h"

namespace fl::route {

struct ThresholdOptions {
  double precision = 0.95;  // target precision p of auto-accepted items
  double delta = 0.05;      // allowed probability that the guarantee fails
  int grid_size = 200;      // candidate thresholds: distinct confidences, at most this many,
                            //   tested from the highest down
  int min_accepted = 1;     // a threshold must accept at least this many calibration items
  // Fixed-sequence chains: one starts at the most confident testable threshold, the others
  // where a threshold first accepts n/2^(chains-1) .. n/2 items; each runs downward at
  // delta / chains (Bonferroni), and the lowest threshold any chain reaches is used. A
  // chain that starts lower is not stopped by a few errors among the very top items, which
  // would otherwise end a single sequence before it reaches thresholds with real power.
  int chains = 4;
};

struct Threshold {
  double tau = 1.0;          // accept when confidence >= tau; > 1 means "accept nothing"
  bool feasible = false;     // false: no threshold passed the test; tau then rejects all
  int64_t n = 0;             // calibration items considered
  int64_t accepted = 0;      // calibration items with confidence >= tau
  int64_t errors = 0;        // of those, wrong
  double coverage = 0;       // accepted / n
  double precision = 0;      // 1 - errors / accepted (calibration sample)
  double p_value = 1;        // binomial tail of the last accepted test
};

// P(X <= k) for X ~ Binomial(n, q), exact (log-space sum), in [0, 1].
double BinomialCdf(int64_t k, int64_t n, double q);

// Learn-then-Test: candidate thresholds tau_1 > tau_2 > ... (from the calibration
// confidences); for each, H0: precision(tau) < p is rejected when
// BinomialCdf(errors, accepted, 1 - p) <= delta / chains. Within a chain, testing stops at
// the first non-rejection (fixed-sequence testing); chains start at points fixed by the
// confidences alone (see ThresholdOptions::chains), so the family-wise error stays <= delta.
// The result is the lowest rejected threshold of any chain. confidence[i] is the top-1 probability, correct[i]
// whether the top-1 label was right.
Threshold GuaranteedThreshold(const std::vector<float>& confidence,
                              const std::vector<bool>& correct, const ThresholdOptions& options);

// Lowest threshold whose calibration precision is >= p (no finite-sample guarantee).
Threshold EmpiricalThreshold(const std::vector<float>& confidence,
                             const std::vector<bool>& correct, const ThresholdOptions& options);

// One guaranteed threshold per predicted class (items grouped by predicted label), each
// tested at delta / n_classes (Bonferroni), so that with probability >= 1 - delta every
// class's auto-accepted precision is >= p. Classes with no feasible threshold get an
// infeasible Threshold (accept nothing).
std::vector<Threshold> PerClassThresholds(const std::vector<float>& confidence,
                                          const std::vector<bool>& correct,
                                          const std::vector<int>& predicted, int n_classes,
                                          const ThresholdOptions& options);

// Measures a threshold on other data (e.g. a test split).
struct Realised {
  int64_t n = 0, accepted = 0, errors = 0;
  double coverage = 0, precision = 0;  // precision is 1 when nothing is accepted
};
Realised Apply(double tau, const std::vector<float>& confidence, const std::vector<bool>& correct);

// Split-conformal prediction sets. Calibrate on (probs, gold) of a calibration split; the
// sets then contain the true label with probability >= 1 - alpha (marginally, for
// exchangeable data).
enum class ConformalMethod {
  kLac,  // score 1 - p(y); set = {y : p(y) >= 1 - qhat}; smallest sets
  kAps,  // score = mass of labels ranked at or above y; adaptive set sizes
};
struct ConformalCalibration {
  ConformalMethod method = ConformalMethod::kLac;
  double alpha = 0.1;
  double qhat = 1.0;  // the ceil((n + 1)(1 - alpha)) / n quantile of calibration scores
};
ConformalCalibration CalibrateConformal(const std::vector<std::vector<float>>& probs,
                                        const std::vector<int>& gold, double alpha,
                                        ConformalMethod method);
// Label indices in the set, most probable first; never empty (the top label is always in).
std::vector<int> PredictionSet(const std::vector<float>& probs, const ConformalCalibration& cal);

// ---------------------------------------------------------------------------------------
// Rules (rules.cc): "priority = P1 if the text has 'outage' and 'all users'".
// ---------------------------------------------------------------------------------------

struct Rule {
  std::string name;                    // for the audit trail; defaults to "rule <index>"
  std::string field;                   // the field it decides
  std::string label;                   // the label it sets
  std::vector<std::string> all;        // every phrase must occur (case-insensitive)
  std::vector<std::string> any;        // at least one must occur (ignored when empty)
  std::vector<std::string> none;       // no phrase may occur
  std::string regex;                   // ECMAScript, case-insensitive; must match somewhere
};

// A rule with its regex compiled. Create validates: field and label set, at least one
// condition, a regex that compiles (InvalidArgument naming the rule otherwise).
class CompiledRule {
 public:
  static Result<CompiledRule> Create(Rule rule);
  // `lowered` is the ticket text after ToLower (phrases are lowered by Create).
  bool Matches(const std::string& lowered) const;
  const Rule& rule() const { return rule_; }

 private:
  Rule rule_;
  std::shared_ptr<const std::regex> regex_;  // null when the rule has none
};

// ---------------------------------------------------------------------------------------
// Resilience (resilience.cc)
// ---------------------------------------------------------------------------------------

// Exponential backoff with full jitter: attempt k (0-based) waits uniform(0, min(max_s,
// base_s * 2^k)) seconds; a server's Retry-After, when given, is a floor on the wait.
struct RetryPolicy {
  int max_retries = 3;       // retries after the first attempt
  double base_s = 0.5;
  double max_s = 20;         // also the longest Retry-After honoured: a longer one ends
                             //   the retries (the endpoint is not coming back soon)
};
// The wait before retry `attempt` (0-based); retry_after_s < 0 when the server gave none.
// Returns < 0 when the policy says stop (retry_after_s > max_s). `rng` is advanced.
double BackoffDelay(const RetryPolicy& policy, int attempt, double retry_after_s, uint64_t* rng);
// Whether a failed call with this code is worth retrying: Unavailable (5xx, connection),
// ResourceExhausted (429) and DeadlineExceeded (timeout).
bool IsRetryable(StatusCode code);

// Closed: calls pass. After `failure_threshold` consecutive failures it opens: calls are
// refused until `cooldown_s` has passed, then one trial call is let through (half-open);
// its success closes the breaker, its failure re-opens it for another cool-down.
class CircuitBreaker {
 public:
  struct Options {
    int failure_threshold = 5;
    double cooldown_s = 30;
  };
  enum class State { kClosed, kOpen, kHalfOpen };
  // `clock` returns seconds (monotonic); tests inject their own.
  explicit CircuitBreaker(Options options, std::function<double()> clock = NowSeconds);

  // True when a call may go out now. In half-open state only one caller gets true until
  // that trial reports back.
  bool Allow();
  void RecordSuccess();
  void RecordFailure();
  State state() const;

 private:
  Options options_;
  std::function<double()> clock_;
  mutable std::mutex mu_;
  State state_ = State::kClosed;
  int failures_ = 0;
  double opened_at_ = 0;
  bool trial_in_flight_ = false;
};

// Spend limits per UTC day and per UTC month (0 = unlimited). A call first reserves its
// estimated cost; Settle replaces the estimate by the real cost. A reservation that would
// take either total over its limit is refused, so spend stays within the limits up to the
// estimation error of calls in flight.
class Budget {
 public:
  struct Options {
    double per_day = 0;
    double per_month = 0;
  };
  // spent_today / spent_this_month: what the ledger (the store) already holds for `day`
  // ("YYYY-MM-DD", UTC) and its month.
  Budget(Options options, double spent_today, double spent_this_month, std::string day);

  // False (nothing reserved) when the estimate does not fit. A new `day` (or month) starts
  // that period's total at zero.
  bool TryReserve(double estimate, const std::string& day);
  void Settle(double estimate, double actual);
  double spent_today() const;
  double spent_this_month() const;

 private:
  Options options_;
  mutable std::mutex mu_;
  std::string day_;
  double today_ = 0, month_ = 0;
};

// ---------------------------------------------------------------------------------------
// OpenAI-compatible LLM backend (llm.cc)
// ---------------------------------------------------------------------------------------

struct LlmOptions {
  std::string endpoint = "http://127.0.0.1:8080/v1";  // base URL; "/chat/completions" is
                                                       //   appended. http:// or https://
  std::string model = "gpt-4o-mini";
  std::string api_key_env = "OPENAI_API_KEY";  // the key comes from this variable, never
                                               //   from a file; unset: no Authorization
  double price_input_per_mtok = 0.15;          // money per million prompt tokens
  double price_output_per_mtok = 0.60;         // per million completion tokens
  double timeout_s = 30;                       // per attempt (connect, read, write)
  RetryPolicy retry;
  int max_tokens = 50;
  bool json_schema = true;  // ask for response_format json_schema with the label enum
};

// One classification request: the messages and the labels the answer must come from.
struct LlmRequest {
  std::string system;
  std::string user;
  std::vector<std::string> allowed;  // non-empty
};

// The outcome of one request, after its retries. Always filled, also on failure: the
// tokens and cost of every attempt that got an answer count.
struct LlmCall {
  Status status;                 // OK: `label` is one of allowed
                                 // InvalidArgument: answered outside the allowed set or
                                 //   unparseable (not retried); others: the last
                                 //   transport / HTTP error after the retries
  std::string label;
  int attempts = 0;
  int64_t prompt_tokens = 0, completion_tokens = 0;
  double cost = 0;
  double latency_ms = 0;
  int http_status = 0;              // of the last attempt; 0 when none got an answer
  std::vector<std::string> errors;  // one line per failed attempt
  std::string answer;               // the raw message content (truncated to 200 bytes)
  std::string request_sha256;       // hex SHA-256 of the request body sent (the egress ledger)
};

// Extracts the label from a chat completion's message content: JSON {"label": …} first,
// then plain text that is (or contains, as a whole word sequence, exactly one) allowed
// label, case-insensitively. NotFound when none; InvalidArgument for a label outside the
// set (named in the message).
Result<std::string> ParseLabel(const std::string& content, const std::vector<std::string>& allowed);

// Rough token count for cost estimates before a call: one token per 4 bytes.
int64_t EstimateTokens(const std::string& text);

class LlmClient {
 public:
  // InvalidArgument for an endpoint that is not http(s)://host[:port][/path].
  static Result<std::unique_ptr<LlmClient>> Create(const LlmOptions& options);

  // Sends the request, retrying retryable failures per options.retry (sleeping between
  // attempts). Safe to call from several threads at once; each call uses its own
  // connection. Does not consult a breaker or budget: the caller does.
  LlmCall Classify(const LlmRequest& request) const;

  double Cost(int64_t prompt_tokens, int64_t completion_tokens) const;
  const LlmOptions& options() const { return options_; }
  std::string backend_name() const { return "openai:" + options_.model; }

 private:
  LlmClient() = default;
  LlmOptions options_;
  std::string scheme_host_port_, path_;
  std::string api_key_;
  mutable std::mutex rng_mu_;
  mutable uint64_t rng_ = 0x9e3779b97f4a7c15ULL;
};

}  // namespace fl::route
