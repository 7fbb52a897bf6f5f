// The triage config file: parsed strictly (unknown keys and wrong types are errors).
#include <set>

#include <nlohmann/json.hpp>

#include "pipeline/pipeline.h"

namespace fl::pipeline {
namespace {

using nlohmann::json;

// Reads typed members of one JSON object, remembering the first error; every message
// names the file and the key path.
class Reader {
 public:
  Reader(const json& j, std::string where, Status* error) : j_(j), where_(std::move(where)), error_(error) {
    if (!j.is_object()) Fail(where_ + ": expected an object");
  }

  void Keys(std::initializer_list<const char*> known) {
    if (!j_.is_object()) return;
    std::set<std::string> k(known.begin(), known.end());
    for (const auto& [key, value] : j_.items()) {
      if (!k.count(key)) {
        std::string list;
        for (const char* s : known) list += (list.empty() ? "" : ", ") + std::string(s);
        Fail(where_ + ": unknown key '" + key + "' (known: " + list + ")");
      }
    }
  }
  void Number(const char* key, double* out, double min, double max) {
    if (!Has(key)) return;
    if (!j_[key].is_number()) return Fail(Where(key) + ": expected a number");
    const double v = j_[key].get<double>();
    if (!(v >= min && v <= max)) {
      return Fail(Where(key) + ": " + std::to_string(v) + " is outside [" + std::to_string(min) + ", " +
                  std::to_string(max) + "]");
    }
    *out = v;
  }
  void Int(const char* key, int* out, int min, int max) {
    if (Has(key) && !j_[key].is_number_integer()) return Fail(Where(key) + ": expected an integer");
    double v = *out;
    Number(key, &v, min, max);
    *out = static_cast<int>(v);
  }
  void Bool(const char* key, bool* out) {
    if (!Has(key)) return;
    if (!j_[key].is_boolean()) return Fail(Where(key) + ": expected true or false");
    *out = j_[key].get<bool>();
  }
  void String(const char* key, std::string* out) {
    if (!Has(key)) return;
    if (!j_[key].is_string()) return Fail(Where(key) + ": expected a string");
    *out = j_[key].get<std::string>();
  }
  // A list of strings; a single string is taken as a comma-separated list.
  void Strings(const char* key, std::vector<std::string>* out) {
    if (!Has(key)) return;
    const json& v = j_[key];
    if (v.is_string()) {
      *out = text::SplitList(v.get<std::string>());
      return;
    }
    if (!v.is_array()) return Fail(Where(key) + ": expected a list of strings");
    out->clear();
    for (const json& item : v) {
      if (!item.is_string()) return Fail(Where(key) + ": expected a list of strings");
      out->push_back(item.get<std::string>());
    }
  }
  bool Has(const char* key) const { return j_.is_object() && j_.contains(key); }
  const json& operator[](const char* key) const { return j_[key]; }
  std::string Where(const std::string& key) const { return where_ + "." + key; }
  bool ok() const { return error_->ok(); }

