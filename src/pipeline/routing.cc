// Routing calibration and evaluation on labelled files: the model's probabilities for a
// field, turned into thresholds (route) and measured.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include <nlohmann/json.hpp>

#include "pipeline/cascade.h"
#include "pipeline/pipeline.h"

namespace fl::pipeline {
namespace {

using nlohmann::json;

// The model's calibrated probabilities for one field over a labelled file.
struct FieldPredictions {
  int head = 0;
  std::vector<std::string> texts;
  std::vector<int> gold;  // -1: a label the model does not know
  std::vector<std::vector<float>> probs;
  std::vector<int> pred;
  std::vector<float> conf;
};

Result<FieldPredictions> PredictField(const classify::Model& model, const classify::DataSpec& data,
                                      const std::string& field, int threads) {
  if (data.columns.label_columns.size() != 1) {
    return InvalidArgumentError("give exactly one label column (--label)");
  }
  FL_ASSIGN_OR_RETURN(text::LabeledData d,
                      text::LoadLabeledData(data.path, data.columns, data.read));
  if (d.texts.empty()) return InvalidArgumentError(data.path + ": no usable rows");
  FieldPredictions out;
  const std::string& name = field.empty() ? d.label_columns[0] : field;
  out.head = model.FindField(name);
  if (out.head < 0 && field.empty() && model.num_fields() == 1) out.head = 0;
  if (out.head < 0) return InvalidArgumentError("model has no field '" + name + "'");
  const std::vector<std::string>& labels = model.labels(out.head);
  const size_t n = d.texts.size();
  out.gold.resize(n);
  for (size_t i = 0; i < n; ++i) {
    auto it = std::find(labels.begin(), labels.end(), d.labels[0][i]);
    out.gold[i] = it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
  }
  out.texts = d.texts;
  out.probs.resize(n);
  out.pred.resize(n);
  out.conf.resize(n);
  ThreadPool pool(threads);
  pool.ParallelFor(n, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      out.probs[i] = model.PredictProba(d.texts[i], out.head);
      const auto& p = out.probs[i];
      out.pred[i] = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
      out.conf[i] = p[out.pred[i]];
    }
  });
  return out;
}


json ThresholdToJson(const route::Threshold& t) {
  return {{"tau", t.tau},           {"feasible", t.feasible}, {"n", t.n},
          {"accepted", t.accepted}, {"errors", t.errors},     {"coverage", t.coverage},
          {"precision", t.precision}, {"p_value", t.p_value}};
}

route::Threshold ThresholdFromJson(const json& j) {
  route::Threshold t;
  t.tau = j.at("tau").get<double>();
  t.feasible = j.at("feasible").get<bool>();
  t.n = j.value("n", int64_t{0});
  t.accepted = j.value("accepted", int64_t{0});
  t.errors = j.value("errors", int64_t{0});
  t.coverage = j.value("coverage", 0.0);
  t.precision = j.value("precision", 0.0);
  t.p_value = j.value("p_value", 1.0);
  return t;
}

