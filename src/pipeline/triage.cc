// Batch triage: rules, specialists and thresholds, then the escalation tiers; decisions
// recorded exactly once in the store.
//
// Tickets go in batches: plan every field of the batch (rule / slm / llm / human), make the
// batch's LLM calls concurrently, then commit each ticket in its own transaction. A crash
// loses at most the uncommitted tickets of one batch, which a re-run decides again.
#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "pipeline/cascade.h"
#include "pipeline/pipeline.h"

namespace fl::pipeline {
namespace {

using nlohmann::json;

// What happens to one undecided field of one ticket.
struct FieldWork {
  store::Decision decision;   // filled in as far as known; tier set when final
  bool to_review = false;     // ends with a person: open a review item
  std::string reason;         // why it was not decided automatically
  int job = -1;               // index of its LLM job in the batch, or -1
};

struct TicketWork {
  size_t row = 0;
  int64_t ticket_id = 0;  // 0 in a dry run
  std::string text;
  std::vector<std::vector<float>> probs;  // per model field
  std::vector<FieldWork> fields;
};

const char* OutcomeStatus(LlmJob::Outcome o) {
  switch (o) {
    case LlmJob::Outcome::kAnswered: return "ok";
    case LlmJob::Outcome::kFailed: return "error";
    case LlmJob::Outcome::kBudget: return "budget_exhausted";
    case LlmJob::Outcome::kBreakerOpen: return "circuit_open";
    case LlmJob::Outcome::kPending: return "not_called";
    case LlmJob::Outcome::kGuardFailed: return "guard_failed";
  }
  return "unknown";
}

// Runs jobs on up to `concurrency` threads.
void RunJobs(LlmTier* tier, std::vector<LlmJob>* jobs, int concurrency) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < jobs->size(); i = next++) tier->Run(&(*jobs)[i]);
  };
  const int n = std::min<int>(concurrency, static_cast<int>(jobs->size()));
  std::vector<std::thread> threads;
  for (int t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
}

class Triage {
 public:
  Triage(const classify::Model& model, const RoutingConfig& routing, const TriageOptions& options,
         store::Store* db)
      : model_(model), routing_(routing), options_(options), db_(db) {
    for (int f = 0; f < model.num_fields(); ++f) fields_.push_back(model.field_name(f));
  }

  Status Init() {
    for (const route::Rule& r : options_.config.rules) {
      if (std::find(fields_.begin(), fields_.end(), r.field) == fields_.end()) {
        return InvalidArgumentError("rule '" + r.name + "': the model has no field '" + r.field + "'");
      }
      FL_ASSIGN_OR_RETURN(route::CompiledRule rule, route::CompiledRule::Create(r));
      rules_.push_back(std::move(rule));
    }
    for (const auto& [path, slot] : {std::pair{options_.config.kb_index, &kb_}, {options_.config.tickets_index, &tickets_}}) {
      if (path.empty()) continue;
      FL_ASSIGN_OR_RETURN(knowledge::Index index, knowledge::Index::Load(path));
      *slot = std::make_unique<knowledge::Index>(std::move(index));
    }
    // A calibrated answer gate beside the KB index turns on suggested answers.
    if (kb_ != nullptr) {
      auto gate = knowledge::LoadAnswerGate(options_.config.kb_index);
      if (gate.ok()) {
        answer_gate_ = gate->threshold;
      } else if (gate.status().code() != StatusCode::kNotFound) {
        return gate.status();
      }
    }
    if (options_.config.llm.enabled) {
      const std::string day = UtcTimestamp().substr(0, 10);
      double today = 0, month = 0;
      if (db_ != nullptr && !options_.dry_run) {
        FL_ASSIGN_OR_RETURN(today, db_->SpentSince(day));
        FL_ASSIGN_OR_RETURN(month, db_->SpentSince(day.substr(0, 7)));
      }
      FL_ASSIGN_OR_RETURN(llm_, LlmTier::Create(options_.config.llm, options_.config, today, month, day));
    }
    return OkStatus();
  }

