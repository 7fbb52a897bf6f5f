// The LLM tier of the cascade.
#include "pipeline/cascade.h"

#include <algorithm>

namespace fl::pipeline {
namespace {

constexpr size_t kMaxTicketBytes = 4000;   // of ticket text in a prompt
constexpr size_t kMaxExampleBytes = 600;   // of each few-shot example
constexpr size_t kMaxExamples = 50000;     // rows read from the examples file

// Cuts s to at most max bytes without splitting a UTF-8 sequence.
std::string Truncate(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end) + " …";
}

std::vector<uint64_t> TokenSet(const std::string& text) {
  std::vector<uint64_t> out;
  for (const std::string& t : text::Tokenize(text)) out.push_back(Hash64(t));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double Jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  const size_t uni = a.size() + b.size() - common;
  return uni ? static_cast<double>(common) / uni : 0;
}

}  // namespace

std::vector<int> FindColumns(const text::Table& table, const std::vector<std::string>& names) {
  std::vector<int> out;
  for (const std::string& name : names) {
    auto it = std::find(table.columns.begin(), table.columns.end(), name);
    if (it != table.columns.end()) out.push_back(static_cast<int>(it - table.columns.begin()));
  }
  return out;
}

std::string JoinText(const std::vector<std::string>& row, const std::vector<int>& cols) {
  std::string text;
  for (int c : cols) {
    if (row[c].empty()) continue;
    if (!text.empty()) text += '\n';
    text += row[c];
  }
  return text;
}

std::vector<std::string> LlmCandidates(const std::vector<float>& probs, const std::vector<std::string>& labels,
                                       const std::vector<std::string>& set, const std::string& oos_label,
                                       int max_candidates) {
  std::vector<std::string> out;
  for (const auto& [c, q] : classify::TopK(probs, static_cast<int>(labels.size()))) {
    const bool in_set = std::find(set.begin(), set.end(), labels[c]) != set.end();
    if (labels[c] == oos_label || (!in_set && out.size() >= 3)) continue;
    if (static_cast<int>(out.size()) >= max_candidates) break;
    out.push_back(labels[c]);
  }
  return out;
}

Result<std::unique_ptr<LlmTier>> LlmTier::Create(const LlmTierConfig& config, const TriageConfig& triage,
                                                 double spent_today, double spent_month, const std::string& day) {
  std::unique_ptr<LlmTier> tier(new LlmTier());
  tier->config_ = config;
  tier->triage_ = triage;
  if (triage.guard_enabled) {
    FL_ASSIGN_OR_RETURN(guard::Guard g, guard::Guard::Create(triage.guard));
    tier->guard_ = std::make_unique<guard::Guard>(std::move(g));
  }
  FL_ASSIGN_OR_RETURN(tier->client_, route::LlmClient::Create(config.client));
  tier->breaker_ = std::make_unique<route::CircuitBreaker>(config.breaker);
  tier->budget_ = std::make_unique<route::Budget>(config.budget, spent_today, spent_month, day);
  if (!config.examples_path.empty() && config.few_shot > 0) {
    FL_ASSIGN_OR_RETURN(text::Table table, text::ReadTable(config.examples_path));
    const std::vector<int> text_cols = FindColumns(table, config.examples_text);
    if (text_cols.empty()) {
      return InvalidArgumentError(config.examples_path + ": none of the example text columns (llm.examples_text) exists");
    }
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (std::find(text_cols.begin(), text_cols.end(), static_cast<int>(c)) != text_cols.end()) continue;
      std::vector<Example>& list = tier->examples_[table.columns[c]];
      for (size_t r = 0; r < table.rows.size() && r < kMaxExamples; ++r) {
        const std::string& label = table.rows[r][c];
        if (label.empty()) continue;
        const std::string text = JoinText(table.rows[r], text_cols);
        if (text.empty()) continue;
        list.push_back({TokenSet(text), Truncate(text, kMaxExampleBytes), label});
      }
    }
  }
  return tier;
}

std::vector<const LlmTier::Example*> LlmTier::Similar(const std::string& field, const std::string& text,
                                                      const std::vector<std::string>& candidates) const {
  std::vector<const Example*> out;
  auto it = examples_.find(field);
  if (it == examples_.end() || config_.few_shot <= 0) return out;
  const std::vector<uint64_t> query = TokenSet(text);
  std::vector<std::pair<double, const Example*>> scored;
  for (const Example& e : it->second) {
    if (std::find(candidates.begin(), candidates.end(), e.label) == candidates.end()) continue;
    scored.emplace_back(Jaccard(query, e.tokens), &e);
  }
  const size_t k = std::min<size_t>(config_.few_shot, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + k, scored.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < k; ++i) out.push_back(scored[i].second);
  return out;
}

