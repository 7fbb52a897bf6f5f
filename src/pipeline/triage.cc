// Batch triage: specialists + thresholds, decisions recorded exactly once in the store.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "pipeline/pipeline.h"

namespace fl::pipeline {
namespace {

using nlohmann::json;

// The store's decisions of one ticket as the output line's "decisions" object.
json DecisionsJson(const std::vector<store::Decision>& decisions) {
  json out = json::object();
  for (const store::Decision& d : decisions) {
    out[d.field] = {{"value", d.value},
                    {"confidence", d.confidence},
                    {"tier", d.tier},
                    {"threshold", d.threshold},
                    {"set", json::parse(d.prediction_set_json.empty() ? "[]" : d.prediction_set_json)}};
  }
  return out;
}

}  // namespace

Result<TriageStats> TriageFile(const classify::Model& model, const RoutingConfig& routing,
                               const std::string& in_path, const std::string& out_path,
                               const TriageOptions& options, store::Store* db) {
  FL_ASSIGN_OR_RETURN(text::Table table, text::ReadTable(in_path, options.read));
  std::vector<int> text_cols;
  for (const std::string& name : options.text_columns) {
    auto it = std::find(table.columns.begin(), table.columns.end(), name);
    if (it != table.columns.end()) text_cols.push_back(static_cast<int>(it - table.columns.begin()));
  }
  if (text_cols.empty()) {
    return InvalidArgumentError(in_path + ": none of the text columns exists");
  }
  const auto id_it = std::find(table.columns.begin(), table.columns.end(), options.id_column);
  const int id_col = id_it == table.columns.end() ? -1 : static_cast<int>(id_it - table.columns.begin());

  std::vector<std::string> fields;
  for (int f = 0; f < model.num_fields(); ++f) fields.push_back(model.field_name(f));
  TriageStats stats;
  std::vector<int64_t> ticket_ids;
  std::vector<std::string> external_ids;
  ProgressBar progress("triage", table.rows.size(), "tickets");
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    std::string text;
    for (int c : text_cols) {
      if (row[c].empty()) continue;
      if (!text.empty()) text += '\n';
      text += row[c];
    }
    std::string external = id_col >= 0 && !row[id_col].empty()
                               ? row[id_col]
                               : in_path + ":" + std::to_string(table.row_lines[r]);
    FL_ASSIGN_OR_RETURN(int64_t ticket, db->UpsertTicket(external, text));
    ticket_ids.push_back(ticket);
    external_ids.push_back(external);
    ++stats.tickets;
    FL_ASSIGN_OR_RETURN(std::vector<store::Decision> existing, db->DecisionsFor(ticket));
    if (existing.size() >= fields.size()) {
      ++stats.already_decided;
      progress.Add(1);
      continue;
    }
    const double t0 = NowSeconds();
    const std::vector<std::vector<float>> probs = model.PredictAllFields(text);
    const double latency_ms = (NowSeconds() - t0) * 1000 / fields.size();
    int64_t automated = 0, escalated = 0;
    Status s = db->WithTransaction([&]() -> Status {
      for (size_t f = 0; f < fields.size(); ++f) {
        if (std::any_of(existing.begin(), existing.end(),
                        [&](const store::Decision& d) { return d.field == fields[f]; })) {
          continue;
        }
        const std::vector<std::string>& labels = model.labels(static_cast<int>(f));
        const auto top = classify::TopK(probs[f], 1)[0];
        const FieldRouting* fr = routing.Find(fields[f]);
        const double tau = fr != nullptr ? fr->guaranteed.tau : 2.0;
        json set = json::array();
        if (fr != nullptr) {
          for (int c : route::PredictionSet(probs[f], fr->conformal)) set.push_back(labels[c]);
        } else {
          for (const auto& [c, p] : classify::TopK(probs[f], 3)) set.push_back(labels[c]);
        }
        store::Decision d;
        d.ticket_id = ticket;
        d.field = fields[f];
        d.value = labels[top.first];
        d.confidence = top.second;
        d.threshold = tau;
        d.latency_ms = latency_ms;
        d.prediction_set_json = set.dump();
        if (top.second >= tau) {
          d.tier = "slm";
          ++automated;
        } else {
          // Provisional: the specialist's best guess stands until a person resolves the
          // review item (the LLM tier comes in front of this later).
          d.tier = "human";
          ++escalated;
          FL_RETURN_IF_ERROR(db->OpenReview(
              ticket, fields[f], set.dump(),
              fr == nullptr ? "field not calibrated" : "confidence below the guaranteed threshold"));
        }
        FL_RETURN_IF_ERROR(db->RecordDecision(d));
      }
      return OkStatus();
    });
    FL_RETURN_IF_ERROR(s);
    stats.fields_automated += automated;
    stats.fields_escalated += escalated;
    progress.Add(1);
  }
  progress.Finish();

  std::string out;
  for (size_t i = 0; i < ticket_ids.size(); ++i) {
    FL_ASSIGN_OR_RETURN(std::vector<store::Decision> decisions, db->DecisionsFor(ticket_ids[i]));
    out += json{{"id", external_ids[i]}, {"decisions", DecisionsJson(decisions)}}.dump(
               -1, ' ', false, json::error_handler_t::replace) +
           "\n";
  }
  FL_RETURN_IF_ERROR(WriteFileAtomic(out_path, out));
  return stats;
}

}  // namespace fl::pipeline
