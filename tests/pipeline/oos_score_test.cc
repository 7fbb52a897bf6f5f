// The out-of-scope rule's score: certainty of the whole distribution, and the legacy top
// probability of routing files calibrated before it.
#include <cmath>

#include <gtest/gtest.h>

#include "pipeline/pipeline.h"

namespace fl::pipeline {
namespace {

TEST(OosScoreTest, CertaintyIsOneForASureAnswerAndZeroForAUniformOne) {
  FieldRouting r;
  r.oos_label = "oos";
  EXPECT_NEAR(InScopeScore(r, {1, 0, 0, 0}, -1), 1.0, 1e-9);
  EXPECT_NEAR(InScopeScore(r, {0.25f, 0.25f, 0.25f, 0.25f}, -1), 0.0, 1e-6);
  // Mass on the out-of-scope class lowers it further.
  EXPECT_NEAR(InScopeScore(r, {0.7f, 0.3f}, 1), 1 - (-(0.7 * std::log(0.7) + 0.3 * std::log(0.3)) / std::log(2)) - 0.3,
              1e-6);
}

// Two answers with the same top probability: the one whose remaining mass is spread over
// many labels (an unfamiliar query) scores lower than the one torn between two labels.
TEST(OosScoreTest, SpreadOutRemainderScoresLowerThanATwoWayTie) {
  FieldRouting r;
  r.oos_label = "oos";
  std::vector<float> tie(10, 0.f), spread(10, 0.05f);
  tie[0] = 0.55f;
  tie[1] = 0.45f;
  spread[0] = 0.55f;
  EXPECT_GT(InScopeScore(r, tie, 9), InScopeScore(r, spread, 9));
  r.oos_score = FieldRouting::OosScore::kTopProbability;
  EXPECT_FLOAT_EQ(InScopeScore(r, tie, 9), InScopeScore(r, spread, 9)) << "the legacy score cannot tell them apart";
}

TEST(OosScoreTest, IsOutOfScopeUsesTheTopLabelAndTheThreshold) {
  FieldRouting r;
  r.oos_label = "oos";
  r.oos_threshold = 0.5;
  const std::vector<std::string> labels = {"a", "b", "oos"};
  EXPECT_TRUE(IsOutOfScope(r, labels, {0.2f, 0.2f, 0.6f})) << "top label is the out-of-scope class";
  EXPECT_FALSE(IsOutOfScope(r, labels, {0.98f, 0.01f, 0.01f}));
  EXPECT_TRUE(IsOutOfScope(r, labels, {0.4f, 0.35f, 0.25f})) << "spread out: certainty below 0.5";
  r.oos_label.clear();
  EXPECT_FALSE(IsOutOfScope(r, labels, {0.2f, 0.2f, 0.6f})) << "no out-of-scope handling without a label";
}

}  // namespace
}  // namespace fl::pipeline