  // Plans the undecided fields of one ticket; jobs for the LLM go to *jobs.
  Status Plan(TicketWork* work, const std::vector<store::Decision>& existing, std::vector<LlmJob>* jobs) {
    const double t0 = NowSeconds();
    work->probs = model_.PredictAllFields(work->text);
    const std::vector<std::vector<float>>& probs = work->probs;
    const double latency_ms = (NowSeconds() - t0) * 1000 / fields_.size();
    const std::string lowered = text::ToLower(work->text);
    for (size_t f = 0; f < fields_.size(); ++f) {
      const std::string& field = fields_[f];
      if (std::any_of(existing.begin(), existing.end(), [&](const store::Decision& d) { return d.field == field; })) {
        continue;
      }
      const std::vector<std::string>& labels = model_.labels(static_cast<int>(f));
      const std::vector<float>& p = probs[f];
      const auto top = classify::TopK(p, 1)[0];
      const FieldRouting* fr = routing_.Find(field);
      FieldWork w;
      store::Decision& d = w.decision;
      d.ticket_id = work->ticket_id;
      d.field = field;
      d.value = labels[top.first];
      d.confidence = top.second;
      d.threshold = fr != nullptr ? fr->guaranteed.tau : 2.0;
      d.latency_ms = latency_ms;
      std::vector<std::string> set;
      if (fr != nullptr) {
        for (int c : route::PredictionSet(p, fr->conformal)) set.push_back(labels[c]);
      } else {
        for (const auto& [c, q] : classify::TopK(p, 3)) set.push_back(labels[c]);
      }
      d.prediction_set_json = json(set).dump();

      const route::CompiledRule* rule = nullptr;
      for (const route::CompiledRule& r : rules_) {
        if (r.rule().field == field && r.Matches(lowered)) {
          rule = &r;
          break;
        }
      }
      const bool out_of_scope = fr != nullptr && IsOutOfScope(*fr, labels, p);
      if (rule != nullptr) {
        d.tier = "rule";
        d.value = rule->rule().label;
        d.confidence = 1;
        d.threshold = 0;
        d.prediction_set_json = json::array({rule->rule().name}).dump();
      } else if (!out_of_scope && top.second >= d.threshold) {
        d.tier = "slm";
      } else if (out_of_scope) {
        w.to_review = true;
        w.reason = "out of scope";
      } else if (llm_ != nullptr && options_.config.Policy(field).escalate == Escalation::kLlmThenHuman) {
        LlmJob job;
        job.field = field;
        job.text = work->text;
        job.candidates = LlmCandidates(p, labels, set, fr != nullptr ? fr->oos_label : "",
                                       options_.config.llm.max_candidates);
        w.job = static_cast<int>(jobs->size());
        jobs->push_back(std::move(job));
      } else {
        w.to_review = true;
        w.reason = fr == nullptr ? "field not calibrated" : "confidence below the guaranteed threshold";
      }
      if (!w.to_review && w.job < 0) (d.tier == "rule" ? stats_.fields_rule : stats_.fields_automated)++;
      work->fields.push_back(std::move(w));
    }
    return OkStatus();
  }

