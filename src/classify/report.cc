// The HTML evaluation report: one self-contained page (inline CSS and SVG, no scripts, no
// external resources) so it can be mailed, archived or opened offline. The charts are in
// svg.cc; this file lays out the page. Every string from user data (labels, field names,
// the title, model metadata) is HTML-escaped.

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "classify/classify.h"
#include "classify/svg.h"

namespace fl::classify {
namespace {

using svg::EscapeHtml;
using svg::Printf;

constexpr const char* kStyle = R"css(
:root {
  --bg: #f4f6f9; --card: #fff; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb;
  --accent: #2563eb; --good: #15803d; --bad: #c2410c; --head: #0f172a;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
        "Noto Sans", sans-serif;
}
header.page { background: var(--head); color: #f8fafc; padding: 28px 0 22px; }
header.page .inner, main { max-width: 1320px; margin: 0 auto; padding: 0 32px; }
header.page h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; letter-spacing: -0.01em; }
header.page .sub { margin: 0; color: #94a3b8; }
header.page nav { margin-top: 14px; display: flex; flex-wrap: wrap; gap: 8px; }
header.page nav a {
  color: #e2e8f0; text-decoration: none; border: 1px solid #334155; border-radius: 999px;
  padding: 2px 12px; font-size: 13px;
}
header.page nav a:hover { background: #1e293b; }
main { padding-top: 24px; padding-bottom: 48px; }
section.field { margin-bottom: 40px; }
section.field > h2 { font-size: 20px; margin: 8px 0 14px; font-weight: 650; }
h2 code, h3 code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: #e2e8f0; border-radius: 5px; padding: 1px 7px; font-size: 0.9em;
}
.pill {
  display: inline-block; margin-left: 8px; padding: 1px 10px; border-radius: 999px;
  background: #e0e7ff; color: #3730a3; font-size: 12px; font-weight: 500; vertical-align: 3px;
}
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  box-shadow: 0 1px 2px rgba(15, 23, 42, .04), 0 2px 10px rgba(15, 23, 42, .04);
  padding: 16px 20px; margin-top: 16px; min-width: 0;
}
.card h3 { margin: 0; font-size: 15px; font-weight: 600; }
.card .hint { margin: 2px 0 10px; color: var(--muted); font-size: 12.5px; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; }
.stat {
  flex: 1 1 auto; min-width: 112px; padding: 10px 14px; border-radius: 8px;
  background: #f8fafc; border: 1px solid #eef2f7;
}
.stat .k {
  font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em;
  white-space: nowrap;
}
.stat .v { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.stat .note { font-size: 12px; color: var(--muted); }
.stat .from { color: var(--muted); font-weight: 500; font-size: 17px; }
.stat .arrow { color: #94a3b8; font-weight: 400; margin: 0 4px; }
.stat .good { color: var(--good); }
.stat .bad { color: var(--bad); }
.stat .cov { display: flex; gap: 16px; }
.stat .cov small { display: block; font-size: 11px; font-weight: 500; color: var(--muted); line-height: 1.2; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; }
.charts .card { margin-top: 16px; }
svg.chart { display: block; width: 100%; height: auto; margin: 0 auto; font-family: inherit; }
svg .grid { stroke: #eef0f3; }
svg .frame { fill: none; stroke: #cbd5e1; }
svg .tick { font-size: 11px; fill: var(--muted); font-variant-numeric: tabular-nums; }
svg .axis-title { font-size: 12px; fill: #374151; font-weight: 500; }
svg .diag { stroke: #64748b; stroke-dasharray: 4 3; stroke-width: 1.2; }
svg .acc { fill: #3b82f6; fill-opacity: .85; }
svg .gap { fill: #f97316; fill-opacity: .22; stroke: #ea580c; stroke-width: .8; }
svg .hist { fill: #94a3b8; fill-opacity: .5; }
svg .legend text { font-size: 11px; fill: #374151; }
svg .legend-bg { fill: #fff; fill-opacity: .9; stroke: var(--line); }
svg .area { fill: #3b82f6; fill-opacity: .1; }
svg .curve { fill: none; stroke: var(--accent); stroke-width: 2; stroke-linejoin: round; }
svg .target { stroke: #dc2626; stroke-dasharray: 5 4; stroke-width: 1.2; }
svg .marker { fill: #dc2626; stroke: #fff; stroke-width: 2; }
svg .marker-label { font-size: 12.5px; font-weight: 650; fill: #b91c1c; }
svg .note { font-size: 11px; fill: #b91c1c; }
svg .halo { paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
svg .hm-bg { fill: #fbfcfd; }
svg .cells.gapped rect { stroke: #fff; stroke-width: 1; }
svg .cells text { text-anchor: middle; dominant-baseline: central; font-variant-numeric: tabular-nums; }
svg .on-dark { fill: #fff; font-weight: 600; }
svg .on-light { fill: #1f2937; }
svg .hm-labels text { fill: #374151; dominant-baseline: central; }
svg .muted, svg .hm-labels text.muted { fill: #9ca3af; }
.hm-wrap { overflow-x: auto; }
.hm-legend { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 18px;
  color: var(--muted); font-size: 12.5px; margin-bottom: 8px; }
.ramp { display: inline-block; width: 90px; height: 10px; border-radius: 3px;
  vertical-align: -1px; margin: 0 6px; border: 1px solid var(--line); }
.ramp.blue { background: linear-gradient(90deg, #dae1f1, #1d4ed8); }
.ramp.orange { background: linear-gradient(90deg, #f4dccf, #ea580c); }
.scroll { max-height: 560px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
table.pc { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.pc th {
  position: sticky; top: 0; background: #f8fafc; text-align: left; font-size: 12px;
  font-weight: 600; color: var(--muted); padding: 8px 12px; border-bottom: 1px solid var(--line);
  text-transform: uppercase; letter-spacing: .04em;
}
table.pc td { padding: 5px 12px; border-bottom: 1px solid #f1f5f9; }
table.pc tr:hover td { background: #f8fafc; }
table.pc .num { text-align: right; }
table.pc td.label { word-break: break-word; max-width: 420px; }
table.pc tr.absent td { color: #9ca3af; }
td.f1 { white-space: nowrap; }
.bar { display: inline-block; width: 80px; height: 8px; background: #eef2f7; border-radius: 4px;
  margin-right: 8px; vertical-align: 0; overflow: hidden; }
.bar > span { display: block; height: 100%; border-radius: 4px; }
details.meta summary { cursor: pointer; font-weight: 600; }
details.meta pre {
  background: var(--head); color: #e2e8f0; padding: 14px 16px; border-radius: 8px;
  overflow: auto; max-height: 520px; margin: 12px 0 0;
  font: 12px/1.55 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 0 0 32px; }
@media print {
  body { background: #fff; }
  .scroll { max-height: none; overflow: visible; }
  .card { box-shadow: none; break-inside: avoid; }
}
)css";

// 12345 -> "12,345".
std::string GroupThousands(long v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string Percent(double share) { return Printf("%.1f%%", 100 * share); }

// One tile of the summary: a small caps key, a big value and an optional grey note.
void AppendStat(std::string* o, std::string_view key, const std::string& value_html,
                std::string_view note = "") {
  *o += "<div class=\"stat\"><div class=\"k\">" +
        EscapeHtml(key) + "</div><div class=\"v\">" + value_html + "</div>";
  if (!note.empty()) *o += "<div class=\"note\">" + EscapeHtml(note) + "</div>";
  *o += "</div>";
}

double CoverageOr0(const EvalReport& r, const std::string& key) {
  auto it = r.coverage_at_precision.find(key);
  return it == r.coverage_at_precision.end() ? 0.0 : it->second;
}

void AppendSummary(std::string* o, const EvalReport& r) {
  *o += "<div class=\"card\"><h3>Summary</h3><p class=\"hint\">Held-out evaluation. "
        "Coverage is the share of items that can be auto-accepted, most confident first, while "
        "the accepted ones keep the stated precision.</p><div class=\"stats\">";
  AppendStat(o, "Items", GroupThousands(r.n),
             GroupThousands(static_cast<long>(r.labels.size())) + " labels");
  AppendStat(o, "Accuracy", Percent(r.accuracy), "top-1");
  AppendStat(o, "Macro-F1", Printf("%.3f", r.macro_f1), "class average");
  AppendStat(o, "ECE",
             "<span class=\"from\">" + Percent(r.ece_uncalibrated) +
                 "</span><span class=\"arrow\">\u2192</span><span class=\"to " +
                 (r.ece <= r.ece_uncalibrated ? "good" : "bad") + "\">" + Percent(r.ece) +
                 "</span>",
             "before \u2192 after calibration");
  AppendStat(o, "AURC", Printf("%.4f", r.aurc), "lower is better");
  std::string coverage = "<span class=\"cov\">";
  for (const char* key : {"0.90", "0.95", "0.99"}) {
    coverage += std::string("<span><small>") + key + "</small>" + Percent(CoverageOr0(r, key)) +
                "</span>";
  }
  coverage += "</span>";
  AppendStat(o, "Coverage at precision", coverage, "share auto-accepted");
  AppendStat(o, "Latency", r.ms_per_item > 0 ? Printf("%.3g ms", r.ms_per_item) : "\u2014",
             "per item");
  *o += "</div></div>";
}

void AppendCharts(std::string* o, const EvalReport& r) {
  *o += "<div class=\"charts\">";
  *o += "<div class=\"card\"><h3>Reliability \u2014 before calibration</h3><p class=\"hint\">"
        "Raw softmax (T = 1), 15 bins. ECE " +
        Percent(r.ece_uncalibrated) + ". Bars below the diagonal: over-confident.</p>" +
        svg::ReliabilityDiagram(r.reliability_uncalibrated) + "</div>";
  *o += "<div class=\"card\"><h3>Reliability \u2014 after calibration</h3><p class=\"hint\">"
        "Temperature-scaled, 15 bins. ECE " +
        Percent(r.ece) + ". Faint bars: items per bin.</p>" +
        svg::ReliabilityDiagram(r.reliability) + "</div>";
  const double coverage_95 = CoverageOr0(r, "0.95");
  *o += "<div class=\"card\"><h3>Risk\u2013coverage</h3><p class=\"hint\">Error rate of the "
        "most confident items. AURC " +
        Printf("%.4f", r.aurc) + " (lower is better); precision 0.95 up to " +
        Percent(coverage_95) + " coverage.</p>" +
        svg::RiskCoverageChart(r.risk_coverage, coverage_95) + "</div>";
  *o += "</div>";
}

void AppendConfusion(std::string* o, const EvalReport& r) {
  const size_t n = r.labels.size();
  *o += "<div class=\"card\"><h3>Confusion matrix</h3><p class=\"hint\">Rows: gold label; "
        "columns: predicted label. Colour shows the share of the gold row";
  *o += n > 25 ? "; counts and names are in each cell's tooltip.</p>" : ".</p>";
  *o += "<div class=\"hm-legend\"><span>correct<span class=\"ramp blue\"></span></span>"
        "<span>confused<span class=\"ramp orange\"></span></span><span>0 \u2192 100% of the "
        "row</span></div><div class=\"hm-wrap\">" +
        svg::ConfusionHeatmap(r.labels, r.confusion) + "</div></div>";
}

// Red-to-green colour for a score in [0, 1] (hue 0..130).
std::string ScoreColour(double v) {
  return Printf("hsl(%.0f 62%% 45%%)", 130 * std::clamp(v, 0.0, 1.0));
}

void AppendPerClassTable(std::string* o, const EvalReport& r) {
  std::vector<const ClassStats*> rows;
  for (const ClassStats& s : r.per_class) rows.push_back(&s);
  std::stable_sort(rows.begin(), rows.end(), [](const ClassStats* a, const ClassStats* b) {
    if (a->support != b->support) return a->support > b->support;
    return a->label < b->label;
  });
  *o += "<div class=\"card\"><h3>Per class</h3><p class=\"hint\">Sorted by support (gold "
        "count). Greyed rows have no gold items.</p><div class=\"scroll\"><table class=\"pc\">"
        "<thead><tr><th>Label</th><th class=\"num\">Support</th><th class=\"num\">Predicted"
        "</th><th class=\"num\">Precision</th><th class=\"num\">Recall</th><th>F1</th></tr>"
        "</thead><tbody>";
  for (const ClassStats* s : rows) {
    *o += s->support == 0 ? "<tr class=\"absent\">" : "<tr>";
    *o += "<td class=\"label\">" + EscapeHtml(s->label) + "</td>";
    *o += "<td class=\"num\">" + GroupThousands(s->support) + "</td><td class=\"num\">" +
          GroupThousands(s->predicted) + "</td>";
    *o += Printf("<td class=\"num\">%.3f</td><td class=\"num\">%.3f</td>", s->precision,
                 s->recall);
    *o += Printf("<td class=\"f1\"><span class=\"bar\"><span style=\"width:%.1f%%;"
                 "background:%s\"></span></span>%.3f</td></tr>",
                 100 * std::clamp(s->f1, 0.0, 1.0), ScoreColour(s->f1).c_str(), s->f1);
  }
  *o += "</tbody></table></div></div>";
}

void AppendRouting(std::string* o, const RoutingReport& r) {
  *o += "<div class=\"card\"><h3>Routing</h3><p class=\"hint\">Threshold chosen on the calibration "
        "data so that precision \u2265 " + Printf("%.2f", r.target_precision) + " holds with probability \u2265 " +
        Printf("%.2f", 1 - r.delta) + "; measured here. Costs are estimated from prompt sizes at the "
        "configured token prices.</p><div class=\"stats\">";
  AppendStat(o, "Automated", Percent(r.coverage), Printf("threshold %.4f", r.threshold));
  AppendStat(o, "Precision", Printf("%.4f", r.precision), "of automated decisions");
  AppendStat(o, "To the LLM", GroupThousands(r.to_llm), "then a person if it fails");
  AppendStat(o, "To a person", GroupThousands(r.to_human), "directly");
  const double saved = r.all_llm_cost > 0 ? 1 - r.hybrid_cost / r.all_llm_cost : 0;
  AppendStat(o, "LLM spend", Printf("%.4g", r.hybrid_cost), "vs " + Printf("%.4g", r.all_llm_cost) + " all-LLM");
  AppendStat(o, "Saved", Percent(saved), "of the all-LLM spend");
  *o += "</div>";
  const double share = r.all_llm_cost > 0 ? r.hybrid_cost / r.all_llm_cost : 0;
  *o += svg::CostPrecisionChart(r.cost_curve, r.target_precision, share) + "</div>";
}

void AppendField(std::string* o, const EvalReport& r, size_t index, const RoutingReport* routing) {
  *o += Printf("<section class=\"field\" id=\"field-%zu\">", index);
  *o += "<h2>Field <code>" + EscapeHtml(r.field) + "</code><span class=\"pill\">" +
        GroupThousands(static_cast<long>(r.labels.size())) + " labels</span></h2>";
  AppendSummary(o, r);
  if (routing != nullptr) AppendRouting(o, *routing);
  AppendCharts(o, r);
  AppendConfusion(o, r);
  AppendPerClassTable(o, r);
  *o += "</section>";
}

// Pretty-printed when the metadata parses as JSON; shown as given otherwise.
std::string PrettyMetadata(const std::string& metadata_json) {
  if (metadata_json.empty()) return "(none)";
  // ordered_json keeps the keys in the order the model file wrote them.
  const auto parsed = nlohmann::ordered_json::parse(metadata_json, nullptr,
                                                    /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return metadata_json;
  return parsed.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

std::string RenderHtmlReport(const std::vector<EvalReport>& reports, const std::string& title,
                             const std::string& model_metadata_json,
                             const std::vector<RoutingReport>& routing) {
  std::string o;
  o.reserve(64 * 1024);
  o += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<meta name=\"generator\" content=\"frontline\"><title>" +
       EscapeHtml(title) + "</title>\n<style>" + kStyle + "</style></head>\n<body>";

  long total_items = 0;
  for (const EvalReport& r : reports) total_items = std::max<long>(total_items, r.n);
  o += "<header class=\"page\"><div class=\"inner\"><h1>" + EscapeHtml(title) + "</h1>";
  o += "<p class=\"sub\">Evaluation report \u00b7 " + GroupThousands(static_cast<long>(reports.size())) +
       (reports.size() == 1 ? " field" : " fields") + " \u00b7 " + GroupThousands(total_items) +
       " held-out items</p>";
  if (reports.size() > 1) {
    o += "<nav>";
    for (size_t i = 0; i < reports.size(); ++i) {
      o += Printf("<a href=\"#field-%zu\">", i) + EscapeHtml(reports[i].field) + "</a>";
    }
    o += "</nav>";
  }
  o += "</div></header>\n<main>";
  for (size_t i = 0; i < reports.size(); ++i) {
    const RoutingReport* rr = nullptr;
    for (const RoutingReport& candidate : routing) {
      if (candidate.field == reports[i].field) rr = &candidate;
    }
    AppendField(&o, reports[i], i, rr);
    o += "\n";
  }
  o += "<div class=\"card\"><details class=\"meta\"><summary>Model metadata</summary><pre>" +
       EscapeHtml(PrettyMetadata(model_metadata_json)) + "</pre></details></div>";
  o += "</main>\n<footer>Generated by frontline \u00b7 self-contained page, no external "
       "resources</footer>\n</body></html>\n";
  return o;
}

}  // namespace fl::classify
