// Inline-SVG charts for the HTML evaluation report. Coordinates are in SVG user units
// (= CSS px at natural size); every chart carries a viewBox, so the page may scale it.

#include "classify/svg.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/core.h"

namespace fl::classify::svg {
namespace {

// A plot area in SVG coordinates and the data range it shows (x in [0, x_max], y in
// [0, y_max]; y grows upwards).
struct Frame {
  double left, top, width, height;
  double x_max = 1, y_max = 1;
  double X(double v) const { return left + v / x_max * width; }
  double Y(double v) const { return top + height - v / y_max * height; }
  double Bottom() const { return top + height; }
  double Right() const { return left + width; }
};

// 0.2 -> "0.2", 1 -> "1", 0.05 -> "0.05".
std::string TickLabel(double v) {
  std::string s = Printf("%.2f", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// The page's CSS scales a chart down to its container (width 100%); max-width keeps it
// from growing past its natural size.
std::string OpenSvg(double width, double height, std::string_view aria_label) {
  return Printf("<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
                "style=\"max-width:%.0fpx\" role=\"img\" aria-label=\"",
                width, height, width, height, width) +
         EscapeHtml(aria_label) + "\">";
}

// Horizontal grid lines and y tick labels at y = 0, step, ..., y_max.
void AppendYAxis(std::string* o, const Frame& f, int divisions, std::string_view title) {
  for (int i = 0; i <= divisions; ++i) {
    const double v = f.y_max * i / divisions, y = f.Y(v);
    *o += Printf("<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", f.left,
                 y, f.Right(), y);
    *o += Printf("<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                 "dominant-baseline=\"central\">%s</text>",
                 f.left - 6, y, TickLabel(v).c_str());
  }
  const double cy = f.top + f.height / 2;
  *o += Printf("<text class=\"axis-title\" x=\"12\" y=\"%.1f\" text-anchor=\"middle\" "
               "transform=\"rotate(-90 12 %.1f)\">",
               cy, cy) +
        EscapeHtml(title) + "</text>";
}

// Vertical grid lines from f.top down to grid_bottom, tick labels under label_y.
void AppendXAxis(std::string* o, const Frame& f, int divisions, double grid_bottom,
                 double label_y, std::string_view title) {
  for (int i = 0; i <= divisions; ++i) {
    const double v = f.x_max * i / divisions, x = f.X(v);
    *o += Printf("<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x,
                 f.top, x, grid_bottom);
    *o += Printf("<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", x,
                 label_y, TickLabel(v).c_str());
  }
  *o += Printf("<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
               f.left + f.width / 2, label_y + 20) +
        EscapeHtml(title) + "</text>";
}

void AppendFrameBox(std::string* o, const Frame& f) {
  *o += Printf("<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
               f.left, f.top, f.width, f.height);
}

struct Rgb {
  int r, g, b;
};

std::string Mix(Rgb a, Rgb b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  auto lerp = [t](int x, int y) { return static_cast<int>(std::lround(x + (y - x) * t)); };
  return Printf("#%02x%02x%02x", lerp(a.r, b.r), lerp(a.g, b.g), lerp(a.b, b.b));
}

std::string Percent(double share) { return Printf("%.1f%%", 100 * share); }

}  // namespace

std::string EscapeHtml(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string TruncateUtf8(std::string_view s, size_t max_chars) {
  if (max_chars == 0) return {};
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool starts_code_point = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (starts_code_point && chars++ == max_chars) {
      // Keep max_chars - 1 code points and the ellipsis, so the result has max_chars.
      size_t cut = i;
      do {
        --cut;
      } while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80);
      return std::string(s.substr(0, cut)) + "\u2026";
    }
  }
  return std::string(s);
}

std::string ReliabilityDiagram(const std::vector<ReliabilityBin>& bins) {
  const double kWidth = 420, kHeight = 304;
  const Frame f{46, 12, 360, 200};
  const double strip_top = f.Bottom() + 8, strip_height = 36;
  const double strip_bottom = strip_top + strip_height;

  std::string o = OpenSvg(kWidth, kHeight, "Reliability diagram");
  AppendYAxis(&o, f, 5, "Accuracy");
  AppendXAxis(&o, f, 5, strip_bottom, strip_bottom + 16, "Confidence");
  // Perfect calibration.
  o += Printf("<line class=\"diag\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", f.X(0),
              f.Y(0), f.X(1), f.Y(1));

  int max_count = 0;
  for (const ReliabilityBin& b : bins) max_count = std::max(max_count, b.count);
  for (const ReliabilityBin& b : bins) {
    if (b.count == 0) continue;
    const double x = f.X(b.lo) + 1, w = std::max(1.0, f.X(b.hi) - f.X(b.lo) - 2);
    o += "<g><title>" +
         Printf("confidence %.2f\u2013%.2f: %d items, accuracy %s, mean confidence %s", b.lo,
                b.hi, b.count, Percent(b.accuracy).c_str(), Percent(b.confidence).c_str()) +
         "</title>";
    o += Printf("<rect class=\"acc\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", x,
                f.Y(b.accuracy), w, f.Y(0) - f.Y(b.accuracy));
    const double gap_top = f.Y(std::max(b.accuracy, b.confidence));
    const double gap_bottom = f.Y(std::min(b.accuracy, b.confidence));
    o += Printf("<rect class=\"gap\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", x,
                gap_top, w, gap_bottom - gap_top);
    const double h = strip_height * b.count / max_count;
    o += Printf("<rect class=\"hist\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", x,
                strip_bottom - h, w, h);
    o += "</g>";
  }
  AppendFrameBox(&o, f);
  o += Printf("<line class=\"frame\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", f.left,
              strip_bottom, f.Right(), strip_bottom);
  o += Printf("<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
              "dominant-baseline=\"central\">n</text>",
              f.left - 6, strip_top + strip_height / 2);
  if (max_count > 0) {
    // Top left: low-confidence bins are usually empty, so the text rarely meets a bar.
    o += Printf("<text class=\"tick muted\" x=\"%.1f\" y=\"%.1f\">max %s</text>",
                f.left + 4, strip_top + 9, HumanCount(max_count).c_str());
  }

  // Legend, top left, where bars are usually empty.
  const double lx = f.left + 10, ly = f.top + 10;
  o += Printf("<g class=\"legend\"><rect class=\"legend-bg\" x=\"%.1f\" y=\"%.1f\" width=\"132\" "
              "height=\"52\" rx=\"4\"/>",
              lx - 4, ly - 4);
  o += Printf("<rect class=\"acc\" x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\"/>", lx, ly);
  o += Printf("<text x=\"%.1f\" y=\"%.1f\">Accuracy</text>", lx + 16, ly + 9);
  o += Printf("<rect class=\"gap\" x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\"/>", lx,
              ly + 15);
  o += Printf("<text x=\"%.1f\" y=\"%.1f\">Gap to confidence</text>", lx + 16, ly + 24);
  o += Printf("<line class=\"diag\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", lx,
              ly + 35, lx + 10, ly + 35);
  o += Printf("<text x=\"%.1f\" y=\"%.1f\">Perfect calibration</text></g>", lx + 16, ly + 39);
  o += "</svg>";
  return o;
}

std::string RiskCoverageChart(const std::vector<std::pair<double, double>>& curve,
                              double coverage_at_95) {
  const double kWidth = 420, kHeight = 290;
  const double kTargetRisk = 0.05;
  double max_risk = 0;
  for (const auto& [coverage, risk] : curve) max_risk = std::max(max_risk, risk);
  // The smallest "nice" y range that holds the curve, with its tick count.
  struct Range {
    double max;
    int divisions;
  };
  constexpr Range kRanges[] = {{0.1, 5},  {0.2, 4}, {0.25, 5}, {0.3, 6}, {0.4, 4},
                               {0.5, 5},  {0.6, 6}, {0.8, 4},  {1.0, 5}};
  Range range = kRanges[std::size(kRanges) - 1];
  for (const Range& r : kRanges) {
    if (max_risk <= r.max + 1e-9) {
      range = r;
      break;
    }
  }
  Frame f{52, 14, 350, 220};
  f.y_max = range.max;

  std::string o = OpenSvg(kWidth, kHeight, "Risk-coverage curve");
  AppendYAxis(&o, f, range.divisions, "Risk (1 \u2212 precision)");
  AppendXAxis(&o, f, 5, f.Bottom(), f.Bottom() + 16, "Coverage (share auto-accepted)");

  if (!curve.empty()) {
    std::string line, area = Printf("M%.1f,%.1f", f.X(curve.front().first), f.Y(0));
    for (size_t i = 0; i < curve.size(); ++i) {
      const std::string point = Printf("%.1f,%.1f", f.X(curve[i].first), f.Y(curve[i].second));
      line += (i == 0 ? "M" : "L") + point;
      area += "L" + point;
    }
    area += Printf("L%.1f,%.1fZ", f.X(curve.back().first), f.Y(0));
    o += "<path class=\"area\" d=\"" + area + "\"/>";
    o += "<path class=\"curve\" d=\"" + line + "\"/>";
  }

  // Target line: risk 0.05 = precision 0.95.
  const double ty = f.Y(kTargetRisk);
  o += Printf("<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", f.left,
              ty, f.Right(), ty);
  o += Printf("<text class=\"note halo\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
              "precision 0.95</text>",
              f.Right() - 4, ty - 5);
  if (coverage_at_95 > 0) {
    const double mx = f.X(coverage_at_95);
    o += Printf("<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", mx,
                ty, mx, f.Bottom());
    o += Printf("<circle class=\"marker\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"><title>precision "
                "0.95 reached up to coverage %s</title></circle>",
                mx, ty, Percent(coverage_at_95).c_str());
    const bool left_side = coverage_at_95 > 0.6;
    o += Printf("<text class=\"marker-label halo\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">"
                "%s coverage</text>",
                left_side ? mx - 9 : mx + 9, ty - 20, left_side ? "end" : "start",
                Percent(coverage_at_95).c_str());
  } else {
    o += Printf("<text class=\"note halo\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
                "no threshold reaches precision 0.95</text>",
                f.Right() - 4, ty - 20);
  }
  AppendFrameBox(&o, f);
  o += "</svg>";
  return o;
}

std::string CostPrecisionChart(const std::vector<RoutingReport::CostPoint>& curve,
                               double marked_precision, double marked_share) {
  const double kWidth = 420, kHeight = 290;
  Frame f{52, 14, 350, 220};
  const double x_min = curve.empty() ? 0.8 : curve.front().precision;
  const double x_max = curve.empty() ? 1.0 : std::max(curve.back().precision, x_min + 0.01);
  // Frame maps [0, x_max]; shift x so the plot shows [x_min, x_max].
  f.x_max = x_max - x_min;
  auto X = [&](double p) { return f.X(p - x_min); };
  std::string o = OpenSvg(kWidth, kHeight, "Cost versus precision");
  AppendYAxis(&o, f, 5, "Share of all-LLM spend / automated");
  // The x axis labels are target precisions, not [0, 1] shares: drawn here.
  o += "<g class=\"ax\">";
  for (int i = 0; i <= 4; ++i) {
    const double p = x_min + (x_max - x_min) * i / 4;
    o += Printf("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", X(p), f.Bottom() + 16,
                TickLabel(std::round(p * 1000) / 1000).c_str());
  }
  o += Printf("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">Target precision</text></g>",
              f.left + f.width / 2, f.Bottom() + 36);
  if (!curve.empty()) {
    std::string cost, coverage;
    for (size_t i = 0; i < curve.size(); ++i) {
      cost += Printf("%s%.1f,%.1f", i ? "L" : "M", X(curve[i].precision), f.Y(curve[i].cost_share));
      coverage += Printf("%s%.1f,%.1f", i ? "L" : "M", X(curve[i].precision), f.Y(curve[i].coverage));
    }
    o += "<path class=\"curve\" d=\"" + cost + "\"/>";
    o += "<path class=\"curve\" style=\"stroke-dasharray:5 4;opacity:.55\" d=\"" + coverage + "\"/>";
    const auto& last = curve.back();
    o += Printf("<text class=\"note halo\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">LLM spend</text>",
                X(last.precision) - 4, f.Y(last.cost_share) - 6);
    o += Printf("<text class=\"note halo\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">automated</text>",
                X(last.precision) - 4, f.Y(last.coverage) + 14);
  }
  if (marked_precision > 0) {
    const double mx = X(std::clamp(marked_precision, x_min, x_max)), my = f.Y(marked_share);
    o += Printf("<circle class=\"marker\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"><title>guaranteed threshold: "
                "%s of the all-LLM spend</title></circle>",
                mx, my, Percent(marked_share).c_str());
    const bool right_side = mx > f.left + f.width / 2;
    o += Printf("<text class=\"marker-label halo\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">"
                "guaranteed: %s spend</text>",
                right_side ? mx - 9 : mx + 9, my - 9, right_side ? "end" : "start", Percent(marked_share).c_str());
  }
  AppendFrameBox(&o, f);
  o += "</svg>";
  return o;
}

std::string ConfusionHeatmap(const std::vector<std::string>& labels,
                             const std::vector<std::vector<int>>& confusion) {
  const int n = static_cast<int>(labels.size());
  if (n == 0 || confusion.size() != labels.size()) return {};
  constexpr size_t kMaxLabelChars = 24;
  constexpr double kPi = 3.14159265358979323846;
  // Cells shrink with the number of labels (900 px of grid at most, 7 px per cell at least);
  // counts are drawn only where they fit, axis labels shrink with the cells.
  const double cell = std::clamp(std::floor(900.0 / n), 7.0, 36.0);
  const double label_font = std::clamp(cell * 0.8, 6.0, 12.0);
  const double count_font = std::min(12.0, cell * 0.36);
  const bool show_counts = cell >= 20;
  const double angle = cell >= 14 ? 45 : 90;  // column labels, degrees counter-clockwise

  std::vector<std::string> short_labels(n);
  size_t longest = 1;
  for (int i = 0; i < n; ++i) {
    short_labels[i] = TruncateUtf8(labels[i], kMaxLabelChars);
    size_t chars = 0;
    for (unsigned char c : short_labels[i]) chars += (c & 0xC0) != 0x80;
    longest = std::max(longest, chars);
  }
  const double label_width = longest * label_font * 0.6;  // rough width of the longest label
  const double rad = angle * kPi / 180;
  const double gx = 30 + label_width + 8;
  const double gy = 30 + label_width * std::sin(rad) + 8;
  const double grid = n * cell;
  const double width = gx + grid + label_width * std::cos(rad) + 12;
  const double height = gy + grid + 12;

  std::string o = OpenSvg(width, height, "Confusion matrix");
  o += Printf("<text class=\"axis-title\" x=\"%.1f\" y=\"16\" text-anchor=\"middle\">"
              "Predicted label</text>",
              gx + grid / 2);
  o += Printf("<text class=\"axis-title\" x=\"14\" y=\"%.1f\" text-anchor=\"middle\" "
              "transform=\"rotate(-90 14 %.1f)\">Gold label</text>",
              gy + grid / 2, gy + grid / 2);
  o += Printf("<rect class=\"hm-bg\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", gx,
              gy, grid, grid);

  const Rgb kLight{248, 250, 252}, kBlue{29, 78, 216}, kOrange{234, 88, 12};
  std::vector<int> row_total(n, 0), col_total(n, 0);
  for (int g = 0; g < n; ++g) {
    for (int p = 0; p < n && p < static_cast<int>(confusion[g].size()); ++p) {
      row_total[g] += confusion[g][p];
      col_total[p] += confusion[g][p];
    }
  }
  o += Printf("<g class=\"%s\" font-size=\"%.1f\">", cell >= 10 ? "cells gapped" : "cells",
              count_font);
  for (int g = 0; g < n; ++g) {
    for (int p = 0; p < n && p < static_cast<int>(confusion[g].size()); ++p) {
      const int count = confusion[g][p];
      if (count == 0) continue;
      const double share = static_cast<double>(count) / row_total[g];
      // sqrt: a 1% confusion should still be visible next to a 90% diagonal.
      const double t = 0.12 + 0.88 * std::sqrt(share);
      const double x = gx + p * cell, y = gy + g * cell;
      o += Printf("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", x, y,
                  cell, cell, Mix(kLight, g == p ? kBlue : kOrange, t).c_str());
      o += "<title>gold " + EscapeHtml(labels[g]) + " \u2192 predicted " + EscapeHtml(labels[p]) +
           Printf(": %d (%s of gold)", count, Percent(share).c_str()) + "</title></rect>";
      if (show_counts) {
        o += Printf("<text class=\"%s\" x=\"%.1f\" y=\"%.1f\">%s</text>",
                    t > 0.6 ? "on-dark" : "on-light", x + cell / 2, y + cell / 2,
                    HumanCount(count).c_str());
      }
    }
  }
  o += "</g>";

  o += Printf("<g class=\"hm-labels\" font-size=\"%.1f\">", label_font);
  for (int i = 0; i < n; ++i) {
    const std::string title =
        "<title>" + EscapeHtml(labels[i]) +
        Printf(" \u2014 gold %d, predicted %d", row_total[i], col_total[i]) + "</title>";
    const double cy = gy + i * cell + cell / 2;
    o += Printf("<text%s x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", row_total[i] ? "" : " class=\"muted\"",
                gx - 6, cy) +
         title + EscapeHtml(short_labels[i]) + "</text>";
    const double cx = gx + i * cell + cell / 2, ly = gy - 6;
    o += Printf("<text%s x=\"%.1f\" y=\"%.1f\" transform=\"rotate(-%.0f %.1f %.1f)\">",
                col_total[i] ? "" : " class=\"muted\"", cx, ly, angle, cx, ly) +
         title + EscapeHtml(short_labels[i]) + "</text>";
  }
  o += "</g>";
  o += Printf("<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", gx,
              gy, grid, grid);
  o += "</svg>";
  return o;
}

}  // namespace fl::classify::svg