// Fills the cost side of `ev`: per item, the estimated cost of its LLM call with its
// candidate set and with every label; escalations by first tier; the cost curve.
Status AddCosts(const classify::Model& model, const FieldRouting& fr, const FieldPredictions& fp,
                const TriageConfig* triage, const std::vector<bool>& out_of_scope, RoutingEval* ev) {
  TriageConfig config = triage != nullptr ? *triage : TriageConfig{};
  LlmTierConfig llm = config.llm;
  llm.enabled = true;
  llm.few_shot = config.llm.enabled ? llm.few_shot : 0;
  const bool to_llm = !config.llm.enabled || config.Policy(fr.field).escalate == Escalation::kLlmThenHuman;
  FL_ASSIGN_OR_RETURN(std::unique_ptr<LlmTier> tier, LlmTier::Create(llm, config, 0, 0, "1970-01-01"));
  ev->price_input_per_mtok = llm.client.price_input_per_mtok;
  ev->price_output_per_mtok = llm.client.price_output_per_mtok;
  const std::vector<std::string>& labels = model.labels(fp.head);
  std::vector<std::string> all;
  for (const std::string& l : labels) {
    if (l != fr.oos_label) all.push_back(l);
  }
  const size_t n = fp.gold.size();
  std::vector<double> hybrid(n, 0);  // cost if escalated (0 when it goes to a person)
  std::vector<float> conf(n);        // out of scope: never automated
  std::vector<bool> correct(n);
  for (size_t i = 0; i < n; ++i) {
    LlmJob every;
    every.field = fr.field;
    every.text = fp.texts[i];
    every.candidates = all;
    tier->Estimate(&every);
    ev->all_llm_cost += every.estimated_cost;
    if (to_llm && !out_of_scope[i]) {
      std::vector<std::string> set;
      for (int c : route::PredictionSet(fp.probs[i], fr.conformal)) set.push_back(labels[c]);
      LlmJob job;
      job.field = fr.field;
      job.text = fp.texts[i];
      job.candidates = LlmCandidates(fp.probs[i], labels, set, fr.oos_label, llm.max_candidates);
      tier->Estimate(&job);
      hybrid[i] = job.estimated_cost;
    }
    conf[i] = out_of_scope[i] ? -1.0f : fp.conf[i];
    correct[i] = fp.pred[i] == fp.gold[i];
    const bool accepted = !out_of_scope[i] && fp.conf[i] >= fr.guaranteed.tau;
    if (accepted) continue;
    if (to_llm && !out_of_scope[i]) {
      ++ev->to_llm;
      ev->hybrid_cost += hybrid[i];
    } else {
      ++ev->to_human;
    }
  }
  ev->human_cost = ev->to_human * config.human_cost_per_item;

  classify::RoutingReport& r = ev->report;
  r.field = fr.field;
  r.target_precision = fr.target_precision;
  r.delta = fr.delta;
  r.threshold = ev->threshold;
  r.coverage = ev->coverage;
  r.precision = ev->precision;
  r.n = ev->n;
  r.to_llm = ev->to_llm;
  r.to_human = ev->to_human;
  r.hybrid_cost = ev->hybrid_cost;
  r.all_llm_cost = ev->all_llm_cost;
  r.human_cost = ev->human_cost;
  for (int k = 80; k <= 99; ++k) {
    route::ThresholdOptions o;
    o.precision = k / 100.0;
    const route::Threshold t = route::EmpiricalThreshold(conf, correct, o);
    double cost = 0;
    int64_t accepted = 0;
    for (size_t i = 0; i < n; ++i) {
      if (conf[i] >= 0 && conf[i] >= t.tau) {
        ++accepted;
      } else {
        cost += hybrid[i];
      }
    }
    r.cost_curve.push_back({o.precision, n ? static_cast<double>(accepted) / n : 0,
                            ev->all_llm_cost > 0 ? cost / ev->all_llm_cost : 0});
  }
  return OkStatus();
}

}  // namespace

double InScopeScore(const FieldRouting& routing, const std::vector<float>& p, int oos) {
  if (routing.oos_score == FieldRouting::OosScore::kTopProbability) {
    float best = 0;
    for (size_t c = 0; c < p.size(); ++c) {
      if (static_cast<int>(c) != oos) best = std::max(best, p[c]);
    }
    return best;
  }
  // Certainty: an unfamiliar query spreads its probability over many labels (high entropy)
  // even when its top label looks confident; on CLINC150's calibration data this separates
  // out-of-scope queries better than the top probability.
  double h = 0;
  for (float v : p) {
    if (v > 0) h -= v * std::log(static_cast<double>(v));
  }
  double certainty = p.size() > 1 ? 1 - h / std::log(static_cast<double>(p.size())) : 1;
  if (oos >= 0 && oos < static_cast<int>(p.size())) certainty -= p[oos];
  return certainty;
}

