// Sampler: greedy and its ties, seeding, each filter of the chain, the penalties, and the
// empirical distribution against the softmax it should follow.
#include <cmath>
#include <cstdio>
#include <set>

#include <gtest/gtest.h>

#include "lm/lm.h"

namespace fl::lm {
namespace {

// No filter, temperature 1: the plain softmax.
SamplerOptions Plain(uint64_t seed = 1) {
  return {.temperature = 1.0f, .top_k = 0, .top_p = 1.0f, .min_p = 0, .seed = seed};
}

SamplerOptions Greedy() { return {.temperature = 0}; }

// Frequencies of each id over `draws` samples.
std::vector<double> Histogram(Sampler& sampler, const std::vector<float>& logits, int draws) {
  std::vector<double> freq(logits.size(), 0);
  for (int i = 0; i < draws; ++i) {
    const int32_t id = sampler.Sample(logits.data(), static_cast<int>(logits.size()));
    EXPECT_GE(id, 0);
    EXPECT_LT(id, static_cast<int32_t>(logits.size()));
    if (id >= 0 && id < static_cast<int32_t>(logits.size())) freq[id] += 1.0 / draws;
  }
  return freq;
}

std::vector<double> Softmax(const std::vector<float>& logits, double temperature) {
  double max = logits[0];
  for (float l : logits) max = std::max<double>(max, l);
  std::vector<double> p;
  double z = 0;
  for (float l : logits) z += std::exp((l - max) / temperature);
  for (float l : logits) p.push_back(std::exp((l - max) / temperature) / z);
  return p;
}

double MaxAbsDiff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

TEST(SamplerTest, GreedyPicksArgmaxAndLowestIdOnTies) {
  Sampler sampler(Greedy());
  const std::vector<float> logits = {0.1f, 3.0f, -2.0f, 2.9f};
  EXPECT_EQ(sampler.Sample(logits.data(), 4), 1);
  const std::vector<float> ties = {1.0f, 5.0f, 2.0f, 5.0f, 5.0f};
  EXPECT_EQ(sampler.Sample(ties.data(), 5), 1);
  const std::vector<float> all_equal(7, -1.0f);
  EXPECT_EQ(sampler.Sample(all_equal.data(), 7), 0);
  const std::vector<float> with_nan = {NAN, 0.5f, 1.5f};
  EXPECT_EQ(sampler.Sample(with_nan.data(), 3), 2) << "a NaN logit is never chosen";
}

TEST(SamplerTest, SameSeedSameTokensOtherSeedOthers) {
  std::vector<float> logits(100);
  for (size_t i = 0; i < logits.size(); ++i) logits[i] = static_cast<float>(i % 7) * 0.1f;
  auto run = [&](uint64_t seed) {
    Sampler sampler(Plain(seed));
    std::vector<int32_t> ids;
    for (int i = 0; i < 200; ++i) ids.push_back(sampler.Sample(logits.data(), 100));
    return ids;
  };
  EXPECT_EQ(run(42), run(42));
  // 200 draws from ~100 near-uniform tokens: equal sequences would be a broken seed.
  EXPECT_NE(run(42), run(43));
  const std::vector<int32_t> first = run(7);
  EXPECT_GT(std::set<int32_t>(first.begin(), first.end()).size(), 50u) << "draws spread over the vocabulary";
}

TEST(SamplerTest, ResetRestartsTheSequenceAndForgetsHistory) {
  SamplerOptions options = Plain(9);
  options.repeat_penalty = 2.0f;
  std::vector<float> logits = {1.0f, 1.2f, 0.8f, 1.1f};
  Sampler sampler(options);
  std::vector<int32_t> before, after;
  for (int i = 0; i < 50; ++i) before.push_back(sampler.Sample(logits.data(), 4));
  sampler.Accept(1);
  sampler.Reset();
  for (int i = 0; i < 50; ++i) after.push_back(sampler.Sample(logits.data(), 4));
  EXPECT_EQ(before, after);
}

TEST(SamplerTest, TopKOneIsGreedyAtAnyTemperature) {
  std::vector<float> logits = {0.5f, 2.0f, 1.9f, 2.0f, -1.0f};
  for (float temperature : {0.5f, 1.0f, 5.0f, 100.0f}) {
    Sampler sampler({.temperature = temperature, .top_k = 1, .top_p = 1.0f, .min_p = 0, .seed = 3});
    for (int i = 0; i < 100; ++i) ASSERT_EQ(sampler.Sample(logits.data(), 5), 1) << "temperature " << temperature;
  }
}

TEST(SamplerTest, TinyTopPIsGreedy) {
  std::vector<float> logits = {0.5f, 2.0f, 1.9f, 2.0f, -1.0f};
  for (int top_k : {0, 3}) {
    Sampler sampler({.temperature = 10.0f, .top_k = top_k, .top_p = 1e-6f, .min_p = 0, .seed = 5});
    for (int i = 0; i < 100; ++i) ASSERT_EQ(sampler.Sample(logits.data(), 5), 1) << "top_k " << top_k;
  }
}

TEST(SamplerTest, TopPKeepsTheSmallestPrefixReachingIt) {
  // Probabilities 0.5, 0.3, 0.2: top_p 0.7 needs the first two.
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
  for (int top_k : {0, 3, 100}) {
    Sampler sampler({.temperature = 1.0f, .top_k = top_k, .top_p = 0.7f, .min_p = 0, .seed = 11});
    const std::vector<double> freq = Histogram(sampler, logits, 5000);
    EXPECT_EQ(freq[2], 0) << "top_k " << top_k;
    EXPECT_NEAR(freq[0], 0.625, 0.03) << "renormalised over the kept two (0.5 / 0.8)";
  }
}

TEST(SamplerTest, MinPDropsTokensFarBelowTheBest) {
  // p ratios to the best: e^-1 = 0.37 (kept at min_p 0.1), e^-5 = 0.007 (dropped).
  const std::vector<float> logits = {0.0f, -1.0f, -5.0f, -0.5f, -6.0f};
  for (int top_k : {0, 4}) {  // the full-vocabulary path and the heap path
    Sampler sampler({.temperature = 20.0f, .top_k = top_k, .top_p = 1.0f, .min_p = 0.1f, .seed = 13});
    const std::vector<double> freq = Histogram(sampler, logits, 3000);
    EXPECT_EQ(freq[2], 0) << "top_k " << top_k;
    EXPECT_EQ(freq[4], 0) << "top_k " << top_k;
    EXPECT_GT(freq[0], 0.2);
    EXPECT_GT(freq[1], 0.2) << "at temperature 20 the kept tokens are near uniform";
    EXPECT_GT(freq[3], 0.2);
  }
  // min_p of 1 keeps only the best; above 1 still keeps it.
  for (float min_p : {1.0f, 2.0f}) {
    Sampler sampler({.temperature = 5.0f, .top_k = 0, .top_p = 1.0f, .min_p = min_p, .seed = 1});
    for (int i = 0; i < 50; ++i) ASSERT_EQ(sampler.Sample(logits.data(), 5), 0);
  }
}

TEST(SamplerTest, RepeatPenaltyMovesTheArgmaxAwayFromRecentTokens) {
  SamplerOptions options = Greedy();
  options.repeat_penalty = 1.5f;
  const std::vector<float> positive = {2.0f, 1.9f, 0.0f};
  Sampler sampler(options);
  EXPECT_EQ(sampler.Sample(positive.data(), 3), 0);
  sampler.Accept(0);
  EXPECT_EQ(sampler.Sample(positive.data(), 3), 1) << "2.0 / 1.5 < 1.9";
  // Negative logits are multiplied, which also lowers them.
  const std::vector<float> negative = {-1.0f, -1.2f};
  EXPECT_EQ(sampler.Sample(negative.data(), 2), 1) << "-1.0 * 1.5 < -1.2";
  // The window: with repeat_last_n 2, token 0 falls out after two newer tokens.
  options.repeat_last_n = 2;
  Sampler windowed(options);
  windowed.Accept(0);
  EXPECT_EQ(windowed.Sample(positive.data(), 3), 1);
  windowed.Accept(2);
  windowed.Accept(2);
  EXPECT_EQ(windowed.Sample(positive.data(), 3), 0) << "token 0 is out of the window";
  // Ids outside the vocabulary (another model's) are ignored, not written out of bounds.
  windowed.Accept(1000);
  windowed.Accept(-1);
  EXPECT_EQ(windowed.Sample(positive.data(), 3), 0);
}

TEST(SamplerTest, FrequencyAndPresencePenalties) {
  const std::vector<float> logits = {1.0f, 0.5f};
  SamplerOptions frequency = Greedy();
  frequency.frequency_penalty = 0.3f;
  Sampler a(frequency);
  a.Accept(0);
  EXPECT_EQ(a.Sample(logits.data(), 2), 0) << "1.0 - 0.3 > 0.5";
  a.Accept(0);
  EXPECT_EQ(a.Sample(logits.data(), 2), 1) << "1.0 - 2 * 0.3 < 0.5";

  SamplerOptions presence = Greedy();
  presence.presence_penalty = 0.4f;
  Sampler b(presence);
  for (int i = 0; i < 5; ++i) b.Accept(0);
  EXPECT_EQ(b.Sample(logits.data(), 2), 0) << "presence counts once: 1.0 - 0.4 > 0.5";
  presence.presence_penalty = 0.6f;
  Sampler c(presence);
  c.Accept(0);
  EXPECT_EQ(c.Sample(logits.data(), 2), 1);
}

TEST(SamplerTest, EmpiricalDistributionMatchesSoftmax) {
  const std::vector<float> logits = {1.0f, 0.2f, -0.5f, 2.0f, 0.0f, 1.5f, -2.0f, 0.7f};
  constexpr int kDraws = 20000;
  {
    Sampler sampler(Plain(2024));
    const double diff = MaxAbsDiff(Histogram(sampler, logits, kDraws), Softmax(logits, 1.0));
    std::printf("temperature 1: max |freq - softmax| = %.4f\n", diff);
    EXPECT_LT(diff, 0.02);
  }
  {
    SamplerOptions options = Plain(77);
    options.temperature = 0.5f;
    Sampler sampler(options);
    const double diff = MaxAbsDiff(Histogram(sampler, logits, kDraws), Softmax(logits, 0.5));
    std::printf("temperature 0.5: max |freq - softmax| = %.4f\n", diff);
    EXPECT_LT(diff, 0.02);
  }
  {
    // Top-k 3 at temperature 2: the softmax of the three best, renormalised.
    SamplerOptions options = Plain(5);
    options.temperature = 2.0f;
    options.top_k = 3;
    Sampler sampler(options);
    const std::vector<double> top3 = Softmax({logits[0], logits[3], logits[5]}, 2.0);
    std::vector<double> expected(logits.size(), 0);
    expected[0] = top3[0];
    expected[3] = top3[1];
    expected[5] = top3[2];
    const double diff = MaxAbsDiff(Histogram(sampler, logits, kDraws), expected);
    std::printf("top-k 3, temperature 2: max |freq - softmax| = %.4f\n", diff);
    EXPECT_LT(diff, 0.02);
  }
}

TEST(SamplerTest, LeavesTheCallersLogitsAlone) {
  constexpr int kVocab = 151936;  // Qwen2's vocabulary: the size the sampler is built for
  std::vector<float> logits(kVocab);
  uint64_t x = 88172645463325252ull;
  for (float& l : logits) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    l = static_cast<float>(x >> 40) / static_cast<float>(1 << 24) * 10.0f - 5.0f;
  }
  const std::vector<float> original = logits;
  for (SamplerOptions options : {SamplerOptions{}, SamplerOptions{.top_k = 0}, SamplerOptions{.top_k = 0, .min_p = 0},
                                 SamplerOptions{.temperature = 0}}) {
    options.repeat_penalty = 1.3f;
    options.frequency_penalty = 0.2f;
    options.presence_penalty = 0.1f;
    Sampler sampler(options);
    for (int i = 0; i < 20; ++i) {
      const int32_t id = sampler.Sample(logits.data(), kVocab);
      ASSERT_GE(id, 0);
      ASSERT_LT(id, kVocab);
      sampler.Accept(id);
    }
    EXPECT_EQ(logits, original);
  }
}

}  // namespace
}  // namespace fl::lm
