// Private to classify: turning text into a sparse TF-IDF vector over hashed n-grams.
//
// A feature is a 64-bit hash of a word n-gram ("w:" group) or a character n-gram of a
// token wrapped in '<' '>' ("c:" group). The top bit of the hash tells the group. The
// feature space keeps only features seen in training (>= min_count documents), as a
// sorted key array (stored in the model file) plus an open-addressing lookup table built
// at load time, and one IDF weight per feature.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace fl::classify {

struct FeatureConfig {
  int word_ngrams = 2;
  int char_min = 2;
  int char_max = 5;
  float char_weight = 1.0f;
};

constexpr uint64_t kCharGroupBit = 1ULL << 63;
constexpr int kMaxWordNgrams = 8;
constexpr int kMaxCharNgram = 32;

// Appends the raw feature hashes of text (with repeats, one per occurrence) to *out.
void ExtractHashes(std::string_view text, const FeatureConfig& config, std::vector<uint64_t>* out);

struct SparseVec {
  std::vector<uint32_t> idx;  // feature ids, ascending
  std::vector<float> val;      // TF-IDF weight (the linear part)
  std::vector<float> cnt;      // raw term count (the embedding part, as fastText averages)
  void clear() { idx.clear(); val.clear(); cnt.clear(); }
};

// Immutable once built; Lookup/Vectorize are thread-safe.
class FeatureSpace {
 public:
  FeatureSpace() = default;
  // keys must be sorted ascending and unique; both arrays must outlive this object.
  void Init(const uint64_t* keys, const float* idf, uint32_t n, const FeatureConfig& config);

  uint32_t size() const { return n_; }
  const FeatureConfig& config() const { return config_; }
  // Feature id or UINT32_MAX when unknown.
  uint32_t Lookup(uint64_t key) const;
  // TF-IDF vector (sublinear tf), each group L2-normalised, char group scaled by char_weight.
  // scratch is reused between calls to avoid allocation.
  void Vectorize(std::string_view text, SparseVec* out, std::vector<uint64_t>* scratch) const;

 private:
  // Scratch for Vectorize (ids to sort), per thread.
  static std::vector<uint32_t>& IdScratch();

 public:

 private:
  const uint64_t* keys_ = nullptr;
  const float* idf_ = nullptr;
  uint32_t n_ = 0;
  FeatureConfig config_;
  // Open addressing, linear probing.
  std::vector<uint64_t> table_keys_;
  std::vector<uint32_t> table_ids_;  // UINT32_MAX: empty
  uint64_t mask_ = 0;
};

// Builds the sorted key array and IDF weights (smooth idf: ln((1+N)/(1+df)) + 1) from
// training texts, keeping features with df >= min_count.
void BuildFeatureSpace(const std::vector<std::string_view>& texts, const FeatureConfig& config,
                       int min_count, int threads, std::vector<uint64_t>* keys,
                       std::vector<float>* idf);

}  // namespace fl::classify
