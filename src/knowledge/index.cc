// The BM25F index: build, search, snippets, and its file.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "knowledge/knowledge.h"

namespace fl::knowledge {
namespace {

constexpr char kMagic[] = "FLKNOW1\n";
constexpr const char* kFileName = "/index.flk";

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a varint at *at; false when it runs past end or over 10 bytes.
bool GetVarint(std::string_view data, size_t* at, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*at >= data.size()) return false;
    const uint8_t byte = static_cast<uint8_t>(data[(*at)++]);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

void PutString(std::string* out, const std::string& s) {
  PutVarint(out, s.size());
  out->append(s);
}

bool GetString(std::string_view data, size_t* at, std::string* s) {
  uint64_t n;
  if (!GetVarint(data, at, &n) || n > data.size() - *at) return false;
  s->assign(data.substr(*at, n));
  *at += n;
  return true;
}

}  // namespace

Index Index::Build(std::vector<Document> docs, const IndexOptions& options) {
  Index index;
  index.options_ = options;
  index.docs_ = std::move(docs);
  index.lengths_.resize(index.docs_.size());
  std::array<double, kNumFields> total = {0, 0, 0};
  for (size_t d = 0; d < index.docs_.size(); ++d) {
    const Document& doc = index.docs_[d];
    const std::string* fields[kNumFields] = {&doc.title, &doc.headings, &doc.body};
    std::map<std::string, std::array<uint16_t, kNumFields>> tf;
    for (int f = 0; f < kNumFields; ++f) {
      const std::vector<std::string> terms = Analyze(*fields[f], options.analyzer);
      index.lengths_[d][f] = static_cast<uint32_t>(terms.size());
      total[f] += terms.size();
      for (const std::string& t : terms) {
        uint16_t& c = tf[t][f];
        if (c < UINT16_MAX) ++c;
      }
    }
    for (const auto& [term, counts] : tf) index.postings_[term].push_back({static_cast<uint32_t>(d), counts});
  }
  for (int f = 0; f < kNumFields; ++f) {
    index.avg_length_[f] = index.docs_.empty() ? 1 : std::max(1e-9, total[f] / index.docs_.size());
  }
  return index;
}

std::vector<Hit> Index::Search(std::string_view query, int k) const {
  std::vector<std::string> terms = Analyze(query, options_.analyzer);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  std::vector<double> score(docs_.size(), 0.0);
  std::vector<uint32_t> touched;
  const double n = static_cast<double>(docs_.size());
  for (const std::string& t : terms) {
    auto it = postings_.find(t);
    if (it == postings_.end()) continue;
    const double df = static_cast<double>(it->second.size());
    const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    for (const Posting& p : it->second) {
      double tf = 0;
      for (int f = 0; f < kNumFields; ++f) {
        if (p.tf[f] == 0) continue;
        const double norm = 1.0 - options_.b + options_.b * lengths_[p.doc][f] / avg_length_[f];
        tf += options_.weights[f] * p.tf[f] / norm;
      }
      if (score[p.doc] == 0) touched.push_back(p.doc);
      score[p.doc] += idf * tf / (options_.k1 + tf);
    }
  }
  std::sort(touched.begin(), touched.end(), [&](uint32_t a, uint32_t b) {
    return score[a] != score[b] ? score[a] > score[b] : a < b;
  });
  std::vector<Hit> hits;
  for (size_t i = 0; i < touched.size() && static_cast<int>(i) < k; ++i) {
    Hit h;
    h.doc = static_cast<int>(touched[i]);
    h.score = score[touched[i]];
    h.snippet = Snippet(docs_[h.doc].body, terms, options_.analyzer);
    hits.push_back(std::move(h));
  }
  return hits;
}

std::string Snippet(const std::string& body, const std::vector<std::string>& query_terms,
                    const AnalyzerOptions& analyzer, size_t width) {
  // Words of the body with their byte ranges; a word matches when its analysed form is a
  // query term.
  std::set<std::string> wanted(query_terms.begin(), query_terms.end());
  struct Word {
    size_t start, end;
    bool hit;
  };
  std::vector<Word> words;
  size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    const size_t s = i;
    while (i < body.size() && !std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    if (i == s) break;
    const std::vector<std::string> a = Analyze(std::string_view(body).substr(s, i - s), analyzer);
    const bool hit = std::any_of(a.begin(), a.end(), [&](const std::string& t) { return wanted.count(t) > 0; });
    words.push_back({s, i, hit});
  }
  if (words.empty()) return "";
  // The window of words spanning at most `width` bytes with the most hits.
  size_t best_first = 0, best_hits = 0, hits = 0, first = 0;
  for (size_t last = 0; last < words.size(); ++last) {
    hits += words[last].hit;
    while (words[last].end - words[first].start > width && first < last) hits -= words[first++].hit;
    if (hits > best_hits) best_hits = hits, best_first = first;
  }
  std::string out = words[best_first].start > 0 ? "…" : "";
  size_t last = best_first;
  while (last + 1 < words.size() && words[last + 1].end - words[best_first].start <= width) ++last;
  for (size_t w = best_first; w <= last; ++w) {
    if (w > best_first) out += ' ';
    const std::string token = body.substr(words[w].start, words[w].end - words[w].start);
    out += words[w].hit ? "[" + token + "]" : token;
  }
  if (words[last].end < body.size()) out += "…";
  return out;
}

Status Index::Save(const std::string& dir) const {
  nlohmann::json header = {{"format", "frontline-knowledge"},
                           {"version", 1},
                           {"k1", options_.k1},
                           {"b", options_.b},
                           {"weights", options_.weights},
                           {"stem", options_.analyzer.stem},
                           {"stopwords", options_.analyzer.stopwords},
                           {"documents", docs_.size()},
                           {"terms", postings_.size()},
                           {"built", UtcTimestamp()}};
  const std::string h = header.dump();
  std::string out(kMagic);
  const uint32_t hl = static_cast<uint32_t>(h.size());
  out.append(reinterpret_cast<const char*>(&hl), 4);
  out += h;
  for (size_t d = 0; d < docs_.size(); ++d) {
    PutString(&out, docs_[d].id);
    PutString(&out, docs_[d].title);
    PutString(&out, docs_[d].headings);
    PutString(&out, docs_[d].body);
    for (int f = 0; f < kNumFields; ++f) PutVarint(&out, lengths_[d][f]);
  }
  // Terms sorted, so the file is the same for the same input.
  std::vector<const std::string*> terms;
  for (const auto& [t, p] : postings_) terms.push_back(&t);
  std::sort(terms.begin(), terms.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  for (const std::string* t : terms) {
    const std::vector<Posting>& list = postings_.at(*t);
    PutString(&out, *t);
    PutVarint(&out, list.size());
    uint32_t prev = 0;
    for (const Posting& p : list) {
      PutVarint(&out, p.doc - prev);
      prev = p.doc;
      for (int f = 0; f < kNumFields; ++f) PutVarint(&out, p.tf[f]);
    }
  }
  const uint64_t sum = Hash64(out);
  out.append(reinterpret_cast<const char*>(&sum), 8);
  return WriteFileAtomic(dir + kFileName, out);
}

Result<Index> Index::Load(const std::string& dir) {
  const std::string path = dir + kFileName;
  FL_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  auto bad = [&](const std::string& why) { return DataLossError(path + ": not a valid frontline index: " + why); };
  const size_t magic = std::strlen(kMagic);
  if (data.size() < magic + 4 + 8 || data.compare(0, magic, kMagic) != 0) return bad("bad magic or too short");
  uint64_t sum;
  std::memcpy(&sum, data.data() + data.size() - 8, 8);
  const std::string_view body = std::string_view(data).substr(0, data.size() - 8);
  if (Hash64(body) != sum) return bad("checksum mismatch (truncated or modified)");
  size_t at = magic;
  uint32_t hl;
  std::memcpy(&hl, data.data() + at, 4);
  at += 4;
  if (hl > body.size() - at) return bad("header length out of range");
  const nlohmann::json h = nlohmann::json::parse(body.substr(at, hl), nullptr, false);
  at += hl;
  if (!h.is_object() || h.value("format", "") != "frontline-knowledge" || !h.contains("documents") ||
      !h["documents"].is_number_unsigned() || !h.contains("terms") || !h["terms"].is_number_unsigned() ||
      !h.contains("weights") || !h["weights"].is_array() || h["weights"].size() != kNumFields) {
    return bad("header");
  }
  Index index;
  index.options_.k1 = h.value("k1", 1.2);
  index.options_.b = h.value("b", 0.75);
  for (int f = 0; f < kNumFields; ++f) index.options_.weights[f] = h["weights"][f].get<double>();
  index.options_.analyzer.stem = h.value("stem", true);
  index.options_.analyzer.stopwords = h.value("stopwords", true);
  const uint64_t n_docs = h["documents"], n_terms = h["terms"];
  if (n_docs > body.size() || n_terms > body.size()) return bad("counts larger than the file");
  index.docs_.resize(n_docs);
  index.lengths_.resize(n_docs);
  std::array<double, kNumFields> total = {0, 0, 0};
  for (uint64_t d = 0; d < n_docs; ++d) {
    Document& doc = index.docs_[d];
    if (!GetString(body, &at, &doc.id) || !GetString(body, &at, &doc.title) ||
        !GetString(body, &at, &doc.headings) || !GetString(body, &at, &doc.body)) {
      return bad("document " + std::to_string(d) + " runs past the end");
    }
    for (int f = 0; f < kNumFields; ++f) {
      uint64_t v;
      if (!GetVarint(body, &at, &v) || v > UINT32_MAX) return bad("document lengths");
      index.lengths_[d][f] = static_cast<uint32_t>(v);
      total[f] += v;
    }
  }
  for (int f = 0; f < kNumFields; ++f) index.avg_length_[f] = n_docs ? std::max(1e-9, total[f] / n_docs) : 1;
  for (uint64_t t = 0; t < n_terms; ++t) {
    std::string term;
    uint64_t count;
    if (!GetString(body, &at, &term) || !GetVarint(body, &at, &count) || count > n_docs) return bad("term " + std::to_string(t));
    std::vector<Posting>& list = index.postings_[term];
    list.reserve(count);
    uint64_t doc = 0;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t delta;
      if (!GetVarint(body, &at, &delta)) return bad("postings of '" + term + "'");
      doc += delta;
      if (doc >= n_docs || (i > 0 && delta == 0)) return bad("posting out of order or range for '" + term + "'");
      Posting p{static_cast<uint32_t>(doc), {0, 0, 0}};
      for (int f = 0; f < kNumFields; ++f) {
        uint64_t v;
        if (!GetVarint(body, &at, &v) || v > UINT16_MAX) return bad("term frequencies of '" + term + "'");
        p.tf[f] = static_cast<uint16_t>(v);
      }
      list.push_back(p);
    }
  }
  if (at != body.size()) return bad("trailing bytes");
  return index;
}

}  // namespace fl::knowledge