  // Turns the outcome of each LLM job into its field's decision.
  void Resolve(TicketWork* work, std::vector<LlmJob>* jobs) {
    for (FieldWork& w : work->fields) {
      if (w.job < 0) {
        if (w.to_review) ++stats_.fields_escalated;
        continue;
      }
      LlmJob& job = (*jobs)[w.job];
      store::Decision& d = w.decision;
      if (options_.dry_run) {
        d.tier = "llm";
        d.cost = job.estimated_cost;
        stats_.llm_cost += job.estimated_cost;
        ++stats_.fields_llm;
        continue;
      }
      const route::LlmCall& call = job.call;
      d.cost = call.cost;
      d.tokens = call.prompt_tokens + call.completion_tokens;
      d.latency_ms += call.latency_ms;
      stats_.llm_cost += call.cost;
      stats_.llm_tokens += d.tokens;
      stats_.llm_attempts += call.attempts;
      if (call.attempts > 0) ++stats_.llm_calls;
      switch (job.outcome) {
        case LlmJob::Outcome::kAnswered: {
          d.tier = "llm";
          d.value = call.label;
          const int f = model_.FindField(d.field);
          const std::vector<std::string>& labels = model_.labels(f);
          // The specialist's probability of the label the LLM chose: how much the two agree.
          const auto c = std::find(labels.begin(), labels.end(), call.label) - labels.begin();
          d.confidence = c < static_cast<int>(labels.size()) ? work->probs[f][c] : 0;
          ++stats_.fields_llm;
          break;
        }
        case LlmJob::Outcome::kFailed:
          ++stats_.llm_failed;
          w.to_review = true;
          w.reason = "llm: " + call.status.message();
          break;
        case LlmJob::Outcome::kBudget:
          ++stats_.llm_skipped_budget;
          w.to_review = true;
          w.reason = "llm: spend budget exhausted";
          break;
        case LlmJob::Outcome::kGuardFailed:
          ++stats_.llm_skipped_guard;
          w.to_review = true;
          w.reason = "privacy guard failed, nothing sent: " + job.guard_status.message();
          break;
        case LlmJob::Outcome::kBreakerOpen:
        case LlmJob::Outcome::kPending:
          ++stats_.llm_skipped_breaker;
          w.to_review = true;
          w.reason = "llm: circuit breaker open (endpoint failing)";
          break;
      }
      if (w.to_review) ++stats_.fields_escalated;
    }
  }

  // Records one ticket's planned decisions, escalations and review items atomically.
  Status Commit(const TicketWork& work, const std::vector<LlmJob>& jobs) {
    return db_->WithTransaction([&]() -> Status {
      for (const FieldWork& w : work.fields) {
        store::Decision d = w.decision;
        if (w.to_review) d.tier = "human";
        if (w.job >= 0) {
          const LlmJob& job = jobs[w.job];
          store::Escalation e;
          e.ticket_id = work.ticket_id;
          e.field = d.field;
          e.backend = llm_->client().backend_name();
          // The egress ledger: what left (sizes, entity types removed, a hash of the
          // body), never the values.
          e.request_meta_json = json{{"candidates", job.candidates},
                                     {"prompt_bytes", job.prompt_bytes},
                                     {"examples", job.examples},
                                     {"estimated_cost", job.estimated_cost},
                                     {"guard", job.guard_status.ok() ? "on" : "failed"},
                                     {"redacted", job.redacted},
                                     {"body_sha256", job.call.request_sha256}}
                                    .dump(-1, ' ', false, json::error_handler_t::replace);
          e.response_meta_json = json{{"http_status", job.call.http_status},
                                      {"prompt_tokens", job.call.prompt_tokens},
                                      {"completion_tokens", job.call.completion_tokens},
                                      {"cost", job.call.cost},
                                      {"latency_ms", job.call.latency_ms},
                                      {"label", job.call.label},
                                      {"answer", job.call.answer},
                                      {"restored_answer", job.restored_answer},
                                      {"errors", job.call.errors},
                                      {"unknown_placeholders", job.restore.unknown_placeholders},
                                      {"new_identifiers", job.restore.new_identifiers}}
                                     .dump(-1, ' ', false, json::error_handler_t::replace);
          e.status = job.outcome == LlmJob::Outcome::kFailed && job.call.http_status == 200 &&
                             !route::IsRetryable(job.call.status.code())
                         ? "invalid_answer"
                         : OutcomeStatus(job.outcome);
          e.attempts = job.call.attempts;
          FL_RETURN_IF_ERROR(db_->RecordEscalation(e));
        }
        if (w.job >= 0) {
          const LlmJob& job = jobs[w.job];
          std::vector<store::Store::Pseudonym> own;
          for (size_t k = 0; k < job.ticket_entries && k < job.mapping.entries().size(); ++k) {
            const auto& en = job.mapping.entries()[k];
            own.push_back({en.placeholder, en.type, en.value});
          }
          FL_RETURN_IF_ERROR(db_->RecordPseudonyms(work.ticket_id, own));
        }
        if (w.to_review) FL_RETURN_IF_ERROR(db_->OpenReview(work.ticket_id, d.field, d.prediction_set_json, w.reason));
        FL_RETURN_IF_ERROR(db_->RecordDecision(d));
      }
      return OkStatus();
    });
  }