 private:
  void Fail(const std::string& m) {
    if (error_->ok()) *error_ = InvalidArgumentError(m);
  }
  const json& j_;
  std::string where_;
  Status* error_;
};

void ParseLlm(const json& j, const std::string& where, LlmTierConfig* llm, Status* error) {
  Reader r(j, where, error);
  r.Keys({"endpoint", "model", "api_key_env", "price_input_per_mtok", "price_output_per_mtok", "timeout_s",
          "max_retries", "backoff_base_s", "backoff_max_s", "concurrency", "budget_per_day",
          "budget_per_month", "breaker_failures", "breaker_cooldown_s", "max_candidates", "few_shot",
          "examples", "examples_text", "json_schema", "max_tokens"});
  llm->enabled = true;
  route::LlmOptions& c = llm->client;
  r.String("endpoint", &c.endpoint);
  r.String("model", &c.model);
  r.String("api_key_env", &c.api_key_env);
  r.Number("price_input_per_mtok", &c.price_input_per_mtok, 0, 1e6);
  r.Number("price_output_per_mtok", &c.price_output_per_mtok, 0, 1e6);
  r.Number("timeout_s", &c.timeout_s, 0.001, 3600);
  r.Int("max_retries", &c.retry.max_retries, 0, 20);
  r.Number("backoff_base_s", &c.retry.base_s, 0, 600);
  r.Number("backoff_max_s", &c.retry.max_s, 0, 3600);
  r.Bool("json_schema", &c.json_schema);
  r.Int("max_tokens", &c.max_tokens, 1, 100000);
  r.Int("concurrency", &llm->concurrency, 1, 256);
  r.Number("budget_per_day", &llm->budget.per_day, 0, 1e12);
  r.Number("budget_per_month", &llm->budget.per_month, 0, 1e12);
  r.Int("breaker_failures", &llm->breaker.failure_threshold, 1, 1000000);
  r.Number("breaker_cooldown_s", &llm->breaker.cooldown_s, 0, 86400);
  r.Int("max_candidates", &llm->max_candidates, 2, 1000);
  r.Int("few_shot", &llm->few_shot, 0, 50);
  r.String("examples", &llm->examples_path);
  r.Strings("examples_text", &llm->examples_text);
}

}  // namespace

FieldPolicy TriageConfig::Policy(const std::string& field) const {
  auto it = fields.find(field);
  if (it != fields.end()) return it->second;
  FieldPolicy p;
  p.escalate = llm.enabled ? Escalation::kLlmThenHuman : Escalation::kHuman;
  return p;
}

Result<TriageConfig> ParseTriageConfig(const std::string& json_text, const std::string& origin) {
  const json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgumentError(origin + ": not valid JSON");
  Status error;
  TriageConfig config;
  Reader top(j, origin, &error);
  top.Keys({"fields", "rules", "llm", "human", "guard", "knowledge", "webhooks"});
  if (top.Has("webhooks")) {
    const json& hooks = top["webhooks"];
    if (!hooks.is_object()) return InvalidArgumentError(top.Where("webhooks") + ": expected an object of named webhooks");
    for (const auto& [name, spec] : hooks.items()) {
      const std::string where = top.Where("webhooks") + "." + name;
      Reader w(spec, where, &error);
      w.Keys({"id", "subject", "body"});
      TriageConfig::Webhook hook;
      w.String("id", &hook.id);
      w.String("subject", &hook.subject);
      w.String("body", &hook.body);
      for (const std::string* ptr : {&hook.id, &hook.subject, &hook.body}) {
        if (!ptr->empty() && (*ptr)[0] != '/') {
          return InvalidArgumentError(where + ": '" + *ptr + "' is not a JSON pointer (it starts with /)");
        }
      }
      if (hook.id.empty() || (hook.subject.empty() && hook.body.empty())) {
        return InvalidArgumentError(where + ": needs \"id\" and at least one of \"subject\", \"body\"");
      }
      if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
        return InvalidArgumentError(where + ": webhook names use a-z, 0-9, _ and -");
      }
      config.webhooks[name] = hook;
    }
  }
  if (top.Has("knowledge")) {
    Reader k(top["knowledge"], top.Where("knowledge"), &error);
    k.Keys({"kb_index", "tickets_index", "k"});
    k.String("kb_index", &config.kb_index);
    k.String("tickets_index", &config.tickets_index);
    k.Int("k", &config.knowledge_k, 1, 50);
  }
  if (top.Has("guard")) {
    Reader g(top["guard"], top.Where("guard"), &error);
    g.Keys({"enabled", "internal_domains", "deny", "custom", "min_score", "names", "max_bytes", "ner_model"});
    g.String("ner_model", &config.guard.ner_model);
    double max_bytes = static_cast<double>(config.guard.max_bytes);
    g.Number("max_bytes", &max_bytes, 1, 1 << 30);
    config.guard.max_bytes = static_cast<size_t>(max_bytes);
    g.Bool("enabled", &config.guard_enabled);
    g.Strings("internal_domains", &config.guard.internal_domains);
    g.Strings("deny", &config.guard.deny);
    g.Number("min_score", &config.guard.min_score, 0, 1);
    g.Bool("names", &config.guard.names);
    if (g.Has("custom") && error.ok()) {
      const json& custom = top["guard"]["custom"];
      if (!custom.is_array()) return InvalidArgumentError(g.Where("custom") + ": expected a list");
      for (size_t i = 0; i < custom.size(); ++i) {
        Reader c(custom[i], g.Where("custom") + "[" + std::to_string(i) + "]", &error);
        c.Keys({"type", "pattern", "score"});
        guard::CustomPattern p;
        c.String("type", &p.type);
        c.String("pattern", &p.pattern);
        c.Number("score", &p.score, 0.01, 1);
        config.guard.custom.push_back(std::move(p));
      }
    }
  }
  if (top.Has("llm")) ParseLlm(top["llm"], top.Where("llm"), &config.llm, &error);
  if (top.Has("human")) {
    Reader h(top["human"], top.Where("human"), &error);
    h.Keys({"cost_per_item"});
    h.Number("cost_per_item", &config.human_cost_per_item, 0, 1e9);
  }
  if (top.Has("fields") && error.ok()) {
    const json& fields = top["fields"];
    if (!fields.is_object()) return InvalidArgumentError(top.Where("fields") + ": expected an object");
    for (const auto& [name, value] : fields.items()) {
      Reader f(value, top.Where("fields") + "." + name, &error);
      f.Keys({"escalate", "descriptions"});
      FieldPolicy p;
      p.escalate = config.llm.enabled ? Escalation::kLlmThenHuman : Escalation::kHuman;
      std::string escalate;
      f.String("escalate", &escalate);
      if (escalate == "llm") {
        if (!config.llm.enabled && error.ok()) {
          error = InvalidArgumentError(f.Where("escalate") + ": 'llm' needs an \"llm\" section");
        }
        p.escalate = Escalation::kLlmThenHuman;
      } else if (escalate == "human") {
        p.escalate = Escalation::kHuman;
      } else if (!escalate.empty() && error.ok()) {
        error = InvalidArgumentError(f.Where("escalate") + ": expected \"llm\" or \"human\", got \"" + escalate + "\"");
      }
      if (f.Has("descriptions")) {
        const json& d = value["descriptions"];
        if (!d.is_object() && error.ok()) error = InvalidArgumentError(f.Where("descriptions") + ": expected an object");
        for (const auto& [label, desc] : d.items()) {
          if (!desc.is_string()) {
            if (error.ok()) error = InvalidArgumentError(f.Where("descriptions") + "." + label + ": expected a string");
            continue;
          }
          p.descriptions[label] = desc.get<std::string>();
        }
      }
      config.fields[name] = std::move(p);
    }
  }
  if (top.Has("rules") && error.ok()) {
    const json& rules = top["rules"];
    if (!rules.is_array()) return InvalidArgumentError(top.Where("rules") + ": expected a list");
    for (size_t i = 0; i < rules.size(); ++i) {
      Reader r(rules[i], top.Where("rules") + "[" + std::to_string(i) + "]", &error);
      r.Keys({"name", "field", "label", "all", "any", "none", "regex"});
      route::Rule rule;
      rule.name = "rule " + std::to_string(i);
      r.String("name", &rule.name);
      r.String("field", &rule.field);
      r.String("label", &rule.label);
      r.Strings("all", &rule.all);
      r.Strings("any", &rule.any);
      r.Strings("none", &rule.none);
      r.String("regex", &rule.regex);
      if (error.ok()) {
        Result<route::CompiledRule> compiled = route::CompiledRule::Create(rule);
        if (!compiled.ok()) return InvalidArgumentError(origin + ": " + compiled.status().message());
      }
      config.rules.push_back(std::move(rule));
    }
  }
  if (!error.ok()) return error;
  if (config.llm.enabled && !config.guard_enabled) {
    const std::string& e = config.llm.client.endpoint;
    const bool loopback = e.find("://127.") != std::string::npos || e.find("://localhost") != std::string::npos ||
                          e.find("://[::1]") != std::string::npos;
    if (!loopback) {
      return InvalidArgumentError(origin + ".guard.enabled: the guard can only be turned off for an LLM endpoint on "
                                  "loopback, not " + e);
    }
  }
  // Custom patterns and domains are checked now, not at the first ticket.
  Result<guard::Guard> g = guard::Guard::Create(config.guard);
  if (!g.ok()) return InvalidArgumentError(origin + ".guard: " + g.status().message());
  return config;
}

Result<TriageConfig> LoadTriageConfig(const std::string& path) {
  if (path.empty()) return TriageConfig{};
  FL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseTriageConfig(text, path);
}

}  // namespace fl::pipeline
