// Suggested answers: confidence, extraction of the steps, the gate file.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>

#include <nlohmann/json.hpp>

#include "knowledge/knowledge.h"

namespace fl::knowledge {
namespace {

constexpr const char* kGateFile = "/answer-gate.json";

// A heading that introduces what to do.
bool IsStepsHeading(const std::string& headings) {
  static const std::regex kSteps(
      R"((^|> )\s*(steps?|resolution|resolve|solution|fix(es)?|workaround|procedure|instructions|how to)\b)",
      std::regex::icase);
  return std::regex_search(headings, kSteps);
}

bool IsListLine(std::string_view line) {
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string_view::npos) return false;
  line.remove_prefix(i);
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') return true;
  size_t d = 0;
  while (d < line.size() && std::isdigit(static_cast<unsigned char>(line[d]))) ++d;
  return d > 0 && d + 1 < line.size() && (line[d] == '.' || line[d] == ')') && line[d + 1] == ' ';
}

// Cuts text at a line or sentence end at most max_bytes in, never inside a UTF-8 sequence.
std::string Clip(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = text.rfind('\n', max_bytes);
  if (cut == std::string::npos || cut < max_bytes / 2) cut = text.rfind(". ", max_bytes);
  if (cut == std::string::npos || cut < max_bytes / 2) {
    cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  return text.substr(0, cut) + " …";
}

// The list lines of body, or "" when it has fewer than two.
std::string ListLines(const std::string& body) {
  std::string out;
  int n = 0;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    const std::string_view line = std::string_view(body).substr(start, end - start);
    if (IsListLine(line)) {
      out.append(line).push_back('\n');
      ++n;
    }
    start = end + 1;
  }
  if (!out.empty()) out.pop_back();
  return n >= 2 ? out : "";
}

std::string FirstSentences(const std::string& body, int sentences) {
  size_t at = 0;
  for (int i = 0; i < sentences; ++i) {
    const size_t dot = body.find_first_of(".!?", at);
    if (dot == std::string::npos) return body;
    at = dot + 1;
  }
  return body.substr(0, at);
}

}  // namespace

double AnswerConfidence(const Index& index, std::string_view query, const std::vector<Hit>& hits) {
  if (hits.empty()) return 0;
  const double max_score = index.MaxScore(query);
  if (max_score <= 0) return 0;
  // The runner-up is the best hit from another source: a runbook's other sections do not
  // make its best section less certain.
  const std::string source = index.document(hits[0].doc).source;
  double second = 0;
  for (size_t i = 1; i < hits.size(); ++i) {
    if (index.document(hits[i].doc).source != source) {
      second = hits[i].score;
      break;
    }
  }
  return std::clamp((hits[0].score - second) / max_score, 0.0, 1.0);
}

std::string ExtractAnswer(const Index& index, int doc, size_t max_bytes) {
  const Document d = index.document(doc);
  if (!IsStepsHeading(d.headings)) {
    // Another chunk of the same source with a steps heading; chunks of a source are
    // stored next to each other.
    for (int dir : {-1, 1}) {
      for (int o = doc + dir; o >= 0 && o < index.size(); o += dir) {
        if (index.deleted(o)) continue;
        const Document other = index.document(o);
        if (other.source != d.source) break;
        if (IsStepsHeading(other.headings)) {
          const std::string list = ListLines(other.body);
          return Clip(list.empty() ? other.body : list, max_bytes);
        }
      }
    }
  }
  const std::string list = ListLines(d.body);
  if (!list.empty()) return Clip(list, max_bytes);
  return Clip(IsStepsHeading(d.headings) ? d.body : FirstSentences(d.body, 3), max_bytes);
}

Answer SuggestAnswer(const Index& index, std::string_view query, double threshold) {
  Answer a;
  const std::vector<Hit> hits = index.Search(query, 10, {.snippets = false});
  if (hits.empty()) return a;
  a.doc = hits[0].doc;
  a.confidence = AnswerConfidence(index, query, hits);
  a.offered = a.confidence >= threshold;
  const Document d = index.document(a.doc);
  a.citation = d.title + (d.headings.empty() ? "" : " > " + d.headings) + " [" + d.id + "]";
  a.text = ExtractAnswer(index, a.doc);
  return a;
}

Status SaveAnswerGate(const std::string& index_dir, const AnswerGate& gate) {
  const nlohmann::json j = {{"threshold", gate.threshold}, {"feasible", gate.feasible},
                            {"precision", gate.precision}, {"delta", gate.delta},
                            {"n", gate.n},                 {"coverage", gate.coverage},
                            {"calibrated", gate.calibrated}};
  return WriteFileAtomic(index_dir + kGateFile, j.dump(1) + "\n");
}

Result<AnswerGate> LoadAnswerGate(const std::string& index_dir) {
  const std::string path = index_dir + kGateFile;
  if (!std::filesystem::exists(path)) {
    return NotFoundError(index_dir + ": no answer gate; calibrate one with frontline calibrate-answer --index " +
                         index_dir + " --queries FILE --gold FILE");
  }
  FL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  AnswerGate g;
  try {
    g.threshold = j.at("threshold").get<double>();
    g.feasible = j.at("feasible").get<bool>();
    g.precision = j.at("precision").get<double>();
    g.delta = j.at("delta").get<double>();
    g.n = j.at("n").get<int64_t>();
    g.coverage = j.at("coverage").get<double>();
    g.calibrated = j.value("calibrated", "");
  } catch (const nlohmann::json::exception& e) {
    return DataLossError(path + ": not a valid answer gate: " + e.what());
  }
  return g;
}

}  // namespace fl::knowledge
