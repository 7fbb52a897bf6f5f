// The route table and its handlers (docs/api.md documents each).
#include <algorithm>

#include "classify/classify.h"
#include "server/server_impl.h"

namespace fl::server {
namespace {

constexpr size_t kMaxBatch = 1000;

// A query parameter as an integer in [lo, hi], or def when absent.
Result<int> IntParam(const Request& r, const std::string& name, int def, int lo, int hi) {
  const auto it = r.query.find(name);
  if (it == r.query.end()) return def;
  try {
    size_t used = 0;
    const int v = std::stoi(it->second, &used);
    if (used == it->second.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  return InvalidArgumentError("query parameter '" + name + "' must be an integer in [" + std::to_string(lo) + ", " +
                              std::to_string(hi) + "]");
}

std::string Param(const Request& r, const std::string& name) {
  const auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

#define FL_REPLY_IF_ERROR(expr)                        \
  do {                                                 \
    const ::fl::Status fl_status_ = (expr);            \
    if (!fl_status_.ok()) return ErrorFrom(fl_status_); \
  } while (0)

#define FL_REPLY_ASSIGN(lhs, expr)                              \
  auto FL_CONCAT_(fl_r_, __LINE__) = (expr);                     \
  if (!FL_CONCAT_(fl_r_, __LINE__).ok()) return ErrorFrom(FL_CONCAT_(fl_r_, __LINE__).status()); \
  lhs = std::move(FL_CONCAT_(fl_r_, __LINE__)).value()


// text with the guard's findings replaced by placeholders; the types and placeholders
// found go to *entities when given.
Result<std::string> RedactText(Context& ctx, const std::string& text, json* entities = nullptr) {
  std::vector<guard::Span> spans;
  FL_RETURN_IF_ERROR(ctx.guard->Find(text, &spans));
  guard::Pseudonymizer p;
  std::string out = p.Redact(text, spans);
  if (entities != nullptr) {
    *entities = json::array();
    for (const auto& e : p.entries()) entities->push_back({{"placeholder", e.placeholder}, {"type", e.type}});
  }
  return out;
}

// RedactText for display: if the guard fails, nothing of the text (fail closed).
std::string Redacted(Context& ctx, const std::string& text, json* entities = nullptr) {
  auto out = RedactText(ctx, text, entities);
  return out.ok() ? *out : "(withheld: the privacy guard could not scan this text)";
}

// The best k hits of index for text, as review evidence; redacted unless reveal.
json Evidence(Context& ctx, const knowledge::Index& index, const std::string& text, const std::string& self,
              bool reveal, int k) {
  json hits = json::array();
  for (const knowledge::Hit& h : index.Search(text.substr(0, 2000), k + 1)) {
    const knowledge::Document d = index.document(h.doc);
    if (d.id == self || static_cast<int>(hits.size()) == k) continue;
    json hit = {{"doc", d.id}, {"title", reveal ? d.title : Redacted(ctx, d.title)}, {"score", h.score},
                {"snippet", reveal ? h.snippet : Redacted(ctx, h.snippet)}};
    if (const std::string resolution = knowledge::Resolution(d); !resolution.empty()) {
      hit["resolution"] = reveal ? resolution : Redacted(ctx, resolution);
    }
    hits.push_back(std::move(hit));
  }
  return hits;
}

// --- health and metrics ------------------------------------------------------------------

Reply Healthz(Context&, const Request&, const Caller&) { return {200, {{"status", "ok"}}, {}}; }

Reply Readyz(Context& ctx, const Request&, const Caller&) {
  return {200, {{"status", "ready"}, {"fields", ctx.model.num_fields()}, {"kb", ctx.kb != nullptr}}, {}};
}

Reply MetricsRoute(Context& ctx, const Request&, const Caller&) {
  if (auto db = ctx.stores->Borrow(); db.ok()) {
    if (auto open = (*db)->CountReview("open"); open.ok()) {
      ctx.metrics.Set("frontline_review_queue_depth", {}, static_cast<double>(*open));
    }
  }
  {
    std::lock_guard<std::mutex> lock(ctx.triage_mu);
    const pipeline::TriageStats& s = ctx.triager->stats();
    ctx.metrics.Set("frontline_llm_calls", {}, static_cast<double>(s.llm_calls));
    ctx.metrics.Set("frontline_llm_failed", {}, static_cast<double>(s.llm_failed));
    ctx.metrics.Set("frontline_llm_tokens", {}, static_cast<double>(s.llm_tokens));
    ctx.metrics.Set("frontline_llm_cost", {}, s.llm_cost);
  }
  return {200, json(ctx.metrics.Render()), {}};
}

// --- the single capabilities ---------------------------------------------------------------

json TopJson(const classify::Model& model, int field, const std::vector<float>& p, int k) {
  json top = json::array();
  for (const auto& [c, q] : classify::TopK(p, k)) top.push_back({model.labels(field)[c], q});
  return top;
}

Reply Classify(Context& ctx, const Request& r, const Caller&) {
  FL_REPLY_ASSIGN(const std::string text, StringField(r.body, "text"));
  const std::vector<std::vector<float>> probs = ctx.model.PredictAllFields(text);
  json fields = json::object();
  for (int f = 0; f < ctx.model.num_fields(); ++f) {
    const auto best = classify::TopK(probs[f], 1)[0];
    fields[ctx.model.field_name(f)] = {{"label", ctx.model.labels(f)[best.first]},
                                       {"confidence", best.second},
                                       {"top", TopJson(ctx.model, f, probs[f], 5)}};
  }
  json out = fields[ctx.model.field_name(0)];
  out["field"] = ctx.model.field_name(0);
  out["fields"] = std::move(fields);
  return {200, out, {}};
}

Reply Redact(Context& ctx, const Request& r, const Caller&) {
  FL_REPLY_ASSIGN(const std::string text, StringField(r.body, "text"));
  json entities;
  FL_REPLY_ASSIGN(const std::string redacted, RedactText(ctx, text, &entities));
  return {200, {{"text", redacted}, {"entities", entities}}, {}};
}

Reply Search(Context& ctx, const Request& r, const Caller&) {
  if (ctx.kb == nullptr) return Error(404, "not_found", "no knowledge index configured (knowledge.kb_index)");
  const std::string q = Param(r, "q");
  if (q.empty()) return Error(400, "invalid_argument", "missing query parameter 'q'");
  FL_REPLY_ASSIGN(const int k, IntParam(r, "k", 5, 1, 100));
  json hits = json::array();
  for (const knowledge::Hit& h : ctx.kb->Search(q, k)) {
    const knowledge::Document d = ctx.kb->document(h.doc);
    hits.push_back({{"doc", d.id}, {"score", h.score}, {"title", d.title}, {"headings", d.headings},
                    {"snippet", h.snippet}});
  }
  return {200, {{"hits", hits}}, {}};
}

// --- tickets and decisions -------------------------------------------------------------------

Reply PostTickets(Context& ctx, const Request& r, const Caller&) {
  const bool batch = r.body.is_object() && r.body.contains("tickets");
  if (batch && r.body["tickets"].is_array() && r.body["tickets"].size() > kMaxBatch) {
    return Error(413, "too_large", "at most " + std::to_string(kMaxBatch) + " tickets per batch");
  }
  FL_REPLY_ASSIGN(const std::vector<pipeline::TicketInput> tickets, TicketsFrom(r.body));
  const double t0 = NowSeconds();
  std::vector<json> lines;
  {
    std::lock_guard<std::mutex> lock(ctx.triage_mu);
    FL_REPLY_ASSIGN(lines, ctx.triager->Run(tickets));
  }
  const double ms = (NowSeconds() - t0) * 1000;
  for (const json& line : lines) {
    for (const auto& [field, d] : line["decisions"].items()) {
      ctx.metrics.Count("frontline_decisions_total", {{"field", field}, {"tier", d.value("tier", "")}});
    }
  }
  if (!batch) {
    json out = lines[0];
    out["latency_ms"] = ms;
    return {200, out, {}};
  }
  return {200, {{"results", lines}, {"latency_ms", ms}}, {}};
}

// A ticketing system's outbound webhook: the config maps its payload to a ticket.
Reply Webhook(Context& ctx, const Request& r, const Caller& who) {
  const auto hook = ctx.config.webhooks.find(r.captures.at(0));
  if (hook == ctx.config.webhooks.end()) return Error(404, "not_found", "no webhook '" + r.captures[0] + "' in the config");
  if (!r.body.is_object()) return Error(400, "invalid_argument", "the body must be a JSON object");
  auto at = [&](const std::string& pointer) -> const json* {
    if (pointer.empty()) return nullptr;
    try {
      const json& v = r.body.at(json::json_pointer(pointer));
      return &v;
    } catch (const json::exception&) {
      return nullptr;
    }
  };
  json ticket = json::object();
  const json* id = at(hook->second.id);
  if (id == nullptr || !(id->is_string() || id->is_number_integer())) {
    return Error(400, "invalid_argument", "the payload has no ticket id at " + hook->second.id);
  }
  ticket["id"] = id->is_string() ? id->get<std::string>() : std::to_string(id->get<int64_t>());
  for (const auto& [key, pointer] : {std::pair{"subject", hook->second.subject}, {"body", hook->second.body}}) {
    const json* v = at(pointer);
    if (v != nullptr && v->is_string()) ticket[key] = *v;
  }
  const Request inner{r.method, r.path, ticket, r.query, r.captures};
  return PostTickets(ctx, inner, who);
}

Reply GetTicket(Context& ctx, const Request& r, const Caller&) {
  FL_REPLY_ASSIGN(auto db, ctx.stores->Borrow());
  FL_REPLY_ASSIGN(const int64_t id, db->FindTicket(r.captures.at(0)));
  FL_REPLY_ASSIGN(const std::vector<store::Decision> decisions, db->DecisionsFor(id));
  json out = {{"id", r.captures[0]}, {"decisions", json::object()}};
  for (const store::Decision& d : decisions) out["decisions"][d.field] = pipeline::DecisionJson(d);
  // The text as the guard redacts it, and what it found (types and placeholders only).
  FL_REPLY_ASSIGN(const store::Store::Ticket t, db->GetTicket(id));
  json redactions;
  out["text"] = Redacted(ctx, t.text, &redactions);
  out["redactions"] = redactions.is_null() ? json::array() : redactions;
  FL_REPLY_ASSIGN(const std::vector<store::Escalation> esc, db->EscalationsFor(id));
  out["escalations"] = json::array();
  for (const store::Escalation& e : esc) {
    out["escalations"].push_back({{"field", e.field}, {"backend", e.backend}, {"status", e.status}, {"attempts", e.attempts}});
  }
  return {200, out, {}};
}

Reply ListDecisions(Context& ctx, const Request& r, const Caller&) {
  const std::string tier = Param(r, "tier");
  if (!tier.empty() && tier != "slm" && tier != "llm" && tier != "human" && tier != "rule") {
    return Error(400, "invalid_argument", "query parameter 'tier' must be slm, llm, human or rule");
  }
  FL_REPLY_ASSIGN(const int limit, IntParam(r, "limit", 100, 1, 1000));
  FL_REPLY_ASSIGN(auto db, ctx.stores->Borrow());
  FL_REPLY_ASSIGN(const auto rows, db->RecentDecisions(Param(r, "since"), tier, limit));
  json list = json::array();
  for (const auto& row : rows) {
    json d = pipeline::DecisionJson(row.decision);
    d["id"] = row.external_id;
    d["field"] = row.decision.field;
    list.push_back(std::move(d));
  }
  return {200, {{"decisions", list}}, {}};
}

// --- review ----------------------------------------------------------------------------------

Reply ListReviewRoute(Context& ctx, const Request& r, const Caller& who) {
  const std::string state = Param(r, "state").empty() ? "open" : Param(r, "state");
  FL_REPLY_ASSIGN(const int limit, IntParam(r, "limit", 50, 1, 1000));
  const bool reveal = Param(r, "reveal") == "1";
  FL_REPLY_ASSIGN(auto db, ctx.stores->Borrow());
  FL_REPLY_ASSIGN(const std::vector<store::ReviewItem> items, db->ListReview(state, limit));
  json list = json::array();
  for (const store::ReviewItem& it : items) {
    FL_REPLY_ASSIGN(const store::Store::Ticket t, db->GetTicket(it.ticket_id));
    const std::string text = reveal ? t.text : Redacted(ctx, t.text);  // redacted unless revealed (audited)
    json item = {{"id", it.id},         {"ticket", t.external_id}, {"field", it.field},
                 {"state", it.state},   {"reason", it.reason},     {"created_at", it.created_at},
                 {"text", text},        {"redacted", !reveal}};
    item["candidates"] = json::parse(it.candidates_json.empty() ? "[]" : it.candidates_json, nullptr, false);
    for (int f = 0; f < ctx.model.num_fields(); ++f) {
      if (ctx.model.field_name(f) != it.field) continue;
      item["labels"] = ctx.model.labels(f);  // every choice, with the specialist's probability
      const std::vector<float> p = ctx.model.PredictAllFields(t.text)[f];
      json probs = json::object();
      for (size_t c = 0; c < p.size(); ++c) probs[ctx.model.labels(f)[c]] = p[c];
      item["probs"] = std::move(probs);
    }
    if (ctx.kb != nullptr) item["kb"] = Evidence(ctx, *ctx.kb, t.text, "", reveal, 2);
    if (ctx.similar != nullptr) item["similar"] = Evidence(ctx, *ctx.similar, t.text, t.external_id, reveal, 2);
    FL_REPLY_ASSIGN(const std::vector<store::Decision> ds, db->DecisionsFor(it.ticket_id));
    for (const store::Decision& d : ds) {
      if (d.field == it.field) item["provisional"] = d.value;
    }
    list.push_back(std::move(item));
  }
  if (reveal) FL_REPLY_IF_ERROR(db->Audit("key:" + who.name, "review.reveal", json{{"state", state}, {"items", list.size()}}.dump()));
  return {200, {{"items", list}}, {}};
}

// Resolves review item captures[0] with label (accept: the provisional decision's value).
Reply Resolve(Context& ctx, const Request& r, const Caller& who, bool accept) {
  int64_t id = 0;
  try {
    id = std::stoll(r.captures.at(0));
  } catch (const std::exception&) {
    return Error(400, "invalid_argument", "bad review id");
  }
  FL_REPLY_ASSIGN(auto db, ctx.stores->Borrow());
  FL_REPLY_ASSIGN(const store::ReviewItem item, db->GetReview(id));
  std::string label;
  if (accept) {
    FL_REPLY_ASSIGN(const std::vector<store::Decision> ds, db->DecisionsFor(item.ticket_id));
    for (const store::Decision& d : ds) {
      if (d.field == item.field) label = d.value;
    }
    if (label.empty()) return Error(409, "failed_precondition", "no provisional decision to accept; use correct");
  } else {
    FL_REPLY_ASSIGN(label, StringField(r.body, "label"));
    int f = -1;
    for (int i = 0; i < ctx.model.num_fields(); ++i) {
      if (ctx.model.field_name(i) == item.field) f = i;
    }
    if (f >= 0) {
      const auto& labels = ctx.model.labels(f);
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
        return Error(400, "invalid_argument", "'" + label + "' is not a label of field '" + item.field + "'");
      }
    }
  }
  FL_REPLY_IF_ERROR(db->ResolveReview(id, label, "key:" + who.name));
  FL_REPLY_IF_ERROR(db->Audit("key:" + who.name, accept ? "review.accept" : "review.correct",
                              json{{"review", id}, {"label", label}}.dump()));
  FL_REPLY_ASSIGN(const store::ReviewItem done, db->GetReview(id));
  return {200, {{"id", id}, {"state", done.state}, {"label", label}, {"resolved_by", done.resolved_by}}, {}};
}

Reply Accept(Context& ctx, const Request& r, const Caller& who) { return Resolve(ctx, r, who, true); }
Reply Correct(Context& ctx, const Request& r, const Caller& who) { return Resolve(ctx, r, who, false); }

// --- keys ------------------------------------------------------------------------------------

Reply CreateKeyRoute(Context& ctx, const Request& r, const Caller& who) {
  FL_REPLY_ASSIGN(const std::string name, StringField(r.body, "name"));
  FL_REPLY_ASSIGN(const std::string scope, StringField(r.body, "scope"));
  if (!IsScope(scope)) return Error(400, "invalid_argument", "field 'scope' must be triage, review or admin");
  const std::string key = GenerateKey();
  FL_REPLY_ASSIGN(auto db, ctx.stores->Borrow());
  FL_REPLY_ASSIGN(const int64_t id, db->CreateApiKey(name, scope, HashKey(key), key.substr(0, 10)));
  FL_REPLY_IF_ERROR(db->Audit("key:" + who.name, "keys.create", json{{"id", id}, {"name", name}, {"scope", scope}}.dump()));
  return {201, {{"id", id}, {"name", name}, {"scope", scope}, {"key", key}}, {}};
}

Reply ListKeysRoute(Context& ctx, const Request&, const Caller&) {
  FL_REPLY_ASSIGN(auto db, ctx.stores->Borrow());
  FL_REPLY_ASSIGN(const auto keys, db->ListApiKeys());
  json list = json::array();
  for (const auto& k : keys) {
    list.push_back({{"id", k.id}, {"name", k.name}, {"scope", k.scope}, {"prefix", k.prefix},
                    {"created_at", k.created_at}, {"revoked_at", k.revoked_at}});
  }
  return {200, {{"keys", list}}, {}};
}

Reply RevokeKeyRoute(Context& ctx, const Request& r, const Caller& who) {
  const int64_t id = std::stoll(r.captures.at(0));  // the route's pattern is digits only
  FL_REPLY_ASSIGN(auto db, ctx.stores->Borrow());
  FL_REPLY_IF_ERROR(db->RevokeApiKey(id));
  FL_REPLY_IF_ERROR(db->Audit("key:" + who.name, "keys.revoke", json{{"id", id}}.dump()));
  {
    std::lock_guard<std::mutex> lock(ctx.keys_mu);
    ctx.key_cache.clear();  // the revocation holds from the next request on
  }
  return {200, {{"id", id}, {"revoked", true}}, {}};
}

}  // namespace

const std::vector<RouteSpec>& Routes() {
  static const std::vector<RouteSpec> routes = {
      {"GET", "/healthz", "healthz", "", Healthz},
      {"GET", "/readyz", "readyz", "", Readyz},
      {"GET", "/metrics", "metrics", "admin", MetricsRoute},
      {"POST", "/v1/classify", "classify", "triage", Classify},
      {"POST", "/v1/redact", "redact", "triage", Redact},
      {"GET", "/v1/search", "search", "read", Search},
      {"POST", "/v1/tickets", "tickets", "triage", PostTickets},
      {"POST", R"(/v1/webhook/([a-z0-9_-]+))", "webhook", "triage", Webhook},
      {"GET", R"(/v1/tickets/([^/]+))", "ticket", "read", GetTicket},
      {"GET", "/v1/decisions", "decisions", "read", ListDecisions},
      {"GET", "/v1/review", "review", "review", ListReviewRoute},
      {"POST", R"(/v1/review/(\d+)/accept)", "review_accept", "review", Accept},
      {"POST", R"(/v1/review/(\d+)/correct)", "review_correct", "review", Correct},
      {"GET", "/v1/keys", "keys", "admin", ListKeysRoute},
      {"POST", "/v1/keys", "keys_create", "admin", CreateKeyRoute},
      {"POST", R"(/v1/keys/(\d+)/revoke)", "keys_revoke", "admin", RevokeKeyRoute},
  };
  return routes;
}

}  // namespace fl::server
