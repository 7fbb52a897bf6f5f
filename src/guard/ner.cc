// The name tagger: averaged perceptron, greedy BIO decoding.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "guard/guard.h"

namespace fl::guard {
namespace {

constexpr char kMagic[] = "FLNER2\n";
constexpr char kMagicV1[] = "FLNER1\n";  // before the gazetteer
const char* const kTags[] = {"O", "B-PERSON", "I-PERSON", "B-LOCATION", "I-LOCATION", "B-ORGANIZATION",
                             "I-ORGANIZATION"};
constexpr int kNumTags = 7;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Whether a token is made of symbols only: general punctuation, arrows, dingbats and the
// like (U+2000-U+2BFF), CJK punctuation (U+3000-U+303F), variation selectors and emoji
// (U+1F000-U+1FAFF): "😀", "❤", "✨" are never part of a name.
bool SymbolsOnly(std::string_view tok) {
  size_t i = 0;
  while (i < tok.size()) {
    const unsigned char b = tok[i];
    uint32_t cp = 0;
    size_t n = 1;
    if (b < 0x80) {
      if (std::isalnum(b)) return false;
      ++i;
      continue;
    }
    if ((b & 0xE0) == 0xC0) cp = b & 0x1F, n = 2;
    else if ((b & 0xF0) == 0xE0) cp = b & 0x0F, n = 3;
    else if ((b & 0xF8) == 0xF0) cp = b & 0x07, n = 4;
    else return false;  // not UTF-8: leave it to the other checks
    if (i + n > tok.size()) return false;
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(tok[i + k]) & 0x3F);
    const bool symbol = (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
                        (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x1F000 && cp <= 0x1FAFF);
    if (!symbol) return false;
    i += n;
  }
  return true;
}

// "Maria" -> "Xx", "SAP" -> "X", "2024" -> "d", "T." -> "X.", "o'neil" -> "x'x".
std::string Shape(std::string_view w) {
  std::string out;
  for (unsigned char c : w) {
    char k = std::isupper(c) ? 'X' : std::islower(c) || c >= 0x80 ? 'x' : std::isdigit(c) ? 'd' : static_cast<char>(c);
    if (out.empty() || out.back() != k) out.push_back(k);
  }
  return out;
}

std::string NormaliseTag(const std::string& raw) {
  if (raw == "O" || raw.size() < 3 || raw[1] != '-') return "O";
  const std::string type = Lower(raw.substr(2));
  std::string t;
  if (type == "person" || type == "per") t = "PERSON";
  else if (type == "location" || type == "loc" || type == "gpe") t = "LOCATION";
  else if (type == "corporation" || type == "organization" || type == "organisation" || type == "org") t = "ORGANIZATION";
  else return "O";
  return std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(raw[0])))) + "-" + t;
}

int TagIndex(const std::string& tag) {
  for (int i = 0; i < kNumTags; ++i) {
    if (tag == kTags[i]) return i;
  }
  return 0;
}

// "FL" for a word on the first-name and surname lists, "-" for one on none.
std::string ListCode(uint8_t lists) {
  static const char kCodes[] = "FLPOW";
  std::string out;
  for (int b = 0; b < 5; ++b) {
    if (lists & (1 << b)) out.push_back(kCodes[b]);
  }
  return out.empty() ? "-" : out;
}

// The lists each token is on (all 0 without a gazetteer).
std::vector<uint8_t> Lookup(const Gazetteer& g, const std::vector<std::string>& lower) {
  std::vector<uint8_t> out(lower.size(), 0);
  if (g.words.empty()) return out;
  for (size_t i = 0; i < lower.size(); ++i) {
    std::string_view w = lower[i];
    if (w.size() > 1 && w.back() == '.') w.remove_suffix(1);
    if (w.size() > 2 && w.substr(w.size() - 2) == "'s") w.remove_suffix(2);  // "Berg's"
    auto it = g.words.find(std::string(w));
    if (it != g.words.end()) out[i] = it->second;
  }
  return out;
}

// The features of token i that do not depend on the previous tag (hashed), and the pieces
// that the previous-tag features are built from.
struct TokenFeatures {
  std::vector<uint32_t> fixed;
  std::string shape;
  std::string list_code;  // empty: no gazetteer features for this token
};

// The hashed id of "name=value" (built on the stack: tagging hashes some 40 of these a
// word).
uint32_t FeatureId(const char* name, std::string_view value, uint32_t mask) {
  char buf[128];
  const size_t n = std::strlen(name);
  if (n + 1 + value.size() > sizeof buf) {
    std::string key(name);
    key.push_back('=');
    key.append(value);
    return static_cast<uint32_t>(Hash64(key)) & mask;
  }
  std::memcpy(buf, name, n);
  buf[n] = '=';
  std::memcpy(buf + n + 1, value.data(), value.size());
  return static_cast<uint32_t>(Hash64(std::string_view(buf, n + 1 + value.size()))) & mask;
}

