// Sampler: greedy, or llama.cpp's chain penalties -> top-k -> top-p -> min-p ->
// temperature -> draw.
//
// Top-p and min-p look at the probabilities before temperature (softmax of the penalised
// logits), as llama.cpp's default chain does; temperature only shapes the final draw.
// Candidates are ordered by (logit descending, id ascending), so ties always resolve to the
// lowest id and the result does not depend on how the standard library sorts.
//
// The random numbers are splitmix64 turned into doubles by hand: std::*_distribution
// differ between standard libraries, and the same seed must give the same tokens on every
// platform (up to the last bit of std::exp, which can only matter at a draw boundary).
// Weights are float exp (several times faster than double over a 150k vocabulary), summed
// in double.
#include <algorithm>
#include <cmath>
#include <limits>

#include "lm/lm.h"

namespace fl::lm {
namespace {

using Candidate = std::pair<float, int32_t>;

// a ranks before b: higher logit, then lower id.
bool Better(const Candidate& a, const Candidate& b) {
  return a.first > b.first || (a.first == b.first && a.second < b.second);
}

// NaN logits (a broken model) would break the strict weak ordering the heap and sort need;
// they rank last instead.
float Clean(float x) { return std::isnan(x) ? -std::numeric_limits<float>::infinity() : x; }

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [0, 1) with 53 random bits.
double Uniform(uint64_t& state) { return static_cast<double>(SplitMix64(state) >> 11) * 0x1.0p-53; }

}  // namespace

Sampler::Sampler(const SamplerOptions& options) : options_(options), rng_state_(options.seed) {}

void Sampler::Accept(int32_t id) {
  const size_t window = options_.repeat_last_n > 0 ? static_cast<size_t>(options_.repeat_last_n) : 0;
  if (window == 0) return;
  if (recent_.size() < window) {
    recent_.push_back(id);
    return;
  }
  recent_[recent_next_] = id;
  recent_next_ = (recent_next_ + 1) % window;
}

void Sampler::Reset() {
  recent_.clear();
  recent_next_ = 0;
  rng_state_ = options_.seed;
}

int32_t Sampler::Sample(const float* logits, int n_vocab) {
  if (n_vocab <= 0) return -1;
  const size_t n = static_cast<size_t>(n_vocab);
  // The only allocations: the first call's (and a larger vocabulary's).
  if (candidates_.capacity() < n) candidates_.reserve(n);

  // Penalties work on a copy: the caller's logits (the session's buffer) stay as they are.
  const bool penalise = !recent_.empty() && (options_.repeat_penalty != 1.0f || options_.frequency_penalty != 0 ||
                                             options_.presence_penalty != 0);
  const float* src = logits;
  if (penalise) {
    penalised_.assign(logits, logits + n);
    // Count each token of the window once: sort the window's ids (in candidates_, which is
    // refilled below) and walk the runs. O(w log w) and no extra buffer.
    candidates_.clear();
    for (int32_t id : recent_) candidates_.emplace_back(0.0f, id);
    std::sort(candidates_.begin(), candidates_.end(),
              [](const Candidate& a, const Candidate& b) { return a.second < b.second; });
    for (size_t i = 0; i < candidates_.size();) {
      const int32_t id = candidates_[i].second;
      size_t j = i;
      while (j < candidates_.size() && candidates_[j].second == id) ++j;
      const float count = static_cast<float>(j - i);
      i = j;
      if (id < 0 || static_cast<size_t>(id) >= n) continue;  // a token of another vocabulary
      float& l = penalised_[id];
      l = l <= 0 ? l * options_.repeat_penalty : l / options_.repeat_penalty;
      l -= count * options_.frequency_penalty + options_.presence_penalty;
    }
    src = penalised_.data();
  }

  // A temperature too small to divide by safely is greedy too.
  if (!(options_.temperature >= 1e-6f)) {
    // Strict > keeps the first (lowest) id among equal maxima.
    size_t best = 0;
    float best_logit = Clean(src[0]);
    for (size_t i = 1; i < n; ++i) {
      const float l = Clean(src[i]);
      if (l > best_logit) {
        best_logit = l;
        best = i;
      }
    }
    return static_cast<int32_t>(best);
  }

  // 1. The candidate set, sorted best first where a later step needs the order.
  candidates_.clear();
  const float min_p = options_.min_p;
  const bool use_top_p = options_.top_p < 1.0f;
  float max_logit = -std::numeric_limits<float>::infinity();
  double z_all = 0;  // softmax normaliser over the whole vocabulary (top-k off), for top-p
  const bool use_top_k = options_.top_k > 0 && static_cast<size_t>(options_.top_k) < n;
  if (use_top_k) {
    // A heap of the k best seen so far; its front is the worst of them. One pass, and most
    // tokens are rejected with a single comparison against the front.
    const size_t k = static_cast<size_t>(options_.top_k);
    for (size_t i = 0; i < n; ++i) {
      const Candidate c(Clean(src[i]), static_cast<int32_t>(i));
      if (candidates_.size() < k) {
        candidates_.push_back(c);
        std::push_heap(candidates_.begin(), candidates_.end(), Better);
      } else if (Better(c, candidates_.front())) {
        std::pop_heap(candidates_.begin(), candidates_.end(), Better);
        candidates_.back() = c;
        std::push_heap(candidates_.begin(), candidates_.end(), Better);
      }
    }
    std::sort_heap(candidates_.begin(), candidates_.end(), Better);
    max_logit = candidates_.front().first;
  } else {
    for (size_t i = 0; i < n; ++i) max_logit = std::max(max_logit, Clean(src[i]));
    // Min-p keeps p >= min_p * p_max, i.e. logit >= max + log(min_p); filtering before the
    // sort leaves a handful of tokens instead of the vocabulary. Top-p then needs the
    // normaliser of the full vocabulary: the kept set is the same as min-p after top-p
    // (both cut a prefix of the same order, with the same probabilities).
    // (min(.., max): a min_p above 1 still keeps the best token.)
    const float floor =
        min_p > 0 ? std::min(max_logit, max_logit + std::log(min_p)) : -std::numeric_limits<float>::infinity();
    for (size_t i = 0; i < n; ++i) {
      const float l = Clean(src[i]);
      if (use_top_p) z_all += std::exp(l - max_logit);
      if (l >= floor) candidates_.emplace_back(l, static_cast<int32_t>(i));
    }
    // Left unsorted: top-p sorts only as much of the best as it needs, and the draw does
    // not care about the order.
  }
  size_t kept = candidates_.size();
  size_t sorted = use_top_k ? kept : 0;
  if (!std::isfinite(max_logit)) {
    // All -inf (nothing to choose by) or some +inf (infinitely likely): the best one.
    return std::min_element(candidates_.begin(), candidates_.end(), Better)->second;
  }

  // 2. Top-p: the shortest prefix whose probability reaches top_p (at least one token).
  // Unsorted candidates are sorted in growing chunks (nth_element, then sort the chunk):
  // a peaked distribution reaches top_p within the first few dozen tokens, and only a
  // flat one pays for sorting everything.
  if (use_top_p) {
    double z = z_all;
    if (use_top_k) {
      for (size_t i = 0; i < kept; ++i) z += std::exp(candidates_[i].first - max_logit);
    }
    double cumulative = 0;
    for (size_t i = 0; i < kept; ++i) {
      if (i == sorted) {
        const auto begin = candidates_.begin();
        const size_t next = std::min(kept, std::max<size_t>(64, sorted * 4));
        if (next < kept) std::nth_element(begin + sorted, begin + next, begin + kept, Better);
        std::sort(begin + sorted, begin + next, Better);
        sorted = next;
      }
      cumulative += std::exp(candidates_[i].first - max_logit) / z;
      if (cumulative >= options_.top_p) {
        kept = i + 1;
        break;
      }
    }
  }

  // 3. Min-p on the sorted top-k set (the other branch filtered already).
  if (min_p > 0 && use_top_k) {
    const float floor = max_logit + std::log(min_p);
    size_t i = 1;
    while (i < kept && candidates_[i].first >= floor) ++i;
    kept = i;
  }

  // 4. Temperature and the draw. The logits are no longer needed: each kept candidate's
  // weight replaces its logit, so exp runs once per token.
  const float inv_t = 1.0f / options_.temperature;
  double total = 0;
  for (size_t i = 0; i < kept; ++i) {
    auto& c = candidates_[i];
    c.first = std::exp((c.first - max_logit) * inv_t);
    total += c.first;
  }
  if (!(total > 0) || !std::isfinite(total)) return candidates_.front().second;
  const double target = Uniform(rng_state_) * total;
  double cumulative = 0;
  for (size_t i = 0; i < kept; ++i) {
    cumulative += candidates_[i].first;
    if (target < cumulative) return candidates_[i].second;
  }
  return candidates_[kept - 1].second;  // rounding left target at the very top
}

}  // namespace fl::lm