bool IsOutOfScope(const FieldRouting& routing, const std::vector<std::string>& labels,
                  const std::vector<float>& probs) {
  if (routing.oos_label.empty()) return false;
  const int oos = static_cast<int>(std::find(labels.begin(), labels.end(), routing.oos_label) - labels.begin());
  if (oos >= static_cast<int>(labels.size())) return false;
  const int top = static_cast<int>(std::max_element(probs.begin(), probs.end()) - probs.begin());
  return top == oos || InScopeScore(routing, probs, oos) < routing.oos_threshold;
}

const FieldRouting* RoutingConfig::Find(const std::string& field) const {
  for (const FieldRouting& f : fields) {
    if (f.field == field) return &f;
  }
  return nullptr;
}

std::string ModelHash(const classify::Model& model) { return HexHash64(model.MetadataJson()); }

std::string RoutingPath(const std::string& model_path) { return model_path + ".routing.json"; }

Result<RoutingConfig> CalibrateRouting(const classify::Model& model, const classify::DataSpec& data,
                                       const CalibrateOptions& options, RoutingConfig config) {
  FL_ASSIGN_OR_RETURN(FieldPredictions fp, PredictField(model, data, options.field, options.threads));
  const std::vector<std::string>& labels = model.labels(fp.head);
  FieldRouting fr;
  fr.field = model.field_name(fp.head);
  fr.target_precision = options.threshold.precision;
  fr.delta = options.threshold.delta;
  int oos = -1;
  if (!options.oos_label.empty()) {
    auto it = std::find(labels.begin(), labels.end(), options.oos_label);
    if (it == labels.end()) {
      return InvalidArgumentError("field '" + fr.field + "' has no label '" + options.oos_label +
                                  "' (--oos-label must name a class the model was trained on)");
    }
    oos = static_cast<int>(it - labels.begin());
    fr.oos_label = options.oos_label;
  }
  const size_t n = fp.gold.size();
  std::vector<bool> correct(n);
  for (size_t i = 0; i < n; ++i) correct[i] = fp.pred[i] == fp.gold[i];
  fr.guaranteed = route::GuaranteedThreshold(fp.conf, correct, options.threshold);
  fr.empirical = route::EmpiricalThreshold(fp.conf, correct, options.threshold);
  const std::vector<route::Threshold> per_class = route::PerClassThresholds(
      fp.conf, correct, fp.pred, static_cast<int>(labels.size()), options.threshold);
  for (size_t c = 0; c < labels.size(); ++c) fr.per_class[labels[c]] = per_class[c];
  // Prediction sets are shown for escalated items, so they are calibrated on the items the
  // threshold escalates (coverage holds for that group), or on all when too few are.
  std::vector<std::vector<float>> known_probs;
  std::vector<int> known_gold;
  for (int pass = 0; pass < 2 && known_probs.size() < 30; ++pass) {
    known_probs.clear();
    known_gold.clear();
    for (size_t i = 0; i < n; ++i) {
      if (fp.gold[i] >= 0 && (pass == 1 || fp.conf[i] < fr.guaranteed.tau)) {
        known_probs.push_back(fp.probs[i]);
        known_gold.push_back(fp.gold[i]);
      }
    }
  }
  fr.conformal = route::CalibrateConformal(known_probs, known_gold, options.alpha,
                                           route::ConformalMethod::kLac);
  if (oos >= 0) {
    // In-scope accuracy as a function of the rejection threshold t is non-increasing; keep
    // the largest t whose accuracy stays within the allowed drop of t = 0.
    fr.oos_score = FieldRouting::OosScore::kCertainty;
    std::vector<std::pair<double, bool>> in_scope;  // (in-scope score, right label)
    for (size_t i = 0; i < n; ++i) {
      if (fp.gold[i] == oos) continue;
      in_scope.emplace_back(InScopeScore(fr, fp.probs[i], oos),
                            fp.pred[i] == fp.gold[i] && fp.pred[i] != oos);
    }
    std::sort(in_scope.begin(), in_scope.end());
    int64_t right = 0;
    for (const auto& e : in_scope) right += e.second;
    const double total = std::max<size_t>(1, in_scope.size());
    const double floor_acc = right / total - options.oos_max_accuracy_drop;
    double best = -2;  // below any score: rejects nothing
    int64_t lost = 0;  // right answers rejected by thresholds at or below in_scope[k].first
    for (size_t k = 0; k < in_scope.size(); ++k) {
      // Threshold t = in_scope[k].first rejects everything strictly below it.
      if ((right - lost) / total >= floor_acc) best = in_scope[k].first;
      else break;
      lost += in_scope[k].second;
    }
    fr.oos_threshold = best;
  }
  config.model_hash = ModelHash(model);
  bool replaced = false;
  for (FieldRouting& f : config.fields) {
    if (f.field == fr.field) {
      f = fr;
      replaced = true;
    }
  }
  if (!replaced) config.fields.push_back(fr);
  return config;
}

