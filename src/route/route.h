// route: deciding whether a specialist's answer is good enough to act on.
//
//   GuaranteedThreshold    lowest confidence threshold whose auto-accepted set has
//                          precision >= p with probability >= 1 - delta over the calibration
//                          sample (Learn-then-Test, fixed-sequence testing, exact binomial /
//                          Clopper–Pearson tail)
//   EmpiricalThreshold     the point-estimate variant (no guarantee), for comparison
//   PerClassThresholds     one guaranteed threshold per predicted class
//   ConformalSets          split-conformal prediction sets (LAC and APS) at level 1 - alpha
//
// All functions are pure; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/core.h"

namespace fl::route {

struct ThresholdOptions {
  double precision = 0.95;  // target precision p of auto-accepted items
  double delta = 0.05;      // allowed probability that the guarantee fails
  int grid_size = 200;      // candidate thresholds: distinct confidences, at most this many,
                            //   tested from the highest down
  int min_accepted = 1;     // a threshold must accept at least this many calibration items
  // Fixed-sequence chains: one starts at the most confident testable threshold, the others
  // where a threshold first accepts n/2^(chains-1) .. n/2 items; each runs downward at
  // delta / chains (Bonferroni), and the lowest threshold any chain reaches is used. A
  // chain that starts lower is not stopped by a few errors among the very top items, which
  // would otherwise end a single sequence before it reaches thresholds with real power.
  int chains = 4;
};

struct Threshold {
  double tau = 1.0;          // accept when confidence >= tau; > 1 means "accept nothing"
  bool feasible = false;     // false: no threshold passed the test; tau then rejects all
  int64_t n = 0;             // calibration items considered
  int64_t accepted = 0;      // calibration items with confidence >= tau
  int64_t errors = 0;        // of those, wrong
  double coverage = 0;       // accepted / n
  double precision = 0;      // 1 - errors / accepted (calibration sample)
  double p_value = 1;        // binomial tail of the last accepted test
};

// P(X <= k) for X ~ Binomial(n, q), exact (log-space sum), in [0, 1].
double BinomialCdf(int64_t k, int64_t n, double q);

// Learn-then-Test: candidate thresholds tau_1 > tau_2 > ... (from the calibration
// confidences); for each, H0: precision(tau) < p is rejected when
// BinomialCdf(errors, accepted, 1 - p) <= delta / chains. Within a chain, testing stops at
// the first non-rejection (fixed-sequence testing); chains start at points fixed by the
// confidences alone (see ThresholdOptions::chains), so the family-wise error stays <= delta.
// The result is the lowest rejected threshold of any chain. confidence[i] is the top-1 probability, correct[i]
// whether the top-1 label was right.
Threshold GuaranteedThreshold(const std::vector<float>& confidence,
                              const std::vector<bool>& correct, const ThresholdOptions& options);

// Lowest threshold whose calibration precision is >= p (no finite-sample guarantee).
Threshold EmpiricalThreshold(const std::vector<float>& confidence,
                             const std::vector<bool>& correct, const ThresholdOptions& options);

// One guaranteed threshold per predicted class (items grouped by predicted label), each
// tested at delta / n_classes (Bonferroni), so that with probability >= 1 - delta every
// class's auto-accepted precision is >= p. Classes with no feasible threshold get an
// infeasible Threshold (accept nothing).
std::vector<Threshold> PerClassThresholds(const std::vector<float>& confidence,
                                          const std::vector<bool>& correct,
                                          const std::vector<int>& predicted, int n_classes,
                                          const ThresholdOptions& options);

// Measures a threshold on other data (e.g. a test split).
struct Realised {
  int64_t n = 0, accepted = 0, errors = 0;
  double coverage = 0, precision = 0;  // precision is 1 when nothing is accepted
};
Realised Apply(double tau, const std::vector<float>& confidence, const std::vector<bool>& correct);

// Split-conformal prediction sets. Calibrate on (probs, gold) of a calibration split; the
// sets then contain the true label with probability >= 1 - alpha (marginally, for
// exchangeable data).
enum class ConformalMethod {
  kLac,  // score 1 - p(y); set = {y : p(y) >= 1 - qhat}; smallest sets
  kAps,  // score = mass of labels ranked at or above y; adaptive set sizes
};
struct ConformalCalibration {
  ConformalMethod method = ConformalMethod::kLac;
  double alpha = 0.1;
  double qhat = 1.0;  // the ceil((n + 1)(1 - alpha)) / n quantile of calibration scores
};
ConformalCalibration CalibrateConformal(const std::vector<std::vector<float>>& probs,
                                        const std::vector<int>& gold, double alpha,
                                        ConformalMethod method);
// Label indices in the set, most probable first; never empty (the top label is always in).
std::vector<int> PredictionSet(const std::vector<float>& probs, const ConformalCalibration& cal);

}  // namespace fl::route
