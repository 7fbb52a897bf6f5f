// Split-conformal prediction sets (Vovk et al. 2005; Angelopoulos & Bates, "A Gentle
// Introduction to Conformal Prediction", 2021).
//
// A score measures how badly a label fits a probability vector. Calibration takes the
// scores of the gold labels s_1..s_n and sets qhat to the r-th smallest, with
// r = ceil((n + 1)(1 - alpha)); a new item's set is every label whose score is <= qhat.
// For exchangeable data the gold label's score is then <= qhat with probability
// >= 1 - alpha. When r > n the finite sample cannot support the level and qhat = 1, which
// both methods read as "every label".
//
//   LAC  score 1 - p(y). The set {y : 1 - p(y) <= qhat} is evaluated with the same
//        double arithmetic as the score, so a calibration item's own gold label is in its
//        set exactly when its score is <= qhat.
//   APS  score = total probability of the labels at least as probable as y (ties count
//        as ranked above y), i.e. the cumulative mass down to and including y. The set is
//        the shortest run of labels, most probable first, whose mass reaches qhat,
//        including the label that crosses it (non-randomised APS: slightly
//        conservative). Tied labels join or leave the set together.
//
// Conventions the header leaves open: probs and gold of unequal length leave qhat at 1
// (every label; the safe side); calibration items whose gold label is outside their
// probability vector are ignored; alpha <= 0 (or NaN) gives qhat = 1.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "route/route.h"

namespace fl::route {
namespace {

// Label indices, most probable first; equal probabilities keep index order.
std::vector<int> ByProbability(const std::vector<float>& probs) {
  std::vector<int> order(probs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return probs[a] > probs[b]; });
  return order;
}

// The APS score. The mass is summed in ByProbability order, group by group, exactly as
// PredictionSet sums it, so the two agree to the last bit.
double ApsScore(const std::vector<float>& probs, int label) {
  double mass = 0;
  for (int i : ByProbability(probs)) {
    if (probs[i] < probs[label]) break;
    mass += probs[i];
  }
  return mass;
}

double Score(const std::vector<float>& probs, int label, ConformalMethod method) {
  return method == ConformalMethod::kLac ? 1.0 - static_cast<double>(probs[label])
                                         : ApsScore(probs, label);
}

}  // namespace

ConformalCalibration CalibrateConformal(const std::vector<std::vector<float>>& probs,
                                        const std::vector<int>& gold, double alpha,
                                        ConformalMethod method) {
  ConformalCalibration cal;
  cal.method = method;
  cal.alpha = alpha;
  cal.qhat = 1.0;
  if (probs.size() != gold.size() || !(alpha > 0)) return cal;

  std::vector<double> scores;
  scores.reserve(gold.size());
  for (size_t i = 0; i < gold.size(); ++i) {
    if (gold[i] < 0 || static_cast<size_t>(gold[i]) >= probs[i].size()) continue;
    scores.push_back(Score(probs[i], gold[i], method));
  }
  const int64_t n = static_cast<int64_t>(scores.size());
  if (n == 0) return cal;

  // (n + 1)(1 - alpha) is often an integer in exact arithmetic (n = 9, alpha = 0.1) but a
  // hair above it in floating point; the relative slack keeps ceil() from adding one.
  const double x = static_cast<double>(n + 1) * (1 - alpha);
  const int64_t rank =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(x - 1e-12 * std::max(1.0, x))));
  if (rank > n) return cal;
  std::nth_element(scores.begin(), scores.begin() + (rank - 1), scores.end());
  cal.qhat = scores[rank - 1];
  return cal;
}

std::vector<int> PredictionSet(const std::vector<float>& probs, const ConformalCalibration& cal) {
  const std::vector<int> order = ByProbability(probs);
  if (order.empty()) return {};
  if (cal.qhat >= 1.0) return order;  // the "every label" quantile (see the top)

  std::vector<int> set;
  if (cal.method == ConformalMethod::kLac) {
    for (int y : order) {
      if (1.0 - static_cast<double>(probs[y]) <= cal.qhat) set.push_back(y);
    }
  } else {
    // Walk groups of equal probability. A group joins while the mass before it is still
    // short of qhat (this includes the crossing group) or while its own score is <= qhat
    // (which matters only for zero-mass groups sitting exactly at qhat); either way every
    // label whose score is <= qhat is in the set.
    double mass = 0;
    for (size_t begin = 0; begin < order.size();) {
      size_t end = begin;
      const double before = mass;
      while (end < order.size() && probs[order[end]] == probs[order[begin]]) {
        mass += probs[order[end]];
        ++end;
      }
      if (!(before < cal.qhat || mass <= cal.qhat)) break;
      set.insert(set.end(), order.begin() + begin, order.begin() + end);
      begin = end;
    }
  }
  if (set.empty()) set.push_back(order.front());  // the top label is always in
  return set;
}

}  // namespace fl::route