void StaticFeatures(const std::vector<std::string>& toks, const std::vector<std::string>& lower,
                    const std::vector<uint8_t>& lists, size_t i, uint32_t mask, TokenFeatures* out) {
  out->fixed.clear();
  auto add = [&](const char* name, std::string_view value) { out->fixed.push_back(FeatureId(name, value, mask)); };
  const std::string& w = toks[i];
  const std::string& lw = lower[i];
  const std::string shape = Shape(w);
  const std::string prev = i > 0 ? lower[i - 1] : "<s>", next = i + 1 < toks.size() ? lower[i + 1] : "</s>";
  const std::string prev2 = i > 1 ? lower[i - 2] : "<s>", next2 = i + 2 < toks.size() ? lower[i + 2] : "</s>";
  out->shape = shape;
  add("b", "");
  add("w", lw);
  add("s", shape);
  add("p3", lw.substr(0, 3));
  add("s3", lw.size() > 3 ? lw.substr(lw.size() - 3) : lw);
  add("s2", lw.size() > 2 ? lw.substr(lw.size() - 2) : lw);
  add("pw", prev);
  add("nw", next);
  add("p2w", prev2);
  add("n2w", next2);
  add("pw_s", prev + "|" + shape);
  add("nw_s", next + "|" + shape);
  add("ps", i > 0 ? Shape(toks[i - 1]) : "<s>");
  add("ns", i + 1 < toks.size() ? Shape(toks[i + 1]) : "</s>");
  add("first", i == 0 ? "1" : "0");
  add("first_s", (i == 0 ? "1|" : "0|") + shape);
  add("s4", lw.size() > 4 ? lw.substr(lw.size() - 4) : lw);
  add("sh3", (i > 0 ? Shape(toks[i - 1]) : "<s>") + "|" + shape + "|" + (i + 1 < toks.size() ? Shape(toks[i + 1]) : "</s>"));
  // Capitals inside a word: "McDowell" (2) against "RMContainerAllocator" (4+).
  const int64_t caps = std::count_if(w.begin(), w.end(), [](unsigned char c) { return std::isupper(c); });
  add("caps_s", std::to_string(std::min<int64_t>(caps, 4)) + "|" + shape);
  out->list_code.clear();
  if (lists[i] != 0 || (i > 0 && lists[i - 1] != 0) || (i + 1 < toks.size() && lists[i + 1] != 0)) {
    const std::string g = ListCode(lists[i]);
    out->list_code = g;
    add("g", g);
    add("g_s", g + "|" + shape);
    add("g_pg", g + "|" + (i > 0 ? ListCode(lists[i - 1]) : "<s>"));
    add("g_ng", g + "|" + (i + 1 < toks.size() ? ListCode(lists[i + 1]) : "</s>"));
    add("g_first", g + (i == 0 ? "|1" : "|0"));
    add("g_p2", g + "|" + (i > 1 ? ListCode(lists[i - 2]) : "<s>"));
    add("g_n2", g + "|" + (i + 2 < toks.size() ? ListCode(lists[i + 2]) : "</s>"));
  }
}

// The features that join the previous tag (-1: sentence start) with token i; returns
// how many were written to out.
int PrevFeatures(const TokenFeatures& tf, int prev_tag, uint32_t mask, uint32_t out[3]) {
  const std::string_view ptag = prev_tag < 0 ? "<s>" : kTags[prev_tag];
  char buf[96];
  auto joined = [&](std::string_view a, std::string_view b) {
    const size_t n = std::min(a.size(), sizeof buf / 2), m = std::min(b.size(), sizeof buf / 2 - 1);
    std::memcpy(buf, a.data(), n);
    buf[n] = '|';
    std::memcpy(buf + n + 1, b.data(), m);
    return std::string_view(buf, n + 1 + m);
  };
  // "pt" depends on the tag alone: hashed once per thread and table size.
  thread_local uint32_t cached_mask = 0;
  thread_local uint32_t pt_ids[kNumTags + 1];
  if (cached_mask != mask) {
    for (int t = -1; t < kNumTags; ++t) pt_ids[t + 1] = FeatureId("pt", t < 0 ? "<s>" : kTags[t], mask);
    cached_mask = mask;
  }
  int n = 0;
  out[n++] = pt_ids[prev_tag + 1];
  out[n++] = FeatureId("pt_s", joined(ptag, tf.shape), mask);
  if (!tf.list_code.empty()) out[n++] = FeatureId("g_pt", joined(tf.list_code, ptag), mask);
  return n;
}

