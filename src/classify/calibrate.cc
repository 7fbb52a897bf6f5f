// Temperature scaling (Guo et al. 2017): one scalar T > 0 divides the scores before the
// softmax, chosen to minimise the negative log-likelihood on held-out data. It changes
// confidences, never the ranking of labels, so accuracy is untouched.
#include <algorithm>
#include <cmath>

#include "classify/classify.h"

namespace fl::classify {
namespace {

double MeanNll(const std::vector<std::vector<float>>& scores, const std::vector<int>& y,
               double temperature) {
  double total = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const std::vector<float>& s = scores[i];
    double mx = s[0];
    for (float v : s) mx = std::max<double>(mx, v);
    double z = 0;
    for (float v : s) z += std::exp((v - mx) / temperature);
    total += -((s[y[i]] - mx) / temperature - std::log(z));
  }
  return scores.empty() ? 0 : total / scores.size();
}

}  // namespace

float FitTemperature(const std::vector<std::vector<float>>& scores, const std::vector<int>& y) {
  if (scores.empty()) return 1.0f;
  // NLL is unimodal in log T for practical score sets; golden-section search on
  // log T in [log 1e-3, log 1e2].
  double lo = std::log(1e-3), hi = std::log(1e2);
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
  double fa = MeanNll(scores, y, std::exp(a)), fb = MeanNll(scores, y, std::exp(b));
  for (int it = 0; it < 60; ++it) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = MeanNll(scores, y, std::exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = MeanNll(scores, y, std::exp(b));
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