std::string RoutingJson(const RoutingConfig& config) {
  json fields = json::array();
  for (const FieldRouting& f : config.fields) {
    json per_class = json::object();
    for (const auto& [label, t] : f.per_class) per_class[label] = ThresholdToJson(t);
    json jf = {{"field", f.field},
               {"precision", f.target_precision},
               {"delta", f.delta},
               {"threshold", f.guaranteed.tau},
               {"guaranteed", ThresholdToJson(f.guaranteed)},
               {"empirical", ThresholdToJson(f.empirical)},
               {"per_class", per_class},
               {"conformal", {{"method", f.conformal.method == route::ConformalMethod::kLac ? "lac" : "aps"},
                              {"alpha", f.conformal.alpha},
                              {"qhat", f.conformal.qhat}}}};
    if (!f.oos_label.empty()) {
      jf["oos"] = {{"label", f.oos_label},
                   {"threshold", f.oos_threshold},
                   {"score", f.oos_score == FieldRouting::OosScore::kCertainty ? "certainty" : "top_probability"}};
    }
    fields.push_back(jf);
  }
  return json{{"format", "frontline-routing"}, {"version", 1}, {"model_hash", config.model_hash},
              {"fields", fields}}
      .dump(2, ' ', false, json::error_handler_t::replace);
}

Result<RoutingConfig> LoadRouting(const std::string& model_path, const classify::Model& model) {
  const std::string path = RoutingPath(model_path);
  FL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  RoutingConfig config;
  try {
    const json j = json::parse(text);
    config.model_hash = j.at("model_hash").get<std::string>();
    for (const json& jf : j.at("fields")) {
      FieldRouting f;
      f.field = jf.at("field").get<std::string>();
      f.target_precision = jf.at("precision").get<double>();
      f.delta = jf.at("delta").get<double>();
      f.guaranteed = ThresholdFromJson(jf.at("guaranteed"));
      f.empirical = ThresholdFromJson(jf.at("empirical"));
      for (const auto& [label, t] : jf.at("per_class").items()) f.per_class[label] = ThresholdFromJson(t);
      const json& jc = jf.at("conformal");
      f.conformal.method = jc.at("method").get<std::string>() == "aps" ? route::ConformalMethod::kAps
                                                                      : route::ConformalMethod::kLac;
      f.conformal.alpha = jc.at("alpha").get<double>();
      f.conformal.qhat = jc.at("qhat").get<double>();
      if (jf.contains("oos")) {
        f.oos_label = jf["oos"].at("label").get<std::string>();
        f.oos_threshold = jf["oos"].at("threshold").get<double>();
        const std::string score = jf["oos"].value("score", "top_probability");
        if (score != "certainty" && score != "top_probability") {
          return DataLossError(path + ": unknown out-of-scope score '" + score + "'");
        }
        f.oos_score = score == "certainty" ? FieldRouting::OosScore::kCertainty
                                           : FieldRouting::OosScore::kTopProbability;
      }
      config.fields.push_back(std::move(f));
    }
  } catch (const json::exception& e) {
    return DataLossError(path + ": malformed routing file: " + e.what());
  }
  if (config.model_hash != ModelHash(model)) {
    return FailedPreconditionError(path + " was calibrated for another model file; run "
                                   "frontline calibrate again");
  }
  return config;
}