void AddScores(const std::vector<float>& weights, const uint32_t* ids, size_t n, float* score) {
  for (size_t k = 0; k < n; ++k) {
    const float* row = &weights[static_cast<size_t>(ids[k]) * kNumTags];
    for (int t = 0; t < kNumTags; ++t) score[t] += row[t];
  }
}

std::vector<TokenFeatures> SentenceFeatures(const std::vector<std::string>& toks,
                                            const std::vector<std::string>& lower,
                                            const std::vector<uint8_t>& lists, uint32_t mask) {
  std::vector<TokenFeatures> out(toks.size());
  for (size_t i = 0; i < toks.size(); ++i) StaticFeatures(toks, lower, lists, i, mask, &out[i]);
  return out;
}

// The best tag sequence (Viterbi) under the BIO constraint: I-X only after B-X or I-X.
std::vector<int> BestSequence(const std::vector<float>& weights, const std::vector<TokenFeatures>& tf,
                              uint32_t mask, float person_bias) {
  const size_t n = tf.size();
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  std::vector<std::array<float, kNumTags>> best(n);
  std::vector<std::array<int8_t, kNumTags>> from(n);
  auto allowed = [](int prev, int t) { return t % 2 == 1 || t == 0 || prev == t || prev == t - 1; };
  for (size_t i = 0; i < n; ++i) {
    float fixed[kNumTags] = {0};
    AddScores(weights, tf[i].fixed.data(), tf[i].fixed.size(), fixed);
    fixed[1] += person_bias;  // B-PERSON
    fixed[2] += person_bias;  // I-PERSON
    best[i].fill(kNone);
    for (int p = i == 0 ? -1 : 0; p < (i == 0 ? 0 : kNumTags); ++p) {
      if (p >= 0 && best[i - 1][p] == kNone) continue;
      uint32_t ids[3];
      float score[kNumTags] = {0};
      AddScores(weights, ids, PrevFeatures(tf[i], p, mask, ids), score);
      for (int t = 0; t < kNumTags; ++t) {
        if (!allowed(p, t)) continue;
        const float v = (p >= 0 ? best[i - 1][p] : 0) + fixed[t] + score[t];
        if (v > best[i][t]) {
          best[i][t] = v;
          from[i][t] = static_cast<int8_t>(p);
        }
      }
    }
  }
  std::vector<int> out(n);
  if (n == 0) return out;
  int t = static_cast<int>(std::max_element(best[n - 1].begin(), best[n - 1].end()) - best[n - 1].begin());
  for (size_t i = n; i-- > 0;) {
    out[i] = t;
    t = from[i][t];
  }
  return out;
}

std::vector<std::string> LowerAll(const std::vector<std::string>& toks) {
  std::vector<std::string> lower(toks.size());
  for (size_t i = 0; i < toks.size(); ++i) lower[i] = Lower(toks[i]);
  return lower;
}

std::vector<std::string> WordsOf(const TaggedSentence& s) {
  std::vector<std::string> toks;
  for (const auto& [t, g] : s) toks.push_back(t);
  return toks;
}

std::vector<int> Decode(const std::vector<float>& weights, uint32_t mask, const Gazetteer& gazetteer,
                        float person_bias, const std::vector<std::string>& toks) {
  const std::vector<std::string> lower = LowerAll(toks);
  return BestSequence(weights, SentenceFeatures(toks, lower, Lookup(gazetteer, lower), mask), mask, person_bias);
}

// The length of a possessive's mark at the end of a word, to be a token of its own: "John's"
// -> 2 ("'s"), "John’s" -> 4, "Jones'" -> 1; 0 for none and for a contraction of "is" or
// "us" ("What's", "it's", "Let's"), which stays whole.
size_t PossessiveLength(std::string_view tok) {
  static const std::set<std::string, std::less<>> kContractions = {
      "what's", "how's",  "it's",   "that's",  "let's",   "there's", "here's", "who's",   "where's",
      "he's",   "she's",  "when's", "why's",   "what’s",  "how’s",   "it’s",   "that’s",  "let’s",
      "there’s", "here’s", "who’s", "where’s", "he’s",    "she’s",   "when’s", "why’s"};
  if (tok.size() <= 10 && kContractions.count(Lower(tok))) return 0;
  if (tok.size() > 2 && (tok.ends_with("'s") || tok.ends_with("'S"))) return 2;
  if (tok.size() > 4 && tok.ends_with("\xE2\x80\x99s")) return 4;
  if (tok.size() > 2 && tok.back() == '\'' && (tok[tok.size() - 2] == 's' || tok[tok.size() - 2] == 'S')) return 1;
  return 0;
}

}  // namespace

