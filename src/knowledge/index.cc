// The BM25F index snapshot: build, load, search, reranking, snippets.
#include <algorithm>
#include <chrono>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <set>
#include <thread>

#include "knowledge/segment.h"
#include "text/text.h"

namespace fl::knowledge {

Index Index::Build(std::vector<Document> docs, const IndexOptions& options) {
  for (Document& d : docs) {
    if (d.source.empty()) d.source = d.id;
  }
  Index index;
  index.options_ = options;
  auto seg = Segment::FromBytes(Segment::Encode(docs, options.analyzer), "(in memory)");
  index.segments_.push_back(std::move(seg).value());  // what Encode writes always validates
  index.files_.push_back("");
  index.Finish();
  return index;
}

void Index::Finish() {
  base_.clear();
  int n = 0;
  for (const auto& s : segments_) {
    base_.push_back(n);
    n += s->size();
  }
  deleted_.resize(n, 0);
  live_ = 0;
  std::array<double, kNumFields> total = {0, 0, 0};
  for (size_t s = 0; s < segments_.size(); ++s) {
    for (int d = 0; d < segments_[s]->size(); ++d) {
      if (deleted_[base_[s] + d]) continue;
      ++live_;
      const auto len = segments_[s]->lengths(d);
      for (int f = 0; f < kNumFields; ++f) total[f] += len[f];
    }
  }
  for (int f = 0; f < kNumFields; ++f) avg_length_[f] = live_ ? std::max(1e-9, total[f] / live_) : 1;
  // Each field's weight over its BM25 length normalisation, per document: the scoring
  // loop then multiplies term frequencies only.
  field_factor_.resize(n);
  for (size_t s = 0; s < segments_.size(); ++s) {
    for (int d = 0; d < segments_[s]->size(); ++d) {
      const auto len = segments_[s]->lengths(d);
      for (int f = 0; f < kNumFields; ++f) {
        field_factor_[base_[s] + d][f] =
            options_.weights[f] / (1.0 - options_.b + options_.b * len[f] / avg_length_[f]);
      }
    }
  }
}

Document Index::document(int doc) const {
  const size_t s = std::upper_bound(base_.begin(), base_.end(), doc) - base_.begin() - 1;
  return segments_[s]->document(doc - base_[s]);
}

namespace {

std::vector<std::string> QueryTerms(std::string_view query, const AnalyzerOptions& analyzer) {
  std::vector<std::string> terms = Analyze(query, analyzer);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  return terms;
}

double Idf(double n, double df) { return std::log(1.0 + (n - df + 0.5) / (df + 0.5)); }

// Per-thread scratch, so a query allocates nothing proportional to the index.
struct Scratch {
  std::vector<double> score;
  std::vector<uint32_t> touched;
  std::vector<Posting> list;
};

}  // namespace

void Index::LivePostings(const std::string& term, std::vector<Posting>* out) const {
  out->clear();
  for (size_t s = 0; s < segments_.size(); ++s) segments_[s]->AppendPostings(term, base_[s], deleted_, out);
}

double Index::MaxScore(std::string_view query) const {
  std::vector<Posting> list;
  double sum = 0;
  for (const std::string& t : QueryTerms(query, options_.analyzer)) {
    LivePostings(t, &list);
    if (!list.empty()) sum += Idf(live_, static_cast<double>(list.size()));
  }
  return sum;
}

std::vector<Hit> Index::Search(std::string_view query, int k, const SearchOptions& search) const {
  const std::vector<std::string> terms = QueryTerms(query, options_.analyzer);
  thread_local Scratch scratch;
  std::vector<double>& score = scratch.score;
  std::vector<uint32_t>& touched = scratch.touched;
  if (score.size() < deleted_.size()) score.assign(deleted_.size(), 0.0);
  touched.clear();
  for (const std::string& t : terms) {
    LivePostings(t, &scratch.list);
    if (scratch.list.empty()) continue;
    const double idf = Idf(live_, static_cast<double>(scratch.list.size()));
    for (const Posting& p : scratch.list) {
      const std::array<double, kNumFields>& factor = field_factor_[p.doc];
      const double tf = p.tf[0] * factor[0] + p.tf[1] * factor[1] + p.tf[2] * factor[2];
      if (tf == 0) continue;
      if (score[p.doc] == 0) touched.push_back(p.doc);
      score[p.doc] += idf * tf / (options_.k1 + tf);
    }
  }
  auto better = [&](uint32_t a, uint32_t b) { return score[a] != score[b] ? score[a] > score[b] : a < b; };
  const size_t depth = std::min(touched.size(), static_cast<size_t>(std::max(k, search.rerank_depth)));
  std::partial_sort(touched.begin(), touched.begin() + depth, touched.end(), better);
  std::vector<Hit> hits;
  for (size_t i = 0; i < depth; ++i) hits.push_back({static_cast<int>(touched[i]), score[touched[i]], ""});
  for (uint32_t d : touched) score[d] = 0;
  if (search.rerank_depth > 0) Rerank(query, search.rerank_depth, &hits);
  if (hits.size() > static_cast<size_t>(std::max(k, 0))) hits.resize(std::max(k, 0));
  if (search.snippets) {
    for (Hit& h : hits) h.snippet = Snippet(document(h.doc).body, terms, options_.analyzer);
  }
  return hits;
}

namespace {

// Distinct adjacent pairs of analysed terms.
std::set<std::pair<std::string, std::string>> Bigrams(const std::vector<std::string>& terms) {
  std::set<std::pair<std::string, std::string>> out;
  for (size_t i = 1; i < terms.size(); ++i) out.emplace(terms[i - 1], terms[i]);
  return out;
}

bool HasDigit(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

// Phrase bonus: the share of the query's adjacent term pairs that also stand adjacent in
// the title or body. Exact bonus: the share of the query's tokens with digits (error
// codes, KB numbers, hosts) found verbatim. Each lifts the BM25F score proportionally.
void Index::Rerank(std::string_view query, size_t depth, std::vector<Hit>* hits) const {
  constexpr double kPhraseWeight = 0.3, kExactWeight = 0.3;
  const auto query_pairs = Bigrams(Analyze(query, options_.analyzer));
  std::set<std::string> codes;
  for (const std::string& t : text::Tokenize(query)) {
    if (HasDigit(t)) codes.insert(t);
  }
  if (query_pairs.empty() && codes.empty()) return;
  depth = std::min(depth, hits->size());
  for (size_t i = 0; i < depth; ++i) {
    Hit& h = (*hits)[i];
    const Document d = document(h.doc);
    double bonus = 0;
    if (!query_pairs.empty()) {
      auto pairs = Bigrams(Analyze(d.title, options_.analyzer));
      pairs.merge(Bigrams(Analyze(d.body, options_.analyzer)));
      const auto found = std::count_if(query_pairs.begin(), query_pairs.end(), [&](const auto& p) { return pairs.count(p) > 0; });
      bonus += kPhraseWeight * static_cast<double>(found) / query_pairs.size();
    }
    if (!codes.empty()) {
      std::set<std::string> tokens;
      for (const std::string* f : {&d.title, &d.headings, &d.body}) {
        for (std::string& t : text::Tokenize(*f)) tokens.insert(std::move(t));
      }
      const auto found = std::count_if(codes.begin(), codes.end(), [&](const std::string& c) { return tokens.count(c) > 0; });
      bonus += kExactWeight * static_cast<double>(found) / codes.size();
    }
    h.score *= 1 + bonus;
  }
  std::stable_sort(hits->begin(), hits->begin() + depth, [](const Hit& a, const Hit& b) { return a.score > b.score; });
}

std::string Snippet(const std::string& body, const std::vector<std::string>& query_terms,
                    const AnalyzerOptions& analyzer, size_t width) {
  // Words of the body with their byte ranges; a word matches when its analysed form is a
  // query term.
  std::set<std::string> wanted(query_terms.begin(), query_terms.end());
  std::vector<std::string> prefixes;
  for (const std::string& t : query_terms) prefixes.push_back(t.substr(0, 2));
  std::string lower = body;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
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
    // Stemming keeps a token's first two letters, so a word without any term's first two
    // letters cannot match: most words skip the analyser.
    const std::string_view word = std::string_view(lower).substr(s, i - s);
    bool hit = std::any_of(prefixes.begin(), prefixes.end(),
                           [&](const std::string& p) { return word.find(p) != std::string_view::npos; });
    if (hit) {
      const std::vector<std::string> a = Analyze(std::string_view(body).substr(s, i - s), analyzer);
      hit = std::any_of(a.begin(), a.end(), [&](const std::string& t) { return wanted.count(t) > 0; });
    }
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

Result<Index> Index::Open(const std::string& dir, const Manifest& m) {
  Index index;
  index.options_ = m.options;
  index.generation_ = m.generation;
  for (const Manifest::Entry& e : m.segments) {
    FL_ASSIGN_OR_RETURN(auto seg, Segment::Open(dir + "/" + e.file));
    index.segments_.push_back(std::move(seg));
    index.files_.push_back(e.file);
  }
  // Deletion marks first, so Finish computes the statistics of live documents once.
  int base = 0;
  for (size_t s = 0; s < m.segments.size(); ++s) {
    const int n = index.segments_[s]->size();
    index.deleted_.resize(base + n, 0);
    for (uint32_t d : m.segments[s].deleted) {
      if (d >= static_cast<uint32_t>(n)) {
        return DataLossError(dir + "/MANIFEST: deleted document " + std::to_string(d) + " is not in " +
                             m.segments[s].file);
      }
      index.deleted_[base + d] = 1;
    }
    base += n;
  }
  index.Finish();
  return index;
}

Result<Index> Index::Load(const std::string& dir) {
  // A writer may remove the segments of the manifest just read (it has committed a newer
  // one): read the manifest again.
  for (int attempt = 0;; ++attempt) {
    FL_ASSIGN_OR_RETURN(Manifest m, ReadManifest(dir));
    auto index = Open(dir, m);
    if (index.ok() || index.status().code() != StatusCode::kNotFound || attempt == 5) return index;
    std::this_thread::sleep_for(std::chrono::milliseconds(10 << attempt));
  }
}

}  // namespace fl::knowledge