Status SaveRouting(const std::string& model_path, const RoutingConfig& config) {
  return WriteFileAtomic(RoutingPath(model_path), RoutingJson(config) + "\n");
}

Result<RoutingEval> EvaluateRouting(const classify::Model& model, const RoutingConfig& config,
                                    const classify::DataSpec& data, const std::string& field,
                                    int threads, const TriageConfig* triage) {
  FL_ASSIGN_OR_RETURN(FieldPredictions fp, PredictField(model, data, field, threads));
  const std::string& name = model.field_name(fp.head);
  const FieldRouting* fr = config.Find(name);
  if (fr == nullptr) {
    return FailedPreconditionError("field '" + name + "' is not calibrated; run frontline calibrate");
  }
  const std::vector<std::string>& labels = model.labels(fp.head);
  int oos = -1;
  if (!fr->oos_label.empty()) {
    oos = static_cast<int>(std::find(labels.begin(), labels.end(), fr->oos_label) - labels.begin());
    if (oos >= static_cast<int>(labels.size())) oos = -1;
  }
  RoutingEval ev;
  ev.field = name;
  ev.threshold = fr->guaranteed.tau;
  ev.has_oos = oos >= 0;
  int64_t right = 0, in_scope = 0, in_scope_right = 0, closed_right = 0, oos_items = 0, oos_caught = 0;
  int64_t set_total = 0, set_hits = 0;
  const size_t n = fp.gold.size();
  std::vector<bool> oos_flags(n);
  for (size_t i = 0; i < n; ++i) {
    const bool out_of_scope =
        oos >= 0 && (fp.pred[i] == oos || InScopeScore(*fr, fp.probs[i], oos) < fr->oos_threshold);
    oos_flags[i] = out_of_scope;
    const bool accepted = !out_of_scope && fp.conf[i] >= fr->guaranteed.tau;
    const bool is_right = fp.pred[i] == fp.gold[i];
    if (accepted) {
      ++ev.accepted;
      right += is_right;
    } else {
      ++ev.escalated;
      const std::vector<int> set = route::PredictionSet(fp.probs[i], fr->conformal);
      set_total += static_cast<int64_t>(set.size());
      set_hits += std::find(set.begin(), set.end(), fp.gold[i]) != set.end();
    }
    if (oos >= 0) {
      if (fp.gold[i] == oos) {
        ++oos_items;
        oos_caught += out_of_scope;
      } else {
        ++in_scope;
        in_scope_right += !out_of_scope && is_right;
        closed_right += is_right;
      }
    }
  }
  ev.n = static_cast<int64_t>(n);
  ev.coverage = n ? static_cast<double>(ev.accepted) / n : 0;
  ev.precision = ev.accepted ? static_cast<double>(right) / ev.accepted : 1.0;
  ev.mean_set_size = ev.escalated ? static_cast<double>(set_total) / ev.escalated : 0;
  ev.set_coverage = ev.escalated ? static_cast<double>(set_hits) / ev.escalated : 1.0;
  ev.in_scope_accuracy = in_scope ? static_cast<double>(in_scope_right) / in_scope : 0;
  ev.oos_recall = oos_items ? static_cast<double>(oos_caught) / oos_items : 0;
  ev.closed_set_accuracy = in_scope ? static_cast<double>(closed_right) / in_scope : 0;
  FL_RETURN_IF_ERROR(AddCosts(model, *fr, fp, triage, oos_flags, &ev));
  return ev;
}