std::vector<std::pair<size_t, size_t>> NerTokens(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> out;
  auto word = [](unsigned char c) { return std::isalnum(c) || c >= 0x80 || c == '\'' || c == '-'; };
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = text[i];
    if (std::isspace(c)) {
      ++i;
      continue;
    }
    if (!word(c)) {
      out.emplace_back(i, i + 1);
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && word(text[j])) ++j;
    // "Dr." / "T.": a short capitalised word keeps its period when a space follows.
    if (j < text.size() && text[j] == '.' && j - i <= 4 && std::isupper(static_cast<unsigned char>(text[i])) &&
        (j + 1 == text.size() || text[j + 1] == ' ')) {
      ++j;
    }
    const size_t mark = PossessiveLength(text.substr(i, j - i));
    if (mark > 0) {
      out.emplace_back(i, j - mark);
      out.emplace_back(j - mark, j);
    } else {
      out.emplace_back(i, j);
    }
    i = j;
  }
  return out;
}

Result<std::vector<TaggedSentence>> ReadConll(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": cannot open");
  std::vector<TaggedSentence> out;
  TaggedSentence cur;
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    size_t sep = line.find('\t');
    if (sep == std::string::npos) sep = line.rfind(' ');
    if (sep == std::string::npos || sep == 0 || sep + 1 >= line.size()) {
      return InvalidArgumentError(path + ":" + std::to_string(n) + ": expected 'token<TAB>tag', got '" +
                                  line.substr(0, 60) + "'");
    }
    std::string tag = line.substr(line.find_last_of(" \t") + 1);
    cur.emplace_back(line.substr(0, sep), NormaliseTag(tag));
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  if (out.empty()) return InvalidArgumentError(path + ": no sentences");
  return out;
}

Result<Gazetteer> ReadGazetteer(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": cannot open");
  static const std::pair<const char*, Gazetteer::List> kLists[] = {{"first", Gazetteer::kFirst},
                                                                    {"last", Gazetteer::kLast},
                                                                    {"location", Gazetteer::kLocation},
                                                                    {"organization", Gazetteer::kOrganization},
                                                                    {"word", Gazetteer::kWord}};
  Gazetteer g;
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      return InvalidArgumentError(path + ":" + std::to_string(n) + ": expected 'list<TAB>entry', got '" +
                                  line.substr(0, 60) + "'");
    }
    const std::string list = line.substr(0, tab);
    auto it = std::find_if(std::begin(kLists), std::end(kLists), [&](const auto& l) { return list == l.first; });
    if (it == std::end(kLists)) {
      return InvalidArgumentError(path + ":" + std::to_string(n) + ": unknown list '" + list.substr(0, 40) +
                                  "' (first, last, location, organization or word)");
    }
    const std::string entry = line.substr(tab + 1);
    const auto words = NerTokens(entry);
    for (const auto& [s, e] : words) {
      // In a multi-word entry only the words that carry it: "Bogota" of "Santa Fe de
      // Bogota", not "de".
      if (words.size() > 1 && e - s < 3) continue;
      std::string w = Lower(std::string_view(entry).substr(s, e - s));
      if (w.size() > 1 && w.back() == '.') w.pop_back();
      if (!w.empty() && w.size() <= 255 && (std::isalpha(static_cast<unsigned char>(w[0])) || w[0] & 0x80)) {
        g.words[w] |= it->second;
      }
    }
  }
  return g;
}

