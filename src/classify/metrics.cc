// Evaluation metrics for one classifier head: accuracy, macro-F1, calibration (ECE and
// reliability bins) and selective prediction (risk–coverage, AURC, coverage@precision).
//
// All functions are pure; confidence[i] is the top-1 probability of item i and correct[i]
// whether that top-1 label was right. A NaN confidence ranks below every number.

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "classify/classify.h"

namespace fl::classify {
namespace {

constexpr int kReliabilityBins = 15;
constexpr int kMaxCurvePoints = 200;
// The precision targets Evaluate reports, as the keys of coverage_at_precision.
constexpr std::pair<const char*, double> kPrecisionTargets[] = {
    {"0.90", 0.90}, {"0.95", 0.95}, {"0.99", 0.99}};

// Sort key that keeps NaN out of the comparisons (a NaN would break the strict weak order).
double RankKey(float c) {
  return std::isnan(c) ? -std::numeric_limits<double>::infinity() : static_cast<double>(c);
}

// Item indices, most confident first; equal confidences keep their input order.
std::vector<size_t> OrderByConfidence(const std::vector<float>& confidence) {
  std::vector<size_t> order(confidence.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return RankKey(confidence[a]) > RankKey(confidence[b]);
  });
  return order;
}

// n_bins equal-width bins over [0, 1]; a confidence of exactly 1 falls in the last bin, and
// values outside [0, 1] (or NaN) are clamped into the first or last bin.
std::vector<ReliabilityBin> ReliabilityBins(const std::vector<float>& confidence,
                                            const std::vector<bool>& correct, int n_bins) {
  assert(confidence.size() == correct.size());
  assert(n_bins >= 1);
  n_bins = std::max(n_bins, 1);
  std::vector<ReliabilityBin> bins(n_bins);
  std::vector<double> sum_conf(n_bins, 0.0);
  std::vector<int> n_correct(n_bins, 0);
  for (size_t i = 0; i < confidence.size(); ++i) {
    const double c = std::isnan(confidence[i]) ? 0.0 : std::clamp<double>(confidence[i], 0, 1);
    const int b = std::min(static_cast<int>(c * n_bins), n_bins - 1);
    sum_conf[b] += c;
    n_correct[b] += correct[i] ? 1 : 0;
    bins[b].count++;
  }
  for (int b = 0; b < n_bins; ++b) {
    ReliabilityBin& bin = bins[b];
    bin.lo = static_cast<double>(b) / n_bins;
    bin.hi = static_cast<double>(b + 1) / n_bins;
    // Empty bins keep confidence = accuracy = 0; readers check count.
    if (bin.count > 0) {
      bin.confidence = sum_conf[b] / bin.count;
      bin.accuracy = static_cast<double>(n_correct[b]) / bin.count;
    }
  }
  return bins;
}

double EceFromBins(const std::vector<ReliabilityBin>& bins) {
  long total = 0;
  for (const ReliabilityBin& bin : bins) total += bin.count;
  if (total == 0) return 0.0;
  double ece = 0.0;
  for (const ReliabilityBin& bin : bins) {
    ece += static_cast<double>(bin.count) / total * std::abs(bin.accuracy - bin.confidence);
  }
  return ece;
}

// (coverage, risk) after each of the k = 1..n most confident items, thinned to at most
// max_points evenly spaced k (the last point, k = n, is always kept).
std::vector<std::pair<double, double>> RiskCoverageCurve(const std::vector<float>& confidence,
                                                         const std::vector<bool>& correct,
                                                         int max_points) {
  const size_t n = confidence.size();
  std::vector<std::pair<double, double>> curve;
  if (n == 0) return curve;
  const std::vector<size_t> order = OrderByConfidence(confidence);
  const size_t n_points = std::min(n, static_cast<size_t>(max_points));
  curve.reserve(n_points);
  size_t errors = 0, k = 0;
  for (size_t j = 1; j <= n_points; ++j) {
    const size_t k_end = (j * n + n_points / 2) / n_points;  // round(j * n / n_points)
    for (; k < k_end; ++k) errors += correct[order[k]] ? 0 : 1;
    curve.emplace_back(static_cast<double>(k) / n, static_cast<double>(errors) / k);
  }
  return curve;
}

double SafeDiv(double num, double den) { return den > 0 ? num / den : 0.0; }

}  // namespace

double ExpectedCalibrationError(const std::vector<float>& confidence,
                                const std::vector<bool>& correct, int n_bins) {
  return EceFromBins(ReliabilityBins(confidence, correct, n_bins));
}

double CoverageAtPrecision(const std::vector<float>& confidence, const std::vector<bool>& correct,
                           double target) {
  assert(confidence.size() == correct.size());
  const size_t n = confidence.size();
  if (n == 0) return 0.0;
  const std::vector<size_t> order = OrderByConfidence(confidence);
  // A threshold accepts whole groups of equal confidence, so precision is only checked at
  // the end of each group. Precision is not monotone in k: keep scanning to the end.
  // The tolerance absorbs rounding when target itself was computed (e.g. 1 - 0.05).
  constexpr double kTolerance = 1e-12;
  size_t n_correct = 0, best_k = 0;
  for (size_t k = 0; k < n;) {
    const double key = RankKey(confidence[order[k]]);
    for (; k < n && RankKey(confidence[order[k]]) == key; ++k) {
      n_correct += correct[order[k]] ? 1 : 0;
    }
    if (static_cast<double>(n_correct) / k >= target - kTolerance) best_k = k;
  }
  return static_cast<double>(best_k) / n;
}

