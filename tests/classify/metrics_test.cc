// Metrics and the HTML report, against hand-computed values.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "classify/classify.h"
#include "classify/svg.h"

namespace fl::classify {
namespace {

// Float confidences (0.8f is not 0.8) limit the agreement with hand-computed doubles.
constexpr double kTol = 1e-6;

TEST(ExpectedCalibrationError, AllInOneBin) {
  // One bin: accuracy 3/4, mean confidence 0.8 -> |0.75 - 0.8| = 0.05.
  EXPECT_NEAR(ExpectedCalibrationError({0.8f, 0.8f, 0.8f, 0.8f}, {true, true, true, false}), 0.05,
              kTol);
}

TEST(ExpectedCalibrationError, WeightsBinsByCount) {
  // Bin 1 (0.1): accuracy 0, gap 0.1; bin 14 (0.95): accuracy 1, gap 0.05; each weight 1/2.
  EXPECT_NEAR(ExpectedCalibrationError({0.1f, 0.95f}, {false, true}), 0.075, kTol);
  // Weights 1/4 and 3/4: 0.25 * 0.1 + 0.75 * |2/3 - 0.9|.
  EXPECT_NEAR(ExpectedCalibrationError({0.1f, 0.9f, 0.9f, 0.9f}, {false, true, true, false}),
              0.25 * 0.1 + 0.75 * (0.9 - 2.0 / 3.0), kTol);
}

TEST(ExpectedCalibrationError, ConfidenceOneFallsInLastBin) {
  EXPECT_NEAR(ExpectedCalibrationError({1.0f, 1.0f}, {true, false}), 0.5, kTol);
  const EvalReport r = Evaluate("f", {"a", "b"}, {0, 1}, {0, 0}, {1.0f, 1.0f}, {1.0f, 0.0f});
  ASSERT_EQ(r.reliability.size(), 15u);
  EXPECT_EQ(r.reliability.back().count, 2);
  EXPECT_NEAR(r.reliability.back().hi, 1.0, 1e-12);
  EXPECT_EQ(r.reliability_uncalibrated.front().count, 1);
  EXPECT_EQ(r.reliability_uncalibrated.back().count, 1);
}

TEST(ExpectedCalibrationError, EmptyAndPerfect) {
  EXPECT_EQ(ExpectedCalibrationError({}, {}), 0.0);
  EXPECT_NEAR(ExpectedCalibrationError({1.0f, 1.0f}, {true, true}), 0.0, kTol);
}

TEST(CoverageAtPrecision, LargestPrefixMeetingTarget) {
  const std::vector<float> conf = {0.6f, 0.9f, 0.7f, 0.8f};  // order: 0.9, 0.8, 0.7, 0.6
  const std::vector<bool> correct = {true, true, false, true};
  // Prefix precisions 1, 1, 2/3, 3/4: precision is not monotone, the last prefix counts.
  EXPECT_DOUBLE_EQ(CoverageAtPrecision(conf, correct, 0.75), 1.0);
  EXPECT_DOUBLE_EQ(CoverageAtPrecision(conf, correct, 0.9), 0.5);
  EXPECT_DOUBLE_EQ(CoverageAtPrecision(conf, correct, 0.0), 1.0);
}

TEST(CoverageAtPrecision, TiesAreNotSplit) {
  // Accepting 0.8 accepts both 0.8s: prefixes k = 1 (1/1) and k = 3 (2/3), never k = 2.
  const std::vector<float> conf = {0.9f, 0.8f, 0.8f, 0.5f};
  const std::vector<bool> correct = {true, true, false, true};
  EXPECT_DOUBLE_EQ(CoverageAtPrecision(conf, correct, 0.9), 0.25);
  // Same items, tie order swapped: same answer.
  EXPECT_DOUBLE_EQ(CoverageAtPrecision({0.9f, 0.8f, 0.8f, 0.5f}, {true, false, true, true}, 0.9),
                   0.25);
}

TEST(CoverageAtPrecision, ZeroWhenTheTopGroupMisses) {
  EXPECT_EQ(CoverageAtPrecision({0.9f, 0.9f, 0.5f}, {true, false, true}, 0.95), 0.0);
  EXPECT_EQ(CoverageAtPrecision({0.7f}, {false}, 0.5), 0.0);
  EXPECT_EQ(CoverageAtPrecision({}, {}, 0.9), 0.0);
}

TEST(CoverageAtPrecision, ExactTargetCounts) {
  // 19 right of 20, all distinct: precision of everything is exactly 0.95.
  std::vector<float> conf;
  std::vector<bool> correct;
  for (int i = 0; i < 20; ++i) {
    conf.push_back(1.0f - 0.01f * i);
    correct.push_back(i != 0);  // the most confident one is wrong
  }
  EXPECT_DOUBLE_EQ(CoverageAtPrecision(conf, correct, 0.95), 1.0);
}

TEST(Aurc, MeanRiskOverPrefixes) {
  // Prefix risks 0, 1/2, 1/3.
  EXPECT_NEAR(Aurc({0.9f, 0.8f, 0.7f}, {true, false, true}), (0 + 0.5 + 1.0 / 3) / 3, 1e-12);
  EXPECT_NEAR(Aurc({0.7f, 0.9f, 0.8f}, {true, true, false}), (0 + 0.5 + 1.0 / 3) / 3, 1e-12);
  EXPECT_EQ(Aurc({0.5f, 0.4f}, {true, true}), 0.0);
  EXPECT_EQ(Aurc({0.5f, 0.4f}, {false, false}), 1.0);
  EXPECT_EQ(Aurc({}, {}), 0.0);
}

// gold a a a b b c / pred a a b b c c; label d never occurs.
EvalReport SmallReport() {
  return Evaluate("category", {"a", "b", "c", "d"}, {0, 0, 0, 1, 1, 2}, {0, 0, 1, 1, 2, 2},
                  {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f}, {0.99f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f});
}

TEST(Evaluate, AccuracyPerClassAndConfusion) {
  const EvalReport r = SmallReport();
  EXPECT_EQ(r.field, "category");
  EXPECT_EQ(r.n, 6);
  EXPECT_DOUBLE_EQ(r.accuracy, 4.0 / 6);
  const std::vector<std::vector<int>> expected = {
      {2, 1, 0, 0}, {0, 1, 1, 0}, {0, 0, 1, 0}, {0, 0, 0, 0}};
  EXPECT_EQ(r.confusion, expected);

  ASSERT_EQ(r.per_class.size(), 4u);
  const ClassStats& a = r.per_class[0];
  EXPECT_EQ(a.label, "a");
  EXPECT_EQ(a.support, 3);
  EXPECT_EQ(a.predicted, 2);
  EXPECT_DOUBLE_EQ(a.precision, 1.0);
  EXPECT_DOUBLE_EQ(a.recall, 2.0 / 3);
  EXPECT_NEAR(a.f1, 0.8, 1e-12);
  EXPECT_NEAR(r.per_class[1].f1, 0.5, 1e-12);
  EXPECT_NEAR(r.per_class[2].precision, 0.5, 1e-12);
  EXPECT_NEAR(r.per_class[2].recall, 1.0, 1e-12);
  EXPECT_NEAR(r.per_class[2].f1, 2.0 / 3, 1e-12);
  EXPECT_EQ(r.per_class[3].support, 0);
  EXPECT_EQ(r.per_class[3].f1, 0.0);
  // d occurs neither in gold nor in predictions, so it is not averaged.
  EXPECT_NEAR(r.macro_f1, (0.8 + 0.5 + 2.0 / 3) / 3, 1e-12);
}

TEST(Evaluate, PredictedOnlyClassCountsInMacroF1) {
  const EvalReport r = Evaluate("f", {"x", "y"}, {0, 0}, {0, 1}, {0.9f, 0.8f}, {0.9f, 0.8f});
  EXPECT_NEAR(r.per_class[0].f1, 2.0 / 3, 1e-12);
  EXPECT_EQ(r.per_class[1].f1, 0.0);
  EXPECT_NEAR(r.macro_f1, 1.0 / 3, 1e-12);
}

TEST(Evaluate, SelectiveMetricsMatchTheFreeFunctions) {
  const EvalReport r = SmallReport();
  const std::vector<bool> correct = {true, true, false, true, false, true};
  const std::vector<float> conf = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f};
  EXPECT_DOUBLE_EQ(r.aurc, Aurc(conf, correct));
  EXPECT_DOUBLE_EQ(r.ece, ExpectedCalibrationError(conf, correct));
  EXPECT_DOUBLE_EQ(r.ece_uncalibrated,
                   ExpectedCalibrationError({0.99f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f}, correct));
  ASSERT_EQ(r.coverage_at_precision.size(), 3u);
  EXPECT_DOUBLE_EQ(r.coverage_at_precision.at("0.90"), 2.0 / 6);
  EXPECT_DOUBLE_EQ(r.coverage_at_precision.at("0.95"), 2.0 / 6);
  EXPECT_DOUBLE_EQ(r.coverage_at_precision.at("0.99"), 2.0 / 6);
  // Small n: one point per item.
  ASSERT_EQ(r.risk_coverage.size(), 6u);
  EXPECT_DOUBLE_EQ(r.risk_coverage[2].first, 0.5);
  EXPECT_DOUBLE_EQ(r.risk_coverage[2].second, 1.0 / 3);
  EXPECT_DOUBLE_EQ(r.risk_coverage.back().first, 1.0);
  EXPECT_DOUBLE_EQ(r.risk_coverage.back().second, 2.0 / 6);
}

TEST(Evaluate, RiskCoverageIsDownsampled) {
  const int n = 1001;
  std::vector<int> gold(n), pred(n);
  std::vector<float> conf(n);
  for (int i = 0; i < n; ++i) {
    gold[i] = i % 3;
    pred[i] = i % 4 == 0 ? (gold[i] + 1) % 3 : gold[i];  // every 4th wrong
    conf[i] = 1.0f - static_cast<float>(i) / n;
  }
  const EvalReport r = Evaluate("f", {"a", "b", "c"}, gold, pred, conf, conf);
  ASSERT_LE(r.risk_coverage.size(), 200u);
  ASSERT_GE(r.risk_coverage.size(), 100u);
  EXPECT_DOUBLE_EQ(r.risk_coverage.back().first, 1.0);
  EXPECT_NEAR(r.risk_coverage.back().second, 1.0 - r.accuracy, 1e-12);
  for (size_t i = 1; i < r.risk_coverage.size(); ++i) {
    EXPECT_GT(r.risk_coverage[i].first, r.risk_coverage[i - 1].first);
  }
}

TEST(EvalReportJson, HasTheDocumentedKeys) {
  EvalReport r = SmallReport();
  r.ms_per_item = 0.25;
  const nlohmann::json j = nlohmann::json::parse(EvalReportJson(r));
  for (const char* key : {"field", "n", "accuracy", "macro_f1", "ece", "ece_uncalibrated", "aurc",
                          "coverage_at_precision", "ms_per_item", "per_class"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["field"], "category");
  EXPECT_EQ(j["n"], 6);
  EXPECT_DOUBLE_EQ(j["ms_per_item"].get<double>(), 0.25);
  for (const char* key : {"0.90", "0.95", "0.99"}) {
    EXPECT_TRUE(j["coverage_at_precision"].contains(key)) << key;
  }
  ASSERT_EQ(j["per_class"].size(), 4u);
  const nlohmann::json& a = j["per_class"][0];
  EXPECT_EQ(a["label"], "a");
  EXPECT_EQ(a["support"], 3);
  EXPECT_EQ(a["predicted"], 2);
  for (const char* key : {"precision", "recall", "f1"}) EXPECT_TRUE(a.contains(key)) << key;

  const nlohmann::json brief = nlohmann::json::parse(EvalReportJson(r, /*with_per_class=*/false));
  EXPECT_FALSE(brief.contains("per_class"));
  EXPECT_TRUE(brief.contains("aurc"));
}

TEST(EvalReportJson, InvalidUtf8LabelDoesNotThrow) {
  const EvalReport r = Evaluate("f", {"ok", "bad\xff"}, {0, 1}, {0, 1}, {0.9f, 0.8f}, {0.9f, 0.8f});
  const std::string text = EvalReportJson(r);
  nlohmann::json j;
  EXPECT_NO_THROW(j = nlohmann::json::parse(text));
  EXPECT_EQ(j["per_class"][0]["label"], "ok");
}

TEST(RenderHtmlReport, SelfContainedWithChartsAndEscapedLabels) {
  const EvalReport r = Evaluate("queue", {"<b>&", "plain"}, {0, 0, 1, 1}, {0, 1, 1, 1},
                                {0.9f, 0.6f, 0.8f, 0.7f}, {0.95f, 0.7f, 0.9f, 0.8f});
  const std::string html = RenderHtmlReport({r}, "Title <i>", R"({"algorithm":"svm","c":0.5})");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;&amp;"), std::string::npos);
  EXPECT_EQ(html.find("<b>&"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("<details"), std::string::npos);
  EXPECT_NE(html.find("&quot;algorithm&quot;: &quot;svm&quot;"), std::string::npos);
  // No external resources.
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(RenderHtmlReport, ManyLabelsAndInvalidMetadata) {
  std::vector<std::string> labels;
  std::vector<int> gold, pred;
  std::vector<float> conf;
  for (int i = 0; i < 150; ++i) labels.push_back("label_" + std::to_string(i));
  for (int i = 0; i < 3000; ++i) {
    gold.push_back(i % 150);
    pred.push_back(i % 7 == 0 ? (i + 1) % 150 : i % 150);
    conf.push_back(0.5f + 0.5f * static_cast<float>(i % 100) / 100);
  }
  const EvalReport r = Evaluate("intent", labels, gold, pred, conf, conf);
  const std::string html = RenderHtmlReport({r, r}, "t", "not json <x>");
  EXPECT_NE(html.find("label_149"), std::string::npos);
  EXPECT_NE(html.find("not json &lt;x&gt;"), std::string::npos);
  EXPECT_NE(html.find("href=\"#field-1\""), std::string::npos);
}

TEST(Svg, TruncateUtf8KeepsWholeCodePoints) {
  EXPECT_EQ(svg::TruncateUtf8("abc", 3), "abc");
  EXPECT_EQ(svg::TruncateUtf8("abcd", 3), "ab\u2026");
  EXPECT_EQ(svg::TruncateUtf8("\u00e9\u00e9\u00e9\u00e9", 3), "\u00e9\u00e9\u2026");
  EXPECT_EQ(svg::TruncateUtf8("abc", 0), "");
  EXPECT_EQ(svg::EscapeHtml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

}  // namespace
}  // namespace fl::classify