std::string RoutingEvalJson(const RoutingEval& e) {
  json j = {{"field", e.field},         {"n", e.n},
            {"coverage", e.coverage},   {"precision", e.precision},
            {"threshold", e.threshold}, {"accepted", e.accepted},
            {"escalated", e.escalated}, {"mean_set_size", e.mean_set_size},
            {"set_coverage", e.set_coverage}};
  j["escalated_llm"] = e.to_llm;
  j["escalated_human"] = e.to_human;
  j["llm_cost"] = e.hybrid_cost;
  j["all_llm_cost"] = e.all_llm_cost;
  j["cost_saved"] = e.all_llm_cost > 0 ? 1 - e.hybrid_cost / e.all_llm_cost : 0.0;
  j["human_cost"] = e.human_cost;
  j["prices_per_mtok"] = {{"input", e.price_input_per_mtok}, {"output", e.price_output_per_mtok}};
  if (e.has_oos) {
    j["in_scope_accuracy"] = e.in_scope_accuracy;
    j["oos_recall"] = e.oos_recall;
    j["closed_set_accuracy"] = e.closed_set_accuracy;
  }
  return j.dump();
}

Result<ResplitStudy> StudyResplits(const classify::Model& model, const classify::DataSpec& data,
                                   const std::string& field, const route::ThresholdOptions& options,
                                   int resplits, uint64_t seed, int threads) {
  if (resplits < 1) return InvalidArgumentError("resplits must be >= 1");
  FL_ASSIGN_OR_RETURN(FieldPredictions fp, PredictField(model, data, field, threads));
  const size_t n = fp.gold.size();
  if (n < 20) return InvalidArgumentError(data.path + ": too few rows (" + std::to_string(n) + ") to re-split");
  ResplitStudy st;
  st.field = model.field_name(fp.head);
  st.n = static_cast<int64_t>(n);
  st.resplits = resplits;
  st.precision = options.precision;
  st.delta = options.delta;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  int violations = 0, empirical_violations = 0;
  const size_t half = n / 2;
  for (int r = 0; r < resplits; ++r) {
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<float> cal_conf, test_conf;
    std::vector<bool> cal_ok, test_ok;
    for (size_t k = 0; k < n; ++k) {
      const size_t i = order[k];
      (k < half ? cal_conf : test_conf).push_back(fp.conf[i]);
      (k < half ? cal_ok : test_ok).push_back(fp.pred[i] == fp.gold[i]);
    }
    const route::Threshold g = route::GuaranteedThreshold(cal_conf, cal_ok, options);
    const route::Threshold e = route::EmpiricalThreshold(cal_conf, cal_ok, options);
    const route::Realised rg = route::Apply(g.tau, test_conf, test_ok);
    const route::Realised re = route::Apply(e.tau, test_conf, test_ok);
    violations += rg.accepted > 0 && rg.precision < options.precision;
    empirical_violations += re.accepted > 0 && re.precision < options.precision;
    st.mean_coverage += rg.coverage / resplits;
    st.mean_precision += rg.precision / resplits;
    st.empirical_mean_coverage += re.coverage / resplits;
  }
  st.violation_rate = static_cast<double>(violations) / resplits;
  st.empirical_violation_rate = static_cast<double>(empirical_violations) / resplits;
  return st;
}

std::string ResplitStudyJson(const ResplitStudy& s) {
  return json{{"field", s.field},
              {"n", s.n},
              {"resplits", s.resplits},
              {"precision", s.precision},
              {"delta", s.delta},
              {"violation_rate", s.violation_rate},
              {"empirical_violation_rate", s.empirical_violation_rate},
              {"mean_coverage", s.mean_coverage},
              {"mean_precision", s.mean_precision},
              {"empirical_mean_coverage", s.empirical_mean_coverage}}
      .dump();
}

}  // namespace fl::pipeline