  // Triages tickets (their decisions go to the store unless dry run) and returns one JSON
  // object per ticket, in order.
  Result<std::vector<json>> Process(const std::vector<TicketInput>& tickets) {
    std::vector<int64_t> ticket_ids(tickets.size(), 0);
    std::vector<std::vector<store::Decision>> dry_decisions(options_.dry_run ? tickets.size() : 0);
    std::unordered_set<std::string> seen;
    const size_t batch = llm_ != nullptr ? std::max<size_t>(64, 8 * options_.config.llm.concurrency) : 256;
    // Progress for files, not for the service's small batches.
    std::optional<ProgressBar> progress;
    if (tickets.size() >= 1000) progress.emplace("triage", tickets.size(), "tickets");
    for (size_t start = 0; start < tickets.size(); start += batch) {
      const size_t end = std::min(tickets.size(), start + batch);
      std::vector<TicketWork> works;
      std::vector<LlmJob> jobs;
      for (size_t r = start; r < end; ++r) {
        ++stats_.tickets;
        TicketWork work;
        work.row = r;
        work.text = tickets[r].text;
        std::vector<store::Decision> existing;
        if (!options_.dry_run) {
          FL_ASSIGN_OR_RETURN(work.ticket_id, db_->UpsertTicket(tickets[r].id, work.text));
          ticket_ids[r] = work.ticket_id;
          FL_ASSIGN_OR_RETURN(existing, db_->DecisionsFor(work.ticket_id));
        }
        // A repeated id is decided once, at its first occurrence.
        if (!seen.insert(tickets[r].id).second || existing.size() >= fields_.size()) {
          ++stats_.already_decided;
          continue;
        }
        FL_RETURN_IF_ERROR(Plan(&work, existing, &jobs));
        works.push_back(std::move(work));
      }
      if (llm_ != nullptr && !jobs.empty()) {
        if (options_.dry_run) {
          for (LlmJob& job : jobs) llm_->Estimate(&job);
        } else {
          RunJobs(llm_.get(), &jobs, options_.config.llm.concurrency);
        }
      }
      for (TicketWork& work : works) {
        Resolve(&work, &jobs);
        if (options_.dry_run) {
          for (const FieldWork& w : work.fields) {
            dry_decisions[work.row].push_back(w.decision);
            if (w.to_review) dry_decisions[work.row].back().tier = "human";
          }
        } else {
          FL_RETURN_IF_ERROR(Commit(work, jobs));
        }
      }
      if (progress) progress->Add(end - start);
    }
    if (progress) progress->Finish();

    std::vector<json> out;
    for (size_t r = 0; r < tickets.size(); ++r) {
      std::vector<store::Decision> decisions;
      if (options_.dry_run) {
        decisions = dry_decisions[r];
      } else {
        FL_ASSIGN_OR_RETURN(decisions, db_->DecisionsFor(ticket_ids[r]));
      }
      json line = {{"id", tickets[r].id}, {"decisions", json::object()}};
      for (const store::Decision& d : decisions) line["decisions"][d.field] = DecisionJson(d);
      if (options_.dry_run) line["dry_run"] = true;
      AttachKnowledge(tickets[r], &line);
      out.push_back(std::move(line));
    }
    return out;
  }

