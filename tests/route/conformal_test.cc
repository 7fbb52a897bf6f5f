#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "route/route.h"

namespace fl::route {
namespace {

using Probs = std::vector<std::vector<float>>;

// Uniform [0, 1) and a standard normal from the raw generator, so that the seeded data
// is the same on every standard library.
double Uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
double Normal(std::mt19937_64& rng) {
  const double u1 = 1 - Uniform(rng), u2 = Uniform(rng);  // u1 in (0, 1]
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
}

// A perfectly calibrated K-class model: softmax of Gaussian logits whose scale varies
// from item to item (some flat, some peaked), with the gold label drawn from the
// probabilities themselves.
struct Data {
  Probs probs;
  std::vector<int> gold;
};
Data DrawCalibrated(std::mt19937_64& rng, int n, int n_classes) {
  Data d;
  for (int i = 0; i < n; ++i) {
    const double scale = 0.3 + 3.7 * Uniform(rng);
    std::vector<double> e(n_classes);
    double z = 0;
    for (double& v : e) z += v = std::exp(scale * Normal(rng));
    std::vector<float> p(n_classes);
    for (int k = 0; k < n_classes; ++k) p[k] = static_cast<float>(e[k] / z);
    double u = Uniform(rng) * z, cum = 0;
    int gold = n_classes - 1;
    for (int k = 0; k < n_classes; ++k) {
      cum += e[k];
      if (u < cum) {
        gold = k;
        break;
      }
    }
    d.probs.push_back(std::move(p));
    d.gold.push_back(gold);
  }
  return d;
}

bool Contains(const std::vector<int>& set, int label) {
  return std::find(set.begin(), set.end(), label) != set.end();
}

ConformalCalibration Cal(ConformalMethod method, double qhat) {
  ConformalCalibration cal;
  cal.method = method;
  cal.qhat = qhat;
  return cal;
}

TEST(ConformalTest, QhatIsTheRankCeilNPlusOneTimesOneMinusAlphaScore) {
  // Nine items, gold probabilities 0.9, 0.8, ..., 0.1: LAC scores 1 - p are 0.1 .. 0.9.
  Probs probs;
  std::vector<int> gold;
  for (int i = 9; i >= 1; --i) {
    probs.push_back({0.1f * i, 1 - 0.1f * i});
    gold.push_back(0);
  }
  auto qhat = [&](double alpha) {
    return CalibrateConformal(probs, gold, alpha, ConformalMethod::kLac).qhat;
  };
  auto score = [](float p) { return 1.0 - static_cast<double>(p); };
  // rank = ceil(10 (1 - alpha)); several of these are integers that floating point
  // overshoots (10 * (1 - 0.2) is not exactly 8), which must not bump the rank.
  EXPECT_EQ(qhat(0.5), score(0.1f * 5));   // rank 5
  EXPECT_EQ(qhat(0.3), score(0.1f * 3));   // rank 7
  EXPECT_EQ(qhat(0.7), score(0.1f * 7));   // rank 3, though 10 * (1 - 0.7) = 3.0000000000000004
  EXPECT_EQ(qhat(0.25), score(0.1f * 2));  // rank ceil(7.5) = 8
  EXPECT_EQ(qhat(0.2), score(0.1f * 2));   // rank 8
  EXPECT_EQ(qhat(0.1), score(0.1f * 1));   // rank 9 = n
  EXPECT_EQ(qhat(0.05), 1.0);              // rank ceil(9.5) = 10 > n: every label
  EXPECT_EQ(qhat(0.0), 1.0);
  EXPECT_EQ(qhat(0.95), score(0.1f * 9));  // rank ceil(0.5) = 1: the smallest score

  const ConformalCalibration cal = CalibrateConformal(probs, gold, 0.2, ConformalMethod::kLac);
  EXPECT_EQ(cal.method, ConformalMethod::kLac);
  EXPECT_EQ(cal.alpha, 0.2);
  // Unusable input leaves qhat at 1: every label, the safe side.
  EXPECT_EQ(CalibrateConformal({}, {}, 0.1, ConformalMethod::kLac).qhat, 1.0);
  EXPECT_EQ(CalibrateConformal(probs, {0}, 0.1, ConformalMethod::kLac).qhat, 1.0);
}

TEST(ConformalTest, ApsScoreIsMassDownToGold) {
  // With one item and alpha = 0.5 the rank is ceil(2 * 0.5) = 1: qhat is that item's score.
  auto aps_score = [](std::vector<float> p, int gold) {
    return CalibrateConformal({p}, {gold}, 0.5, ConformalMethod::kAps).qhat;
  };
  EXPECT_EQ(aps_score({0.5f, 0.3f, 0.2f}, 0), double{0.5f});
  EXPECT_EQ(aps_score({0.5f, 0.3f, 0.2f}, 1), double{0.5f} + double{0.3f});
  EXPECT_EQ(aps_score({0.2f, 0.5f, 0.3f}, 2), double{0.5f} + double{0.3f});  // order-free
  EXPECT_EQ(aps_score({0.4f, 0.4f, 0.2f}, 0), double{0.4f} + double{0.4f});  // ties count
  EXPECT_EQ(aps_score({0.4f, 0.4f, 0.2f}, 1), double{0.4f} + double{0.4f});
  EXPECT_EQ(aps_score({0.5f, 0.3f, 0.2f}, 2), double{0.5f} + double{0.3f} + double{0.2f});
  // LAC on the same item: 1 - p(gold).
  EXPECT_EQ(CalibrateConformal({{0.5f, 0.3f, 0.2f}}, {1}, 0.5, ConformalMethod::kLac).qhat,
            1.0 - double{0.3f});
}

TEST(ConformalTest, LacSetsAreThresholdedAndNeverEmpty) {
  EXPECT_EQ(PredictionSet({0.1f, 0.5f, 0.4f}, Cal(ConformalMethod::kLac, 0.6)),
            (std::vector<int>{1, 2}));  // p >= 0.4, most probable first
  EXPECT_EQ(PredictionSet({0.1f, 0.5f, 0.4f}, Cal(ConformalMethod::kLac, 0.55)),
            (std::vector<int>{1}));
  EXPECT_EQ(PredictionSet({0.1f, 0.5f, 0.4f}, Cal(ConformalMethod::kLac, 1.0)),
            (std::vector<int>{1, 2, 0}));
  // Calibration where the gold label always had probability 1 gives qhat = 0; a flat
  // prediction then has no label with p >= 1, and the set is still the top label.
  const ConformalCalibration sharp =
      CalibrateConformal(Probs(20, {1.0f, 0.0f, 0.0f}), std::vector<int>(20, 0), 0.1,
                         ConformalMethod::kLac);
  ASSERT_EQ(sharp.qhat, 0.0);
  EXPECT_EQ(PredictionSet({0.3f, 0.45f, 0.25f}, sharp), (std::vector<int>{1}));
  EXPECT_TRUE(PredictionSet({}, sharp).empty());
}

TEST(ConformalTest, ApsSetsIncludeTheCrossingLabel) {
  const std::vector<float> p = {0.2f, 0.5f, 0.3f};
  EXPECT_EQ(PredictionSet(p, Cal(ConformalMethod::kAps, 0.6)), (std::vector<int>{1, 2}));
  EXPECT_EQ(PredictionSet(p, Cal(ConformalMethod::kAps, 0.5)), (std::vector<int>{1}));
  EXPECT_EQ(PredictionSet(p, Cal(ConformalMethod::kAps, 0.81)), (std::vector<int>{1, 2, 0}));
  EXPECT_EQ(PredictionSet(p, Cal(ConformalMethod::kAps, 0.0)), (std::vector<int>{1}));
  // Tied labels join together.
  EXPECT_EQ(PredictionSet({0.2f, 0.4f, 0.4f}, Cal(ConformalMethod::kAps, 0.3)),
            (std::vector<int>{1, 2}));
}

// On the calibration data itself at least ceil((n + 1)(1 - alpha)) of the n scores are
// <= qhat, so if the sets contain exactly the labels scoring <= qhat, in-sample coverage
// is >= 1 - alpha without any randomness. This pins the set rule to the score.
TEST(ConformalTest, SetsAgreeWithScoresOnCalibrationData) {
  std::mt19937_64 rng(11);
  const Data cal_data = DrawCalibrated(rng, 999, 6);
  for (ConformalMethod method : {ConformalMethod::kLac, ConformalMethod::kAps}) {
    for (double alpha : {0.05, 0.1, 0.2, 0.5}) {
      const ConformalCalibration cal =
          CalibrateConformal(cal_data.probs, cal_data.gold, alpha, method);
      int covered = 0;
      for (size_t i = 0; i < cal_data.gold.size(); ++i) {
        covered += Contains(PredictionSet(cal_data.probs[i], cal), cal_data.gold[i]);
      }
      const int needed = static_cast<int>(std::ceil(1000 * (1 - alpha) - 1e-9));
      EXPECT_GE(covered, needed) << "alpha=" << alpha << " aps=" << (method == ConformalMethod::kAps);
    }
  }
}

TEST(ConformalTest, CoverageOnFreshDataAcrossSeeds) {
  const int kSeeds = 10, kClasses = 5;
  for (ConformalMethod method : {ConformalMethod::kLac, ConformalMethod::kAps}) {
    for (double alpha : {0.1, 0.2}) {
      double coverage_sum = 0, size_sum = 0;
      for (int seed = 1; seed <= kSeeds; ++seed) {
        std::mt19937_64 rng(seed);
        const Data cal_data = DrawCalibrated(rng, 1000, kClasses);
        const Data test = DrawCalibrated(rng, 5000, kClasses);
        const ConformalCalibration cal =
            CalibrateConformal(cal_data.probs, cal_data.gold, alpha, method);
        int covered = 0;
        int64_t sizes = 0;
        for (size_t i = 0; i < test.gold.size(); ++i) {
          const std::vector<int> set = PredictionSet(test.probs[i], cal);
          ASSERT_FALSE(set.empty());
          covered += Contains(set, test.gold[i]);
          sizes += static_cast<int64_t>(set.size());
        }
        const double coverage = covered / 5000.0;
        // Coverage given one calibration draw is Beta-distributed around 1 - alpha with
        // sd ~0.01 here, plus ~0.005 of test-draw noise: 0.035 is over 3 sd.
        EXPECT_GE(coverage, 1 - alpha - 0.035) << "seed " << seed;
        coverage_sum += coverage;
        size_sum += sizes / 5000.0;
      }
      const double mean_coverage = coverage_sum / kSeeds, mean_size = size_sum / kSeeds;
      std::printf("  %s alpha=%.2f: mean coverage %.4f, mean set size %.2f of %d\n",
                  method == ConformalMethod::kLac ? "LAC" : "APS", alpha, mean_coverage,
                  mean_size, kClasses);
      EXPECT_GE(mean_coverage, 1 - alpha - 0.01);
      if (method == ConformalMethod::kLac) {
        // Not trivially "every label": coverage is near, not far above, the target
        // (at most 1 - alpha + 1 / (n + 1) in expectation) and the sets are small.
        EXPECT_LE(mean_coverage, 1 - alpha + 0.02);
        EXPECT_LT(mean_size, 2.5);
      } else {
        // Non-randomised APS always adds the label that crosses qhat, whose own score
        // is above qhat, so it over-covers (here ~0.99); it must still leave labels out.
        EXPECT_LT(mean_size, kClasses - 0.5);
      }
    }
  }
}

TEST(ConformalTest, ApsSetSizesAdaptToUncertainty) {
  // At one qhat, a peaked prediction reaches the mass in one label, a flat one needs all.
  const ConformalCalibration hand = Cal(ConformalMethod::kAps, 0.9);
  const std::vector<float> peaked = {0.01f, 0.96f, 0.01f, 0.01f, 0.01f};
  const std::vector<float> flat = {0.18f, 0.2f, 0.24f, 0.2f, 0.18f};
  EXPECT_EQ(PredictionSet(peaked, hand), (std::vector<int>{1}));
  EXPECT_EQ(PredictionSet(flat, hand).size(), 5u);  // 0.24, 0.44, 0.64, 0.82, 1.0

  std::mt19937_64 rng(5);
  const Data cal_data = DrawCalibrated(rng, 2000, 5);
  const ConformalCalibration cal =
      CalibrateConformal(cal_data.probs, cal_data.gold, 0.1, ConformalMethod::kAps);
  ASSERT_LT(cal.qhat, 1.0);
  // The same on fresh data: uncertain items get bigger sets than confident ones.
  const Data test = DrawCalibrated(rng, 5000, 5);
  double confident_size = 0, uncertain_size = 0;
  int confident = 0, uncertain = 0;
  for (const std::vector<float>& p : test.probs) {
    const float top = *std::max_element(p.begin(), p.end());
    const size_t size = PredictionSet(p, cal).size();
    if (top > 0.9f) {
      confident_size += size;
      ++confident;
    } else if (top < 0.4f) {
      uncertain_size += size;
      ++uncertain;
    }
  }
  ASSERT_GT(confident, 100);
  ASSERT_GT(uncertain, 100);
  std::printf("  APS qhat %.4f: mean set size %.2f when top p > 0.9, %.2f when top p < 0.4\n",
              cal.qhat, confident_size / confident, uncertain_size / uncertain);
  EXPECT_GT(uncertain_size / uncertain, confident_size / confident + 1.0);
}

}  // namespace
}  // namespace fl::route
