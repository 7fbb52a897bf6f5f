// Temperature scaling (Guo et al. 2017): one scalar T > 0 divides the scores before the
// softmax, chosen to minimise the negative log-likelihood on held-out data. It changes
// confidences, never the ranking of labels, so accuracy is untouched.
#include <algorithm>
#include <cmath>

#include "classify/classify.h"

namespace fl::classify {
namespace {

double MeanLoss(const std::vector<std::vector<float>>& scores, const std::vector<int>& y,
                double temperature, CalibrationObjective objective) {
  double total = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const std::vector<float>& s = scores[i];
    size_t top = 0;
    for (size_t c = 1; c < s.size(); ++c) top = s[c] > s[top] ? c : top;
    const double mx = s[top];
    double z = 0;
    for (float v : s) z += std::exp((v - mx) / temperature);
    if (objective == CalibrationObjective::kNll) {
      total += -((s[y[i]] - mx) / temperature - std::log(z));
    } else {
      const double conf = 1.0 / z;  // softmax probability of the top label
      const double err = conf - (static_cast<int>(top) == y[i] ? 1.0 : 0.0);
      total += err * err;
    }
  }
  return scores.empty() ? 0 : total / scores.size();
}

}  // namespace

float FitTemperature(const std::vector<std::vector<float>>& scores, const std::vector<int>& y,
                     CalibrationObjective objective) {
  if (scores.empty()) return 1.0f;
  // Both losses are unimodal in log T for practical score sets.
  double lo = std::log(1e-3), hi = std::log(1e2);
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
  double fa = MeanLoss(scores, y, std::exp(a), objective), fb = MeanLoss(scores, y, std::exp(b), objective);
  for (int it = 0; it < 60; ++it) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = MeanLoss(scores, y, std::exp(a), objective);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = MeanLoss(scores, y, std::exp(b), objective);
    }
  }
  return static_cast<float>(std::exp((lo + hi) / 2));
}

void SoftmaxInPlace(std::vector<float>* scores, float temperature) {
  if (scores == nullptr || scores->empty()) return;
  float mx = (*scores)[0];
  for (float v : *scores) mx = std::max(mx, v);
  double z = 0;
  for (float& v : *scores) {
    v = std::exp((v - mx) / temperature);
    z += v;
  }
  for (float& v : *scores) v = static_cast<float>(v / z);
}

std::vector<std::pair<int, float>> TopK(const std::vector<float>& probs, int k) {
  std::vector<std::pair<int, float>> out;
  out.reserve(probs.size());
  for (size_t i = 0; i < probs.size(); ++i) out.emplace_back(static_cast<int>(i), probs[i]);
  k = std::clamp(k, 0, static_cast<int>(out.size()));
  std::partial_sort(out.begin(), out.begin() + k, out.end(), [](const auto& a, const auto& b) {
    return a.second > b.second || (a.second == b.second && a.first < b.first);
  });
  out.resize(k);
  return out;
}

}  // namespace fl::classify