Result<NerModel> NerModel::Train(const std::vector<TaggedSentence>& data, const NerTrainOptions& options) {
  if (data.empty()) return InvalidArgumentError("train-ner: no sentences");
  if (options.bucket_bits < 10 || options.bucket_bits > 24) return InvalidArgumentError("bucket_bits must be 10..24");
  if (!(options.gazetteer_dropout >= 0 && options.gazetteer_dropout <= 1)) {
    return InvalidArgumentError("gazetteer_dropout must be in [0, 1]");
  }
  if (!(options.person_bias >= 0 && options.person_bias <= 1)) return InvalidArgumentError("person_bias must be in [0, 1]");
  NerModel m;
  m.gazetteer_ = options.gazetteer;
  m.tags_.assign(kTags, kTags + kNumTags);
  m.bucket_bits_ = options.bucket_bits;
  const uint32_t mask = (1u << m.bucket_bits_) - 1;
  const size_t size = (static_cast<size_t>(mask) + 1) * kNumTags;
  std::vector<float> w(size, 0.f);
  std::vector<double> total(size, 0.0);
  std::vector<int64_t> stamp(size, 0);
  int64_t now = 0;
  auto update = [&](size_t k, float delta) {
    total[k] += static_cast<double>(now - stamp[k]) * w[k];
    stamp[k] = now;
    w[k] += delta;
  };
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t idx : order) {
      const TaggedSentence& s = data[idx];
      const std::vector<std::string> toks = WordsOf(s), lower = LowerAll(toks);
      std::vector<uint8_t> lists = Lookup(m.gazetteer_, lower);
      for (size_t i = 0; i < toks.size(); ++i) {
        // A name dropped from the lists keeps only its "common word" mark.
        if (lists[i] != 0 && s[i].second != "O" && uniform(rng) < options.gazetteer_dropout) lists[i] &= Gazetteer::kWord;
      }
      // Structured perceptron: the best sequence under the current weights against the
      // gold one; where they differ, the gold features gain and the predicted ones lose.
      const std::vector<TokenFeatures> tf = SentenceFeatures(toks, lower, lists, mask);
      const std::vector<int> pred = BestSequence(w, tf, mask, 0);
      std::vector<int> gold(toks.size());
      for (size_t i = 0; i < toks.size(); ++i) gold[i] = TagIndex(s[i].second);
      ++now;
      for (size_t i = 0; i < toks.size(); ++i) {
        const int gp = i > 0 ? gold[i - 1] : -1, pp = i > 0 ? pred[i - 1] : -1;
        if (pred[i] == gold[i] && pp == gp) continue;
        uint32_t ids[3];
        for (uint32_t b : tf[i].fixed) {
          update(static_cast<size_t>(b) * kNumTags + gold[i], 1.f);
          update(static_cast<size_t>(b) * kNumTags + pred[i], -1.f);
        }
        for (int k = 0, n = PrevFeatures(tf[i], gp, mask, ids); k < n; ++k) {
          update(static_cast<size_t>(ids[k]) * kNumTags + gold[i], 1.f);
        }
        for (int k = 0, n = PrevFeatures(tf[i], pp, mask, ids); k < n; ++k) {
          update(static_cast<size_t>(ids[k]) * kNumTags + pred[i], -1.f);
        }
      }
    }
  }
  m.weights_.resize(size);
  for (size_t k = 0; k < size; ++k) {
    const double t = total[k] + static_cast<double>(now - stamp[k]) * w[k];
    m.weights_[k] = static_cast<float>(t / std::max<int64_t>(now, 1));
  }
  // The bias is given in units of the model's typical score spread (mean over training
  // tokens of the best tag's score minus the worst's), so that it means the same for a
  // model trained on 300 sentences or on 30,000.
  double spread = 0;
  int64_t tokens = 0;
  for (const TaggedSentence& s : data) {
    const std::vector<std::string> toks = WordsOf(s), lower = LowerAll(toks);
    const std::vector<TokenFeatures> tf = SentenceFeatures(toks, lower, Lookup(m.gazetteer_, lower), mask);
    for (size_t i = 0; i < toks.size(); ++i, ++tokens) {
      float score[kNumTags] = {0};
      uint32_t ids[3];
      AddScores(m.weights_, tf[i].fixed.data(), tf[i].fixed.size(), score);
      AddScores(m.weights_, ids, PrevFeatures(tf[i], i > 0 ? TagIndex(s[i - 1].second) : -1, mask, ids), score);
      spread += *std::max_element(score, score + kNumTags) - *std::min_element(score, score + kNumTags);
    }
  }
  m.person_bias_ = static_cast<float>(options.person_bias * spread / std::max<int64_t>(tokens, 1));
  return m;
}

std::vector<std::string> NerModel::TagTokens(const std::vector<std::string>& tokens) const {
  std::vector<std::string> out;
  for (int t : Decode(weights_, (1u << bucket_bits_) - 1, gazetteer_, person_bias_, tokens)) out.push_back(tags_[t]);
  return out;
}

double NerModel::Accuracy(const std::vector<TaggedSentence>& data) const {
  int64_t right = 0, total = 0;
  for (const TaggedSentence& s : data) {
    const std::vector<std::string> got = TagTokens(WordsOf(s));
    for (size_t i = 0; i < s.size(); ++i) right += got[i] == s[i].second, ++total;
  }
  return total ? static_cast<double>(right) / total : 0;
}

