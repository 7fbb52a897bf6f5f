// Confidence thresholds with a finite-sample precision guarantee (Learn-then-Test,
// Angelopoulos et al. 2021) and their point-estimate counterpart.
//
// Candidates. The thresholds tried are the distinct calibration confidences, highest
// first; a threshold tau accepts every item with confidence >= tau, so tied items are
// accepted or rejected together. When there are more distinct values than
// options.grid_size, every (D / grid_size)-th value by rank is kept, ending with the
// smallest, so the grid spans the whole range. NaN confidences are never accepted (NaN >=
// tau is false, here as in Apply) and are never candidates; they still count in n.
//
// Conventions the header leaves open:
//   - confidence and correct of unequal length: the data is unusable, so the result is the
//     "accept nothing" Threshold with n = 0 (there is no error channel in the API).
//   - "Accept nothing" (no feasible threshold): tau is just above both 1 and the largest
//     confidence, accepted = errors = 0, coverage 0, precision 1 (nothing accepted, nothing
//     wrong; the same convention as Realised), p_value 1 (no test rejected).
#include <algorithm>
#include <cmath>
#include <limits>

#include "route/route.h"

namespace fl::route {
namespace {

// log Gamma(x) for x > 0. std::lgamma writes the global `signgam`, a data race when
// called from several threads; glibc's lgamma_r does not.
double LogGamma(double x) {
#if defined(__GLIBC__)
  int sign;
  return lgamma_r(x, &sign);
#else
  return std::lgamma(x);
#endif
}

// One candidate threshold and what it accepts on the calibration sample.
struct Candidate {
  double tau = 0;
  int64_t accepted = 0;
  int64_t errors = 0;
};

// Candidate thresholds, highest first (see the top of the file). accepted and errors are
// cumulative, so both are non-decreasing along the vector.
// REQUIRES: confidence.size() == correct.size().
std::vector<Candidate> Candidates(const std::vector<float>& confidence,
                                  const std::vector<bool>& correct, int grid_size) {
  std::vector<std::pair<double, bool>> items;  // (confidence, correct), NaN dropped
  items.reserve(confidence.size());
  for (size_t i = 0; i < confidence.size(); ++i) {
    if (!std::isnan(confidence[i])) items.emplace_back(confidence[i], correct[i]);
  }
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });

  std::vector<Candidate> all;  // one per distinct confidence
  int64_t accepted = 0, errors = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    ++accepted;
    errors += items[i].second ? 0 : 1;
    if (i + 1 == items.size() || items[i + 1].first != items[i].first) {
      all.push_back({items[i].first, accepted, errors});
    }
  }

  const int64_t d = static_cast<int64_t>(all.size());
  const int64_t g = std::max(1, grid_size);
  if (d <= g) return all;
  std::vector<Candidate> thinned;
  thinned.reserve(g);
  // Rank ceil((m + 1) d / g) - 1 for m = 0 .. g-1: strictly increasing because d > g,
  // and the last one is d - 1, the smallest confidence.
  for (int64_t m = 0; m < g; ++m) thinned.push_back(all[((m + 1) * d + g - 1) / g - 1]);
  return thinned;
}

Threshold AcceptNothing(int64_t n, double max_confidence) {
  Threshold t;
  const double above_max =
      std::nextafter(max_confidence, std::numeric_limits<double>::infinity());
  t.tau = std::max(1.0 + 1e-9, above_max);
  t.feasible = false;
  t.n = n;
  t.precision = 1;
  t.p_value = 1;
  return t;
}

Threshold FromCandidate(const Candidate& c, int64_t n, double p_value) {
  Threshold t;
  t.tau = c.tau;
  t.feasible = true;
  t.n = n;
  t.accepted = c.accepted;
  t.errors = c.errors;
  t.coverage = n > 0 ? static_cast<double>(c.accepted) / n : 0;
  t.precision = 1 - static_cast<double>(c.errors) / c.accepted;
  t.p_value = p_value;
  return t;
}

// p-value of H0 "precision(tau) < p" given what the candidate accepted: the chance of at
// most `errors` errors among `accepted` items if the error rate were exactly 1 - p.
double PValue(const Candidate& c, double precision) {
  return BinomialCdf(c.errors, c.accepted, 1 - precision);
}

}  // namespace

double BinomialCdf(int64_t k, int64_t n, double q) {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (q <= 0) return 1;
  if (q >= 1) return 0;  // k < n here: X = n surely
  const double log_q = std::log(q), log_1mq = std::log1p(-q);
  const double log_n_fact = LogGamma(n + 1.0);
  auto log_pmf = [&](int64_t i) {
    return log_n_fact - LogGamma(i + 1.0) - LogGamma(static_cast<double>(n - i) + 1.0) +
           i * log_q + static_cast<double>(n - i) * log_1mq;
  };
  // The pmf is unimodal with its mode at floor((n + 1) q), so the largest term summed is
  // at min(k, mode); factoring it out keeps every exp() near or below 1 (no overflow, and
  // no underflow of the terms that matter).
  const int64_t mode = static_cast<int64_t>(std::floor((n + 1.0) * q));
  const double log_max = log_pmf(std::min(k, mode));
  double sum = 0;
  for (int64_t i = 0; i <= k; ++i) sum += std::exp(log_pmf(i) - log_max);
  return std::clamp(std::exp(log_max + std::log(sum)), 0.0, 1.0);
}