double Aurc(const std::vector<float>& confidence, const std::vector<bool>& correct) {
  assert(confidence.size() == correct.size());
  const size_t n = confidence.size();
  if (n == 0) return 0.0;
  const std::vector<size_t> order = OrderByConfidence(confidence);
  size_t errors = 0;
  double sum_risk = 0.0;
  for (size_t k = 1; k <= n; ++k) {
    errors += correct[order[k - 1]] ? 0 : 1;
    sum_risk += static_cast<double>(errors) / k;
  }
  return sum_risk / n;
}

EvalReport Evaluate(const std::string& field, const std::vector<std::string>& labels,
                    const std::vector<int>& gold, const std::vector<int>& pred,
                    const std::vector<float>& conf, const std::vector<float>& conf_uncal) {
  const size_t n = gold.size();
  const int n_labels = static_cast<int>(labels.size());
  assert(pred.size() == n && conf.size() == n && conf_uncal.size() == n);

  EvalReport r;
  r.field = field;
  r.labels = labels;
  r.n = static_cast<int>(n);
  r.confusion.assign(n_labels, std::vector<int>(n_labels, 0));

  // Temperature scaling does not change the argmax, so one `correct` serves both the
  // calibrated and the uncalibrated confidences.
  std::vector<bool> correct(n);
  size_t n_correct = 0;
  for (size_t i = 0; i < n; ++i) {
    assert(gold[i] >= 0 && gold[i] < n_labels && pred[i] >= 0 && pred[i] < n_labels);
    correct[i] = gold[i] == pred[i];
    n_correct += correct[i] ? 1 : 0;
    r.confusion[gold[i]][pred[i]]++;
  }
  r.accuracy = SafeDiv(static_cast<double>(n_correct), static_cast<double>(n));

  // Macro-F1 averages over the classes that occur in the gold labels OR the predictions
  // (scikit-learn's default label set): a class absent from both says nothing about the
  // model and would only drag the mean towards 0; a class that is only ever predicted
  // (support 0) counts with F1 = 0, as it should.
  r.per_class.resize(n_labels);
  double sum_f1 = 0.0;
  int n_present = 0;
  for (int c = 0; c < n_labels; ++c) {
    ClassStats& s = r.per_class[c];
    s.label = labels[c];
    for (int other = 0; other < n_labels; ++other) {
      s.support += r.confusion[c][other];
      s.predicted += r.confusion[other][c];
    }
    const double tp = r.confusion[c][c];
    s.precision = SafeDiv(tp, s.predicted);
    s.recall = SafeDiv(tp, s.support);
    s.f1 = SafeDiv(2 * s.precision * s.recall, s.precision + s.recall);
    if (s.support > 0 || s.predicted > 0) {
      sum_f1 += s.f1;
      n_present++;
    }
  }
  r.macro_f1 = SafeDiv(sum_f1, n_present);

  r.reliability = ReliabilityBins(conf, correct, kReliabilityBins);
  r.reliability_uncalibrated = ReliabilityBins(conf_uncal, correct, kReliabilityBins);
  r.ece = EceFromBins(r.reliability);
  r.ece_uncalibrated = EceFromBins(r.reliability_uncalibrated);
  r.aurc = Aurc(conf, correct);
  for (const auto& [key, target] : kPrecisionTargets) {
    r.coverage_at_precision[key] = CoverageAtPrecision(conf, correct, target);
  }
  r.risk_coverage = RiskCoverageCurve(conf, correct, kMaxCurvePoints);
  return r;
}

std::string EvalReportJson(const EvalReport& report, bool with_per_class) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["field"] = report.field;
  j["n"] = report.n;
  j["accuracy"] = report.accuracy;
  j["macro_f1"] = report.macro_f1;
  j["ece"] = report.ece;
  j["ece_uncalibrated"] = report.ece_uncalibrated;
  j["aurc"] = report.aurc;
  Json coverage = Json::object();
  for (const auto& [key, value] : report.coverage_at_precision) coverage[key] = value;
  j["coverage_at_precision"] = std::move(coverage);
  j["ms_per_item"] = report.ms_per_item;
  if (with_per_class) {
    Json per_class = Json::array();
    for (const ClassStats& s : report.per_class) {
      per_class.push_back({{"label", s.label},
                           {"support", s.support},
                           {"predicted", s.predicted},
                           {"precision", s.precision},
                           {"recall", s.recall},
                           {"f1", s.f1}});
    }
    j["per_class"] = std::move(per_class);
  }
  // Labels come from user data: replace invalid UTF-8 instead of throwing.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace fl::classify
