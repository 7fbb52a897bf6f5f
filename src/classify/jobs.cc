// File-level jobs: read a table, map columns and labels, train or evaluate.
#include <algorithm>
#include <map>
#include <set>

#include "classify/classify.h"

namespace fl::classify {
namespace {

Result<text::LabeledData> LoadLabelled(const DataSpec& data, text::ReadStats* stats) {
  if (data.columns.label_columns.empty()) {
    return InvalidArgumentError("no label column given (--label)");
  }
  FL_ASSIGN_OR_RETURN(text::LabeledData d,
                      text::LoadLabeledData(data.path, data.columns, data.read, stats));
  if (d.texts.empty()) return InvalidArgumentError(data.path + ": no usable rows");
  return d;
}

}  // namespace

Result<Model> TrainFromFile(const DataSpec& data, const TrainOptions& options,
                            text::ReadStats* stats, const text::LabeledData* extra) {
  FL_ASSIGN_OR_RETURN(text::LabeledData d, LoadLabelled(data, stats));
  if (extra != nullptr) {
    if (extra->label_columns != d.label_columns) {
      return InvalidArgumentError("extra training rows have other label columns than " + data.path);
    }
    d.texts.insert(d.texts.end(), extra->texts.begin(), extra->texts.end());
    for (size_t c = 0; c < d.label_columns.size(); ++c) {
      d.labels[c].insert(d.labels[c].end(), extra->labels[c].begin(), extra->labels[c].end());
    }
  }
  std::vector<FieldData> fields;
  for (size_t c = 0; c < d.label_columns.size(); ++c) {
    FieldData f;
    f.name = d.label_columns[c];
    std::set<std::string> names(d.labels[c].begin(), d.labels[c].end());
    f.labels.assign(names.begin(), names.end());
    std::map<std::string, int> id;
    for (size_t i = 0; i < f.labels.size(); ++i) id[f.labels[i]] = static_cast<int>(i);
    f.y.reserve(d.texts.size());
    for (const std::string& l : d.labels[c]) f.y.push_back(id[l]);
    if (f.labels.size() < 2) {
      return InvalidArgumentError(data.path + ": column '" + f.name + "' has only one distinct label ('" +
                                  (f.labels.empty() ? "" : f.labels[0]) + "'); nothing to learn");
    }
    fields.push_back(std::move(f));
  }
  return Model::Train(d.texts, fields, options);
}

Result<std::vector<EvalReport>> EvaluateFile(const Model& model, const DataSpec& data, int threads,
                                             text::ReadStats* stats) {
  FL_ASSIGN_OR_RETURN(text::LabeledData d, LoadLabelled(data, stats));
  std::vector<int> heads;
  for (const std::string& col : d.label_columns) {
    int h = model.FindField(col);
    if (h < 0 && d.label_columns.size() == 1 && model.num_fields() == 1) h = 0;
    if (h < 0) {
      std::string known;
      for (int i = 0; i < model.num_fields(); ++i) known += (i ? ", " : "") + model.field_name(i);
      return InvalidArgumentError("label column '" + col + "' matches no field of the model (" +
                                  known + ")");
    }
    heads.push_back(h);
  }
  // Predict every field of every row once, in parallel.
  const size_t n = d.texts.size();
  std::vector<std::vector<std::vector<float>>> probs(n);
  std::vector<std::vector<std::vector<float>>> raw(n);
  ThreadPool pool(threads);
  const double t0 = NowSeconds();
  pool.ParallelFor(n, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) probs[i] = model.PredictAllFields(d.texts[i]);
  });
  const double predict_seconds = NowSeconds() - t0;
  // The T = 1 probabilities, for ECE before calibration; a separate pass so that the timed
  // one above measures what serving costs.
  pool.ParallelFor(n, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) model.PredictAllFields(d.texts[i], &raw[i]);
  });
  std::vector<EvalReport> reports;
  for (size_t c = 0; c < heads.size(); ++c) {
    const int h = heads[c];
    std::vector<std::string> labels = model.labels(h);
    std::map<std::string, int> id;
    for (size_t i = 0; i < labels.size(); ++i) id[labels[i]] = static_cast<int>(i);
    std::vector<int> gold(n), pred(n);
    std::vector<float> conf(n), conf_uncal(n);
    for (size_t i = 0; i < n; ++i) {
      auto it = id.find(d.labels[c][i]);
      if (it == id.end()) {
        it = id.emplace(d.labels[c][i], static_cast<int>(labels.size())).first;
        labels.push_back(d.labels[c][i]);
      }
      gold[i] = it->second;
      const std::vector<float>& p = probs[i][h];
      pred[i] = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
      conf[i] = p[pred[i]];
      conf_uncal[i] = *std::max_element(raw[i][h].begin(), raw[i][h].end());
    }
    EvalReport r = Evaluate(model.field_name(h), labels, gold, pred, conf, conf_uncal);
    // Per ticket, all fields at once, as one thread would see it.
    r.ms_per_item = 1000.0 * predict_seconds * pool.size() / n;
    reports.push_back(std::move(r));
  }
  return reports;
}

}  // namespace fl::classify