route::LlmRequest LlmTier::BuildRequest(LlmJob* job) const {
  const FieldPolicy policy = triage_.Policy(job->field);
  route::LlmRequest req;
  req.allowed = job->candidates;
  req.system = "You triage IT service tickets. Decide the ticket's \"" + job->field +
               "\". Choose exactly one of these labels:\n";
  for (const std::string& label : job->candidates) {
    req.system += "- " + label;
    auto d = policy.descriptions.find(label);
    if (d != policy.descriptions.end()) req.system += ": " + d->second;
    req.system += "\n";
  }
  req.system += "Answer with JSON only: {\"label\": \"<one of the labels>\"}.";
  const std::vector<const Example*> examples = Similar(job->field, job->text, job->candidates);
  job->examples = static_cast<int>(examples.size());
  // Every text that leaves goes through the guard, with one mapping per request. The
  // ticket is redacted first so its placeholders are numbered from 1 whatever the
  // examples: the same ticket gets the same mapping for every field.
  job->guard_status = OkStatus();
  job->mapping = guard::Pseudonymizer();
  auto guarded = [&](const std::string& text) -> std::string {
    if (guard_ == nullptr) return text;
    if (!job->guard_status.ok()) return "";
    std::vector<guard::Span> spans;
    job->guard_status = guard_->Find(text, &spans);
    return job->guard_status.ok() ? job->mapping.Redact(text, spans) : "";
  };
  const std::string ticket = guarded(Truncate(job->text, kMaxTicketBytes));
  job->ticket_entries = job->mapping.entries().size();
  for (const Example* e : examples) {
    req.user += "Ticket:\n" + guarded(e->text) + "\n" + job->field + ": " + e->label + "\n\n";
  }
  req.user += "Ticket:\n" + ticket + "\n" + job->field + ":";
  if (!job->guard_status.ok()) {  // fail closed: build nothing that could be sent
    req.user.clear();
    req.system.clear();
  }
  job->redacted = job->mapping.TypeCounts();
  job->prompt_bytes = static_cast<int64_t>(req.system.size() + req.user.size());
  return req;
}

double LlmTier::CallCost(const route::LlmRequest& req) const {
  // The answer is {"label": "…"}: a handful of tokens around the longest candidate.
  size_t longest = 0;
  for (const std::string& c : req.allowed) longest = std::max(longest, c.size());
  return client_->Cost(route::EstimateTokens(req.system + req.user),
                       route::EstimateTokens(std::string(longest, 'x')) + 6);
}

void LlmTier::Estimate(LlmJob* job) const { job->estimated_cost = CallCost(BuildRequest(job)); }

void LlmTier::Run(LlmJob* job) {
  const route::LlmRequest req = BuildRequest(job);
  if (!job->guard_status.ok()) {
    job->outcome = LlmJob::Outcome::kGuardFailed;  // fail closed: nothing leaves
    return;
  }
  // Reserve the estimated cost of one answered call; Settle books the real one.
  const double one = CallCost(req);
  job->estimated_cost = one;
  if (!budget_->TryReserve(one, UtcTimestamp().substr(0, 10))) {
    job->outcome = LlmJob::Outcome::kBudget;
    return;
  }
  if (!breaker_->Allow()) {
    budget_->Settle(one, 0);
    job->outcome = LlmJob::Outcome::kBreakerOpen;
    return;
  }
  job->call = client_->Classify(req);
  budget_->Settle(one, job->call.cost);
  // Transport and HTTP failures count against the endpoint; a 200 answer outside the
  // label set is the model's problem, not the endpoint's.
  if (job->call.status.ok() || (job->call.http_status == 200 && !route::IsRetryable(job->call.status.code()))) {
    breaker_->RecordSuccess();
  } else {
    breaker_->RecordFailure();
  }
  job->outcome = job->call.status.ok() ? LlmJob::Outcome::kAnswered : LlmJob::Outcome::kFailed;
  if (guard_ != nullptr) {
    job->restored_answer = job->mapping.Restore(job->call.answer, guard_.get(), &job->restore);
  } else {
    job->restored_answer = job->call.answer;
  }
}

}  // namespace fl::pipeline
