// Private to classify: the in-memory form of a model, shared by training and loading.
//
// A model is always a file image (bytes laid out exactly as on disk, see model_file.cc):
// training builds an image in memory, Load maps one from disk, and both are parsed by the
// same code into views. So what is tested after training is exactly what gets saved.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "classify/classify.h"
#include "classify/features.h"
#include "classify/trainers.h"
#include "core/core.h"

namespace fl::classify {

// A head's weights as views into the image. Exactly one of w_f32 / w_i8 is set for the
// linear part (svm), or of emb_f32 / emb_i8 for the embedding part (fasttext).
struct HeadView {
  std::string field;
  std::vector<std::string> labels;
  Algorithm algorithm = Algorithm::kSvm;
  float temperature = 1.0f;       // applied to the head's final scores
  float part_temperature[2] = {1.0f, 1.0f};  // ensemble: svm part, fasttext part
  int n_classes = 0;
  int dim = 0;
  uint32_t emb_rows = 0;           // features with id >= emb_rows have no embedding
  bool emb_counts = false;         // embedding part weights features by count, not TF-IDF
  const float* w_f32 = nullptr;    // (n_features, n_classes)
  const int8_t* w_i8 = nullptr;    // (n_features, n_classes), row scale in w_scale
  const float* w_scale = nullptr;  // (n_features)
  const float* bias = nullptr;     // (n_classes)
  const float* emb_f32 = nullptr;  // (n_features, dim)
  const int8_t* emb_i8 = nullptr;  // (n_features, dim), row scale in emb_scale
  const float* emb_scale = nullptr;
  const float* out = nullptr;      // (n_classes, dim)
};

struct Model::Impl {
  MappedFile file;        // set when loaded from disk
  std::string owned;      // set when built in memory
  std::string_view image;
  std::string source;     // path or "<memory>", for messages
  nlohmann::json header;
  FeatureConfig feature_config;
  FeatureSpace features;
  std::vector<HeadView> heads;

  // Scores of x for head h, before the final temperature and softmax. For an ensemble these
  // are the mean of the two parts' log-softmax, each at its part temperature (or at 1 when
  // !calibrated). scratch must hold ScratchSize(h) floats.
  void Scores(int h, const SparseVec& x, float* scores, float* scratch, bool calibrated = true) const;
  size_t ScratchSize(int h) const { return heads[h].dim + heads[h].n_classes; }
};

// What one trained head contributes to an image.
struct HeadWeights {
  std::string field;
  std::vector<std::string> labels;
  Algorithm algorithm = Algorithm::kSvm;
  float temperature = 1.0f;
  float part_temperature[2] = {1.0f, 1.0f};
  LinearWeights linear;       // svm
  EmbeddingWeights embedding; // fasttext
  nlohmann::json info;        // holdout metrics etc., stored in the header
};

// The two kinds of part a head has, scoring x into scores (n_classes floats).
void LinearPartScores(const HeadView& h, const SparseVec& x, float* scores);
void EmbeddingPartScores(const HeadView& h, const SparseVec& x, float* scores, float* hidden);
// out = 0.5 * (log_softmax(a / ta) + log_softmax(b / tb)).
void CombineParts(const float* a, float ta, const float* b, float tb, int n, float* out);

// Serialises a model into a file image.
std::string BuildImage(const nlohmann::json& meta, const FeatureConfig& config,
                       const std::vector<uint64_t>& keys, const std::vector<float>& idf,
                       const std::vector<HeadWeights>& heads, bool quantize);

// Validates and parses an image (bounds, checksum, header, sections) into impl->heads etc.
// impl->image and impl->source must be set. Errors name impl->source.
Status ParseImage(Model::Impl* impl);

}  // namespace fl::classify