  // Knowledge: searched with the ticket text (it never leaves the machine).
  void AttachKnowledge(const TicketInput& ticket, json* line) const {
    const std::string query = ticket.text.substr(0, 2000);
    for (const auto& [key, index] : {std::pair{"kb", kb_.get()}, {"similar", tickets_.get()}}) {
      if (index == nullptr) continue;
      json hits = json::array();
      for (const knowledge::Hit& h : index->Search(query, options_.config.knowledge_k)) {
        const knowledge::Document d = index->document(h.doc);
        if (d.id == ticket.id) continue;  // a ticket is not similar to itself
        json hit = {{"doc", d.id}, {"title", d.title}, {"score", h.score}, {"snippet", h.snippet}};
        // A resolved ticket's body ends with its resolution (knowledge::LoadDocuments).
        if (index == tickets_.get()) {
          if (std::string r = knowledge::Resolution(d); !r.empty()) hit["resolution"] = std::move(r);
        }
        hits.push_back(std::move(hit));
      }
      (*line)[key] = hits;
    }
    if (answer_gate_) {
      const knowledge::Answer a = knowledge::SuggestAnswer(*kb_, query, *answer_gate_);
      if (a.offered) {
        (*line)["answer"] = {{"text", a.text}, {"citation", a.citation}, {"confidence", a.confidence}};
      }
    }
  }

  const TriageStats& stats() const { return stats_; }

 private:
  const classify::Model& model_;
  const RoutingConfig& routing_;
  const TriageOptions& options_;
  store::Store* db_;
  std::vector<std::string> fields_;
  std::vector<route::CompiledRule> rules_;
  std::unique_ptr<LlmTier> llm_;
  std::unique_ptr<knowledge::Index> kb_, tickets_;
  std::optional<double> answer_gate_;  // set when the KB index has a calibrated gate
  TriageStats stats_;
};

}  // namespace

json DecisionJson(const store::Decision& d) {
  return {{"value", d.value},
          {"confidence", d.confidence},
          {"tier", d.tier},
          {"threshold", d.threshold},
          {"set", json::parse(d.prediction_set_json.empty() ? "[]" : d.prediction_set_json, nullptr, false)},
          {"cost", d.cost},
          {"tokens", d.tokens},
          {"latency_ms", d.latency_ms},
          {"decided_at", d.decided_at}};
}

struct Triager::Impl {
  TriageOptions options;
  Triage triage;
  Impl(const classify::Model& model, const RoutingConfig& routing, TriageOptions o, store::Store* db)
      : options(std::move(o)), triage(model, routing, options, db) {}
};

Result<std::unique_ptr<Triager>> Triager::Create(const classify::Model& model, const RoutingConfig& routing,
                                                 const TriageOptions& options, store::Store* db) {
  if (db == nullptr && !options.dry_run) return InvalidArgumentError("triage needs a store (or a dry run)");
  std::unique_ptr<Triager> t(new Triager());
  t->impl_ = std::make_unique<Impl>(model, routing, options, db);
  FL_RETURN_IF_ERROR(t->impl_->triage.Init());
  return t;
}

Triager::~Triager() = default;

Result<std::vector<nlohmann::json>> Triager::Run(const std::vector<TicketInput>& tickets) {
  return impl_->triage.Process(tickets);
}

const TriageStats& Triager::stats() const { return impl_->triage.stats(); }

Result<TriageStats> TriageFile(const classify::Model& model, const RoutingConfig& routing,
                               const std::string& in_path, const std::string& out_path,
                               const TriageOptions& options, store::Store* db) {
  FL_ASSIGN_OR_RETURN(auto triager, Triager::Create(model, routing, options, db));
  FL_ASSIGN_OR_RETURN(text::Table table, text::ReadTable(in_path, options.read));
  const std::vector<int> text_cols = FindColumns(table, options.text_columns);
  if (text_cols.empty()) return InvalidArgumentError(in_path + ": none of the text columns exists");
  const std::vector<int> id_cols = FindColumns(table, {options.id_column});
  std::vector<TicketInput> tickets(table.rows.size());
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    tickets[r].id = !id_cols.empty() && !row[id_cols[0]].empty() ? row[id_cols[0]]
                                                                   : in_path + ":" + std::to_string(table.row_lines[r]);
    tickets[r].text = JoinText(row, text_cols);
  }
  FL_ASSIGN_OR_RETURN(std::vector<nlohmann::json> lines, triager->Run(tickets));
  std::string out;
  for (const nlohmann::json& line : lines) out += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  FL_RETURN_IF_ERROR(WriteFileAtomic(out_path, out));
  return triager->stats();
}

}  // namespace fl::pipeline