std::vector<Span> NerModel::Find(std::string_view text) const {
  const auto offsets = NerTokens(text);
  std::vector<std::string> toks;
  for (const auto& [s, e] : offsets) {
    // The tagger reads a typographic apostrophe as the plain one it was trained on ("How’s",
    // "O’Brien"); the offsets stay the text's.
    std::string tok(text.substr(s, e - s));
    for (size_t at = tok.find("\xE2\x80\x99"); at != std::string::npos; at = tok.find("\xE2\x80\x99", at)) {
      tok.replace(at, 3, "'");
    }
    toks.push_back(std::move(tok));
  }
  const std::vector<std::string> lower = LowerAll(toks);
  const std::vector<uint8_t> lists = Lookup(gazetteer_, lower);
  const uint32_t mask = (1u << bucket_bits_) - 1;
  const std::vector<int> tags = BestSequence(weights_, SentenceFeatures(toks, lower, lists, mask), mask, person_bias_);
  std::vector<Span> out;
  for (size_t i = 0; i < tags.size(); ++i) {
    if (tags[i] == 0 || SymbolsOnly(toks[i])) continue;
    // Names are capitalised. A lower-case token counts only when it is on a name list and
    // is not a common word ("lena andersson" yes, "will" or "mark" no); symbols never.
    const unsigned char c0 = toks[i][0];
    const bool listed_name = (lists[i] & (Gazetteer::kFirst | Gazetteer::kLast | Gazetteer::kLocation)) != 0 &&
                             (lists[i] & Gazetteer::kWord) == 0;
    // A lower-case surname goes with the name the tagger starts before it ("anna kowalska"),
    // when it is no common word, or when it is a listed surname after a listed first name
    // that ends the phrase ("reported by anna berg", "lisa brown from sales"; not "anna will
    // call").
    static const std::set<std::string, std::less<>> kAfterName = {",", ".", "!", "?", ":", ";", ")", "from",
                                                                  "at", "in", "of", "and", "is", "was", "has",
                                                                  "said", "says", "wrote", "here"};
    const bool phrase_ends = i + 1 == toks.size() || kAfterName.count(lower[i + 1]) > 0 ||
                             text.substr(offsets[i].second, offsets[i + 1].first - offsets[i].second).find('\n') !=
                                 std::string_view::npos;
    const bool surname_after_first = i > 0 && (lists[i] & Gazetteer::kLast) != 0 &&
                                     (lists[i - 1] & Gazetteer::kFirst) != 0 && phrase_ends;
    const bool continues_name = tags_[tags[i]] == "I-PERSON" && i > 0 && !out.empty() &&
                                out.back().end == offsets[i - 1].second && out.back().type == "PERSON" &&
                                ((lists[i] & Gazetteer::kWord) == 0 || surname_after_first) && toks[i].size() >= 3 &&
                                std::all_of(toks[i].begin(), toks[i].end(), [](char ch) {
                                  return std::islower(static_cast<unsigned char>(ch)) || (ch & 0x80);
                                });
    if (!(std::isupper(c0) || c0 >= 0x80 || (std::islower(c0) && (listed_name || continues_name) && toks[i].size() >= 3))) {
      continue;
    }
    // Glued to code punctuation ("=Rect(", "obj.Name", "CONFIG_Value", "State:112",
    // "Skype.exe") it is an identifier.
    const size_t s = offsets[i].first, e = offsets[i].second;
    if ((s > 0 && text[s - 1] != 0 && std::strchr("=._/\\[{<$", text[s - 1]) != nullptr) ||
        (e < text.size() && text[e] != 0 && std::strchr("(=_[{/\\", text[e]) != nullptr) ||
        (e + 1 < text.size() && text[e] == ':' && !std::isspace(static_cast<unsigned char>(text[e + 1]))) ||
        (e + 1 < text.size() && text[e] == '.' && std::isalnum(static_cast<unsigned char>(text[e + 1])))) {
      continue;
    }
    const std::string& tag = tags_[tags[i]];
    const std::string type = tag.substr(2);
    // An entity never runs across a line break, a tab or a run of spaces (columns).
    const std::string_view gap = text.substr(offsets[i - (i > 0)].second, offsets[i].first - offsets[i - (i > 0)].second);
    const bool continues = tag[0] == 'I' && i > 0 && tags[i - 1] != 0 && tags_[tags[i - 1]].substr(2) == type &&
                           !out.empty() && out.back().end == offsets[i - 1].second && gap.size() <= 1 &&
                           gap.find_first_of("\n\t\r") == std::string_view::npos;
    if (continues) {
      out.back().end = offsets[i].second;
    } else if (tag[0] == 'I' && i > 0 && (tags[i - 1] == tags[i] || tags[i - 1] == tags[i] - 1)) {
      continue;  // the rest of a name cut off by a column gap is no name of its own
    } else {
      out.push_back({offsets[i].first, offsets[i].second, type, 0, "ner"});
    }
  }
  // In lower-case text a greeting names its reader and an introduction its writer.
  // - After "hi", "hello", "hey" or "dear" and before a comma, "!", ":" or a line break: a
  //   word on the first-name list, even if it is also a common word ("hi maria,", "hello
  //   maria lopez!").
  // - After "name is" or "named": a listed first name or a word that is no common word
  //   ("my name is vitoria", not "my name is missing"); after "call(s) me", a listed first
  //   name only ("call me back", "call me asap" are none). The tagger's place or company on
  //   that word is the name ("calls me borna").
  // A listed surname may follow in either.
  auto follows = [&](size_t i, std::initializer_list<const char*> words) {
    if (i < words.size()) return false;
    size_t k = i - words.size();
    for (const char* w : words)
      if (lower[k++] != w) return false;
    return true;
  };
  auto overlapping = [&](size_t i) {
    return std::find_if(out.begin(), out.end(),
                        [&](const Span& f) { return f.start < offsets[i].second && offsets[i].first < f.end; });
  };
  auto lower_case = [&](size_t i) { return std::islower(static_cast<unsigned char>(toks[i][0])) != 0; };
  for (size_t i = 1; i < toks.size(); ++i) {
    if (!lower_case(i)) continue;
    const bool listed_first = (lists[i] & Gazetteer::kFirst) != 0;
    const bool uncommon = (lists[i] & Gazetteer::kWord) == 0;
    const bool greeted = follows(i, {"hi"}) || follows(i, {"hello"}) || follows(i, {"hey"}) || follows(i, {"dear"});
    const bool named = follows(i, {"name", "is"}) || follows(i, {"name", "'s"}) || follows(i, {"named"}) ||
                       follows(i, {"named", "him"}) || follows(i, {"named", "her"});
    const bool called = follows(i, {"call", "me"}) || follows(i, {"calls", "me"});
    const bool introduced = toks[i].size() >= 3 && ((named && (listed_first || uncommon)) || (called && listed_first));
    if (!(greeted && listed_first) && !introduced) continue;
    const auto taken = overlapping(i);
    if (taken != out.end()) {
      if (introduced && taken->start == offsets[i].first) taken->type = "PERSON";
      continue;
    }
    size_t last = i;
    if (i + 1 < toks.size() && (lists[i + 1] & Gazetteer::kLast) != 0 && lower_case(i + 1) &&
        (greeted || (lists[i + 1] & Gazetteer::kWord) == 0)) {
      last = i + 1;
    }
    const bool ends = last + 1 == toks.size() || toks[last + 1] == "," || toks[last + 1] == "!" ||
                      toks[last + 1] == ":" || text.substr(offsets[last].second, 1) == "\n";
    if (introduced || ends) out.push_back({offsets[i].first, offsets[last].second, "PERSON", 0, "ner"});
  }
  std::sort(out.begin(), out.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  // A capitalised first name the tagger left just before a name is the name's ("laptop
  // of Fatima Zahra El Amrani").
  for (Span& s : out) {
    if (s.type != "PERSON") continue;
    const auto at = std::lower_bound(offsets.begin(), offsets.end(), std::make_pair(s.start, size_t{0}));
    if (at == offsets.begin()) continue;
    const size_t j = static_cast<size_t>(at - offsets.begin()) - 1;
    const bool first_name = (lists[j] & Gazetteer::kFirst) != 0 && (lists[j] & Gazetteer::kWord) == 0 && tags[j] == 0 &&
                            std::isupper(static_cast<unsigned char>(toks[j][0]));
    if (first_name && offsets[j].second + 1 == s.start && text[offsets[j].second] == ' ') s.start = offsets[j].first;
  }
  // A title is not part of the name ("Mr. Dustin Wirth" -> "Dustin Wirth"; "Dr" alone
  // is no finding).
  static const char* const kTitles[] = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "mme"};
  std::vector<Span> kept;
  for (Span& s : out) {
    while (s.type == "PERSON") {
      const auto first = NerTokens(text.substr(s.start, s.end - s.start));
      std::string w = Lower(text.substr(s.start + first[0].first, first[0].second - first[0].first));
      if (!w.empty() && w.back() == '.') w.pop_back();
      if (std::find_if(std::begin(kTitles), std::end(kTitles), [&](const char* t) { return w == t; }) ==
          std::end(kTitles)) {
        break;
      }
      if (first.size() == 1) {
        s.end = s.start;  // only a title
        break;
      }
      s.start += first[1].first;
    }
    // Trim an abbreviation period at the end of a name ("Berg." at a sentence end).
    if (s.end > s.start + 1 && text[s.end - 1] == '.') --s.end;
    if (s.end > s.start) kept.push_back(std::move(s));
  }
  return kept;
}

