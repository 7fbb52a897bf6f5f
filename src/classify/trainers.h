// Private to classify: the two learners over a sparse design matrix.
#pragma once

#include <cstdint>
#include <vector>

#include "classify/classify.h"
#include "classify/features.h"

namespace fl::classify {

// Rows of TF-IDF vectors in CSR form.
struct SparseMatrix {
  std::vector<uint64_t> row_ptr{0};
  std::vector<uint32_t> idx;
  std::vector<float> val;
  std::vector<float> cnt;
  uint32_t n_cols = 0;

  size_t rows() const { return row_ptr.size() - 1; }
  void Append(const SparseVec& v) {
    idx.insert(idx.end(), v.idx.begin(), v.idx.end());
    val.insert(val.end(), v.val.begin(), v.val.end());
    cnt.insert(cnt.end(), v.cnt.begin(), v.cnt.end());
    row_ptr.push_back(idx.size());
  }
};

// Linear scores: scores[k] = bias[k] + sum_j x_j * w[j * n_classes + k] (feature-major).
struct LinearWeights {
  int n_classes = 0;
  std::vector<float> w;     // (n_features, n_classes)
  std::vector<float> bias;  // (n_classes)
};

// One-vs-rest L2-regularised L2-loss linear SVM, dual coordinate descent with shrinking
// (Hsieh et al. 2008, as in LIBLINEAR), with a bias feature of value 1. Classes train in
// parallel; each class's result depends only on seed, so any thread count gives the same
// weights. example_weight (may be empty) scales C per example.
LinearWeights TrainSvm(const SparseMatrix& x, const std::vector<int>& y, int n_classes,
                       const std::vector<float>& example_weight, const TrainOptions& options);

// fastText-style: text vector = weighted mean of feature embeddings (dim), softmax output
// layer, SGD with linearly decaying learning rate, Hogwild threads over shards. Deterministic
// with threads == 1.
struct EmbeddingWeights {
  int dim = 0;
  int n_classes = 0;
  uint32_t rows = 0;       // features with id >= rows are ignored (ids are sorted per row)
  bool counts = false;     // trained on raw counts (else TF-IDF weights)
  std::vector<float> emb;  // (rows, dim)
  std::vector<float> out;  // (n_classes, dim)
};
EmbeddingWeights TrainFastText(const SparseMatrix& x, const std::vector<int>& y, int n_classes,
                               uint32_t rows, const std::vector<float>& example_weight,
                               const TrainOptions& options);

// Scores of one row (no softmax), used while training. hidden is scratch of size dim.
void EmbeddingScores(const EmbeddingWeights& m, const uint32_t* idx, const float* val, size_t nnz,
                     float* hidden, float* scores);

}  // namespace fl::classify
