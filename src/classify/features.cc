#include "classify/features.h"

#include <algorithm>
#include <cmath>

#include "core/core.h"
#include "text/text.h"

namespace fl::classify {
namespace {

constexpr uint64_t kWordSeed = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kCharSeed = 0xc2b2ae3d27d4eb4fULL;

inline uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t h = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 29;
  return h;
}

// Byte offsets where UTF-8 characters start in s, plus s.size().
void CharStarts(std::string_view s, std::vector<uint32_t>* starts) {
  starts->clear();
  for (uint32_t i = 0; i < s.size(); ++i) {
    if ((static_cast<uint8_t>(s[i]) & 0xC0) != 0x80) starts->push_back(i);
  }
  starts->push_back(static_cast<uint32_t>(s.size()));
}

}  // namespace

void ExtractHashes(std::string_view text, const FeatureConfig& config, std::vector<uint64_t>* out) {
  const std::vector<std::string> tokens = text::Tokenize(text);
  std::vector<uint64_t> word_hashes(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) word_hashes[i] = Hash64(tokens[i], kWordSeed);
  // Word n-grams: unigrams and chained hashes of up to word_ngrams consecutive tokens.
  for (size_t i = 0; i < tokens.size(); ++i) {
    uint64_t h = word_hashes[i];
    out->push_back(h & ~kCharGroupBit);
    for (int n = 2; n <= config.word_ngrams && i + n <= tokens.size(); ++n) {
      h = Mix(h, word_hashes[i + n - 1]);
      out->push_back(h & ~kCharGroupBit);
    }
  }
  if (config.char_max <= 0) return;
  std::string wrapped;
  std::vector<uint32_t> starts;
  for (const std::string& tok : tokens) {
    wrapped.assign(1, '<');
    wrapped += tok;
    wrapped += '>';
    CharStarts(wrapped, &starts);
    const int n_chars = static_cast<int>(starts.size()) - 1;
    for (int b = 0; b < n_chars; ++b) {
      for (int len = config.char_min; len <= config.char_max && b + len <= n_chars; ++len) {
        // The whole wrapped token as a char n-gram duplicates the word unigram.
        if (b == 0 && len == n_chars) continue;
        const std::string_view gram(wrapped.data() + starts[b], starts[b + len] - starts[b]);
        out->push_back(Hash64(gram, kCharSeed) | kCharGroupBit);
      }
    }
  }
}

void FeatureSpace::Init(const uint64_t* keys, const float* idf, uint32_t n,
                        const FeatureConfig& config) {
  keys_ = keys;
  idf_ = idf;
  n_ = n;
  config_ = config;
  uint64_t cap = 16;
  while (cap < 2ULL * n) cap <<= 1;
  mask_ = cap - 1;
  table_keys_.assign(cap, 0);
  table_ids_.assign(cap, UINT32_MAX);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t slot = (keys[i] * 0x9e3779b97f4a7c15ULL) >> 7 & mask_;
    while (table_ids_[slot] != UINT32_MAX) slot = (slot + 1) & mask_;
    table_keys_[slot] = keys[i];
    table_ids_[slot] = i;
  }
}

std::vector<uint32_t>& FeatureSpace::IdScratch() {
  static thread_local std::vector<uint32_t> ids;
  return ids;
}

uint32_t FeatureSpace::Lookup(uint64_t key) const {
  uint64_t slot = (key * 0x9e3779b97f4a7c15ULL) >> 7 & mask_;
  for (;;) {
    const uint32_t id = table_ids_[slot];
    if (id == UINT32_MAX || table_keys_[slot] == key) return id;
    slot = (slot + 1) & mask_;
  }
}

void FeatureSpace::Vectorize(std::string_view text, SparseVec* out,
                             std::vector<uint64_t>* scratch) const {
  out->clear();
  scratch->clear();
  ExtractHashes(text, config_, scratch);
  // Map to ids; ids of the char group follow those of the word group because keys are
  // sorted and the group bit is the top bit.
  std::vector<uint32_t>& ids = IdScratch();
  ids.clear();
  for (uint64_t h : *scratch) {
    const uint32_t id = Lookup(h);
    if (id != UINT32_MAX) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  double norm_word = 0, norm_char = 0;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j < ids.size() && ids[j] == ids[i]) ++j;
    const uint32_t id = ids[i];
    const float v = (1.0f + std::log(static_cast<float>(j - i))) * idf_[id];
    out->idx.push_back(id);
    out->val.push_back(v);
    out->cnt.push_back(static_cast<float>(j - i));
    ((keys_[id] & kCharGroupBit) ? norm_char : norm_word) += static_cast<double>(v) * v;
    i = j;
  }
  const float inv_word = norm_word > 0 ? static_cast<float>(1.0 / std::sqrt(norm_word)) : 0.f;
  const float inv_char =
      norm_char > 0 ? static_cast<float>(config_.char_weight / std::sqrt(norm_char)) : 0.f;
  for (size_t i = 0; i < out->idx.size(); ++i) {
    out->val[i] *= (keys_[out->idx[i]] & kCharGroupBit) ? inv_char : inv_word;
  }
}

void BuildFeatureSpace(const std::vector<std::string_view>& texts, const FeatureConfig& config,
                       int min_count, int threads, std::vector<uint64_t>* keys,
                       std::vector<float>* idf) {
  // Per-thread sorted unique hashes per document, then a global count of document frequency.
  ThreadPool pool(threads);
  std::vector<std::vector<uint64_t>> per_thread(pool.size());
  pool.ParallelFor(texts.size(), [&](int t, size_t begin, size_t end) {
    std::vector<uint64_t> doc;
    std::vector<uint64_t>& acc = per_thread[t];
    for (size_t i = begin; i < end; ++i) {
      doc.clear();
      ExtractHashes(texts[i], config, &doc);
      std::sort(doc.begin(), doc.end());
      doc.erase(std::unique(doc.begin(), doc.end()), doc.end());
      acc.insert(acc.end(), doc.begin(), doc.end());
    }
    std::sort(acc.begin(), acc.end());
  });
  std::vector<uint64_t> all;
  for (auto& v : per_thread) {
    const size_t mid = all.size();
    all.insert(all.end(), v.begin(), v.end());
    std::inplace_merge(all.begin(), all.begin() + mid, all.end());
    std::vector<uint64_t>().swap(v);
  }
  keys->clear();
  idf->clear();
  const double n_docs = static_cast<double>(texts.size());
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j] == all[i]) ++j;
    const size_t df = j - i;
    if (static_cast<int>(df) >= min_count) {
      keys->push_back(all[i]);
      idf->push_back(static_cast<float>(std::log((1.0 + n_docs) / (1.0 + df)) + 1.0));
    }
    i = j;
  }
}

}  // namespace fl::classify
