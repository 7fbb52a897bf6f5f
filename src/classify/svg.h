// Internal to classify: the inline-SVG charts and text helpers of the HTML evaluation
// report (report.cc). Not part of the public API; include only from src/classify/.
//
// Every function is pure and returns markup ready to paste into an HTML5 page. Strings that
// come from user data (label names) are escaped here; callers pass them raw. Styling comes
// from CSS classes (`.ax`, `.grid`, ...) defined in the page's stylesheet in report.cc, so
// a chart is only readable inside that page.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "classify/classify.h"

namespace fl::classify::svg {

// printf into a std::string (GCC 12 has no <format>).
template <typename... Args>
std::string Printf(const char* format, Args... args) {
  const int size = std::snprintf(nullptr, 0, format, args...);
  if (size <= 0) return {};
  std::string out(static_cast<size_t>(size) + 1, '\0');
  std::snprintf(out.data(), out.size(), format, args...);
  out.resize(static_cast<size_t>(size));
  return out;
}

// Escapes & < > " ' so that s is safe both as element text and inside a quoted attribute.
std::string EscapeHtml(std::string_view s);

// The first max_chars code points of s, with "…" appended when something was cut. Never
// splits a UTF-8 sequence.
std::string TruncateUtf8(std::string_view s, size_t max_chars);

// Reliability diagram: per confidence bin, a bar of accuracy with the gap to the bin's mean
// confidence marked, the diagonal of perfect calibration, and the bin counts as a faint
// histogram in a strip under the plot. Empty bins draw nothing.
std::string ReliabilityDiagram(const std::vector<ReliabilityBin>& bins);

// Risk–coverage curve (x = coverage, y = risk = 1 - precision), most confident first, with
// the risk-0.05 line and, when coverage_at_95 > 0, the operating point at that coverage
// marked and labelled.
std::string RiskCoverageChart(const std::vector<std::pair<double, double>>& curve,
                              double coverage_at_95);

// Cost versus precision: x = target precision, y = the hybrid system's LLM spend as a
// share of sending everything to the LLM, with the coverage at each point as a second,
// dashed line; the operating point (marked_precision, marked_share) is marked when > 0.
std::string CostPrecisionChart(const std::vector<RoutingReport::CostPoint>& curve,
                               double marked_precision, double marked_share);

// Confusion matrix [gold][pred] as a heat map, colour normalised per gold row (blue on the
// diagonal, orange off it), counts in the cells when they are large enough to hold text,
// label names on both axes and a hover title on every non-empty cell. Cells shrink with
// the number of labels; the SVG has a viewBox so the page can scale it to fit.
std::string ConfusionHeatmap(const std::vector<std::string>& labels,
                             const std::vector<std::vector<int>>& confusion);

}  // namespace fl::classify::svg