Threshold GuaranteedThreshold(const std::vector<float>& confidence,
                              const std::vector<bool>& correct, const ThresholdOptions& options) {
  if (confidence.size() != correct.size()) return AcceptNothing(0, 1);
  const int64_t n = static_cast<int64_t>(confidence.size());
  const std::vector<Candidate> candidates = Candidates(confidence, correct, options.grid_size);
  if (candidates.empty()) return AcceptNothing(n, 1);

  // Candidates that accept fewer than min_accepted items, or so few that even zero errors
  // could not reject H0, are not tests: their outcome is fixed before any label is looked
  // at. Because `accepted` only grows down the list they form a prefix, and the fixed
  // sequence starts after it. Without this, the highest threshold (one or two items, never
  // significant) would end every sequence at its first step.
  const int64_t min_accepted = std::max<int64_t>(1, options.min_accepted);
  size_t first = 0;
  while (first < candidates.size() &&
         (candidates[first].accepted < min_accepted ||
          BinomialCdf(0, candidates[first].accepted, 1 - options.precision) > options.delta)) {
    ++first;
  }

  // Chain starts depend only on how many items each candidate accepts (confidences, never
  // labels), so they are fixed before any test: chain 0 at `first`, chain k at the first
  // candidate accepting >= n / 2^(chains - k).
  const int chains = std::max(1, options.chains);
  const double level = options.delta / chains;
  std::vector<size_t> starts{first};
  for (int k = 1; k < chains; ++k) {
    const double need = static_cast<double>(n) / std::pow(2.0, chains - k);
    size_t s = first;
    while (s < candidates.size() && candidates[s].accepted < need) ++s;
    starts.push_back(s);
  }
  // Fixed-sequence testing within each chain: in a fixed order, the first non-rejection ends
  // the chain. Skipping over it would need a further correction, and would let one lucky
  // lower threshold undo a failure.
  const Candidate* last_passed = nullptr;
  double last_p_value = 1;
  for (size_t start : starts) {
    for (size_t j = start; j < candidates.size(); ++j) {
      const double p_value = PValue(candidates[j], options.precision);
      if (!(p_value <= level)) break;
      if (last_passed == nullptr || candidates[j].tau < last_passed->tau) {
        last_passed = &candidates[j];
        last_p_value = p_value;
      }
    }
  }
  if (last_passed == nullptr) return AcceptNothing(n, candidates.front().tau);
  return FromCandidate(*last_passed, n, last_p_value);
}

Threshold EmpiricalThreshold(const std::vector<float>& confidence,
                             const std::vector<bool>& correct, const ThresholdOptions& options) {
  if (confidence.size() != correct.size()) return AcceptNothing(0, 1);
  const int64_t n = static_cast<int64_t>(confidence.size());
  const std::vector<Candidate> candidates = Candidates(confidence, correct, options.grid_size);
  if (candidates.empty()) return AcceptNothing(n, 1);

  // Precision is not monotone in tau, so scan the whole list and keep the lowest threshold
  // that meets the target, not the last one before the first miss.
  const int64_t min_accepted = std::max<int64_t>(1, options.min_accepted);
  const Candidate* lowest = nullptr;
  for (const Candidate& c : candidates) {
    if (c.accepted < min_accepted) continue;
    const double precision = 1 - static_cast<double>(c.errors) / c.accepted;
    if (precision >= options.precision) lowest = &c;
  }
  if (lowest == nullptr) return AcceptNothing(n, candidates.front().tau);
  // The p-value is reported for comparison only; it played no part in the choice.
  return FromCandidate(*lowest, n, PValue(*lowest, options.precision));
}

std::vector<Threshold> PerClassThresholds(const std::vector<float>& confidence,
                                          const std::vector<bool>& correct,
                                          const std::vector<int>& predicted, int n_classes,
                                          const ThresholdOptions& options) {
  if (n_classes <= 0) return {};
  if (confidence.size() != correct.size() || confidence.size() != predicted.size()) {
    return std::vector<Threshold>(n_classes, AcceptNothing(0, 1));
  }
  // Items predicted outside [0, n_classes) belong to no class and are ignored.
  std::vector<std::vector<float>> class_confidence(n_classes);
  std::vector<std::vector<bool>> class_correct(n_classes);
  for (size_t i = 0; i < confidence.size(); ++i) {
    const int c = predicted[i];
    if (c < 0 || c >= n_classes) continue;
    class_confidence[c].push_back(confidence[i]);
    class_correct[c].push_back(correct[i]);
  }
  // Bonferroni: K tests at delta / K fail together with probability <= delta, so every
  // class's guarantee holds at once with probability >= 1 - delta.
  ThresholdOptions per_class = options;
  per_class.delta = options.delta / n_classes;
  std::vector<Threshold> thresholds;
  thresholds.reserve(n_classes);
  for (int c = 0; c < n_classes; ++c) {
    thresholds.push_back(GuaranteedThreshold(class_confidence[c], class_correct[c], per_class));
  }
  return thresholds;
}

Realised Apply(double tau, const std::vector<float>& confidence, const std::vector<bool>& correct) {
  Realised r;
  r.precision = 1;
  if (confidence.size() != correct.size()) return r;  // unusable, see the top of the file
  r.n = static_cast<int64_t>(confidence.size());
  for (size_t i = 0; i < confidence.size(); ++i) {
    if (!(confidence[i] >= tau)) continue;
    ++r.accepted;
    r.errors += correct[i] ? 0 : 1;
  }
  r.coverage = r.n > 0 ? static_cast<double>(r.accepted) / r.n : 0;
  if (r.accepted > 0) r.precision = 1 - static_cast<double>(r.errors) / r.accepted;
  return r;
}

}  // namespace fl::route