Status NerModel::Save(const std::string& path) const {
  nlohmann::json header = {{"format", "frontline-ner"}, {"version", 2}, {"tags", tags_}, {"bucket_bits", bucket_bits_},
                         {"person_bias", person_bias_}};
  const std::string h = header.dump();
  std::string out(kMagic);
  const uint32_t hl = static_cast<uint32_t>(h.size());
  out.append(reinterpret_cast<const char*>(&hl), 4);
  out += h;
  std::string rows;
  uint32_t count = 0;
  const size_t n = weights_.size() / tags_.size();
  for (size_t b = 0; b < n; ++b) {
    const float* row = &weights_[b * tags_.size()];
    if (std::all_of(row, row + tags_.size(), [](float v) { return v == 0.f; })) continue;
    const uint32_t bucket = static_cast<uint32_t>(b);
    rows.append(reinterpret_cast<const char*>(&bucket), 4);
    rows.append(reinterpret_cast<const char*>(row), 4 * tags_.size());
    ++count;
  }
  out.append(reinterpret_cast<const char*>(&count), 4);
  out += rows;
  std::vector<std::pair<std::string, uint8_t>> words;  // sorted: the same model, the same bytes
  for (const auto& [w, lists] : gazetteer_.words) {
    if (w.size() <= 255) words.emplace_back(w, lists);
  }
  std::sort(words.begin(), words.end());
  const uint32_t n_words = static_cast<uint32_t>(words.size());
  out.append(reinterpret_cast<const char*>(&n_words), 4);
  for (const auto& [w, lists] : words) {
    out.push_back(static_cast<char>(lists));
    out.push_back(static_cast<char>(w.size()));
    out += w;
  }
  const uint64_t sum = Hash64(out);
  out.append(reinterpret_cast<const char*>(&sum), 8);
  return WriteFileAtomic(path, out);
}

