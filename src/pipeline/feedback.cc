// Review feedback turned into training rows for the next `frontline train`.
#include <map>

#include "pipeline/pipeline.h"

namespace fl::pipeline {

Result<text::LabeledData> FeedbackTrainingData(store::Store* db, const std::vector<std::string>& label_columns,
                                               FeedbackStats* stats) {
  FL_ASSIGN_OR_RETURN(std::vector<store::Store::Feedback> feedback, db->AllFeedback());
  // Person-given labels by ticket, then by field (AllFeedback orders by ticket).
  std::map<int64_t, std::map<std::string, const store::Store::Feedback*>> by_ticket;
  for (const store::Store::Feedback& f : feedback) by_ticket[f.ticket_id][f.field] = &f;
  FeedbackStats local;
  text::LabeledData out;
  out.label_columns = label_columns;
  out.labels.resize(label_columns.size());
  for (const auto& [ticket, given] : by_ticket) {
    ++local.tickets;
    FL_ASSIGN_OR_RETURN(std::vector<store::Decision> decisions, db->DecisionsFor(ticket));
    std::vector<std::string> row;
    int64_t corrected = 0;
    for (const std::string& column : label_columns) {
      const store::Decision* decided = nullptr;
      for (const store::Decision& d : decisions) {
        if (d.field == column) decided = &d;
      }
      auto g = given.find(column);
      if (g != given.end()) {
        row.push_back(g->second->label);
        corrected += decided == nullptr || decided->value != g->second->label;
      } else if (decided != nullptr && decided->tier != "human") {
        row.push_back(decided->value);
      } else {
        break;  // no trustworthy label for this column
      }
    }
    if (row.size() != label_columns.size()) continue;
    ++local.rows;
    local.corrected += corrected;
    out.texts.push_back(given.begin()->second->text);
    out.row_lines.push_back(0);
    for (size_t c = 0; c < row.size(); ++c) out.labels[c].push_back(row[c]);
  }
  if (stats != nullptr) *stats = local;
  return out;
}

}  // namespace fl::pipeline