Result<NerModel> NerModel::Load(const std::string& path) {
  FL_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  auto bad = [&](const std::string& why) { return DataLossError(path + ": not a valid frontline NER model: " + why); };
  const size_t magic = std::strlen(kMagic);
  const bool v1 = data.compare(0, magic, kMagicV1) == 0;
  if (data.size() < magic + 4 + 4 + 8 || (!v1 && data.compare(0, magic, kMagic) != 0)) {
    return bad("bad magic or too short");
  }
  uint64_t sum;
  std::memcpy(&sum, data.data() + data.size() - 8, 8);
  if (Hash64(std::string_view(data).substr(0, data.size() - 8)) != sum) return bad("checksum mismatch");
  size_t at = magic;
  uint32_t hl;
  std::memcpy(&hl, data.data() + at, 4);
  at += 4;
  if (hl > data.size() - at - 12) return bad("header length out of range");
  const nlohmann::json header = nlohmann::json::parse(data.substr(at, hl), nullptr, false);
  at += hl;
  if (!header.is_object() || header.value("format", "") != "frontline-ner" || !header.contains("tags") ||
      !header["tags"].is_array() || !header.contains("bucket_bits") || !header["bucket_bits"].is_number_unsigned()) {
    return bad("header");
  }
  NerModel m;
  for (const auto& t : header["tags"]) {
    if (!t.is_string()) return bad("tags");
    m.tags_.push_back(t.get<std::string>());
  }
  if (m.tags_ != std::vector<std::string>(kTags, kTags + kNumTags)) return bad("unknown tag set");
  m.bucket_bits_ = header["bucket_bits"].get<uint32_t>();
  if (header.contains("person_bias")) {
    if (!header["person_bias"].is_number() || !(header["person_bias"].get<double>() >= 0)) return bad("person_bias");
    m.person_bias_ = header["person_bias"].get<float>();
  }
  if (m.bucket_bits_ < 10 || m.bucket_bits_ > 24) return bad("bucket_bits out of range");
  const size_t end = data.size() - 8;  // the checksum follows
  uint32_t count;
  std::memcpy(&count, data.data() + at, 4);
  at += 4;
  const size_t row_bytes = 4 + 4 * static_cast<size_t>(kNumTags);
  const uint64_t rows_bytes = static_cast<uint64_t>(count) * row_bytes;
  if (v1 ? rows_bytes != end - at : rows_bytes + 4 > end - at) return bad("row count does not match the size");
  const size_t buckets = size_t{1} << m.bucket_bits_;
  m.weights_.assign(buckets * kNumTags, 0.f);
  for (uint32_t r = 0; r < count; ++r, at += row_bytes) {
    uint32_t b;
    std::memcpy(&b, data.data() + at, 4);
    if (b >= buckets) return bad("bucket out of range");
    std::memcpy(&m.weights_[static_cast<size_t>(b) * kNumTags], data.data() + at + 4, 4 * kNumTags);
  }
  if (v1) return m;
  uint32_t n_words;
  std::memcpy(&n_words, data.data() + at, 4);
  at += 4;
  if (n_words > (end - at) / 3) return bad("gazetteer word count does not match the size");
  m.gazetteer_.words.reserve(n_words);
  for (uint32_t i = 0; i < n_words; ++i) {
    if (end - at < 2) return bad("gazetteer truncated at word " + std::to_string(i));
    const uint8_t lists = static_cast<uint8_t>(data[at]), len = static_cast<uint8_t>(data[at + 1]);
    at += 2;
    if (len > end - at) return bad("gazetteer truncated at word " + std::to_string(i));
    if (lists == 0 || lists >= 32) return bad("gazetteer word " + std::to_string(i) + " has unknown lists");
    m.gazetteer_.words.emplace(data.substr(at, len), lists);
    at += len;
  }
  if (at != end) return bad(std::to_string(end - at) + " bytes after the gazetteer");
  return m;
}

}  // namespace fl::guard
