// One-vs-rest linear SVM by dual coordinate descent (LIBLINEAR's L2R_L2LOSS_SVC_DUAL).
//
// For class k, labels are y_i = +1 (class k) or -1. The dual is
//   min_a 1/2 a^T (Q + D) a - e^T a,  a >= 0,  Q_ij = y_i y_j x_i.x_j,  D_ii = 1 / (2 C_i)
// and w = sum_i a_i y_i x_i. Each step updates one a_i in closed form; shrinking drops
// examples stuck at a_i = 0 from the active set.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "classify/trainers.h"
#include "core/core.h"

namespace fl::classify {
namespace {

// Trains class k; writes w (n_cols + 1: last entry is the bias weight).
void TrainOneClass(const SparseMatrix& x, const std::vector<int>& y, int k,
                   const std::vector<float>& sq_norm, const std::vector<float>& c_per_example,
                   int max_iter, uint64_t seed, std::vector<float>* w_out) {
  const size_t n = x.rows();
  const uint32_t bias_index = x.n_cols;
  std::vector<float>& w = *w_out;
  w.assign(x.n_cols + 1, 0.f);
  std::vector<float> alpha(n, 0.f), diag(n), qd(n);
  std::vector<int8_t> sign(n);
  for (size_t i = 0; i < n; ++i) {
    sign[i] = y[i] == k ? 1 : -1;
    diag[i] = 0.5f / c_per_example[i];
    qd[i] = sq_norm[i] + 1.0f + diag[i];
  }
  std::vector<uint32_t> index(n);
  std::iota(index.begin(), index.end(), 0);
  std::mt19937_64 rng(seed * 1000003ULL + static_cast<uint64_t>(k));
  size_t active = n;
  const double eps = 0.1;
  double pg_max_old = INFINITY;
  for (int iter = 0; iter < max_iter; ++iter) {
    double pg_max = -INFINITY, pg_min = INFINITY;
    for (size_t s = 0; s < active; ++s) {
      std::uniform_int_distribution<size_t> pick(s, active - 1);
      std::swap(index[s], index[pick(rng)]);
    }
    for (size_t s = 0; s < active; ++s) {
      const uint32_t i = index[s];
      const uint64_t b = x.row_ptr[i], e = x.row_ptr[i + 1];
      double dot = w[bias_index];
      for (uint64_t p = b; p < e; ++p) dot += w[x.idx[p]] * x.val[p];
      const double g = sign[i] * dot - 1.0 + diag[i] * alpha[i];
      double pg = 0;
      if (alpha[i] == 0) {
        if (g > pg_max_old) {  // shrink: stuck at the bound
          --active;
          std::swap(index[s], index[active]);
          --s;
          continue;
        }
        if (g < 0) pg = g;
      } else {
        pg = g;
      }
      pg_max = std::max(pg_max, pg);
      pg_min = std::min(pg_min, pg);
      if (std::fabs(pg) > 1e-12) {
        const float old = alpha[i];
        alpha[i] = static_cast<float>(std::max(alpha[i] - g / qd[i], 0.0));
        const float d = (alpha[i] - old) * sign[i];
        for (uint64_t p = b; p < e; ++p) w[x.idx[p]] += d * x.val[p];
        w[bias_index] += d;
      }
    }
    if (pg_max - pg_min <= eps) {
      if (active == n) break;
      active = n;  // converged on the active set: re-check everything once
      pg_max_old = INFINITY;
      continue;
    }
    pg_max_old = pg_max <= 0 ? INFINITY : pg_max;
  }
}

}  // namespace

LinearWeights TrainSvm(const SparseMatrix& x, const std::vector<int>& y, int n_classes,
                       const std::vector<float>& example_weight, const TrainOptions& options) {
  const size_t n = x.rows();
  std::vector<float> sq_norm(n, 0.f), c(n, options.svm_c);
  for (size_t i = 0; i < n; ++i) {
    for (uint64_t p = x.row_ptr[i]; p < x.row_ptr[i + 1]; ++p) sq_norm[i] += x.val[p] * x.val[p];
    if (!example_weight.empty()) c[i] *= example_weight[i];
  }
  LinearWeights m;
  m.n_classes = n_classes;
  m.w.assign(static_cast<size_t>(x.n_cols) * n_classes, 0.f);
  m.bias.assign(n_classes, 0.f);
  ThreadPool pool(options.threads);
  ProgressBar progress("train svm", n_classes, "classes");
  // Classes are split statically, and each thread transposes its own classes' columns into
  // the feature-major matrix (disjoint writes).
  pool.ParallelFor(n_classes, [&](int, size_t begin, size_t end) {
    std::vector<float> w;
    for (size_t k = begin; k < end; ++k) {
      TrainOneClass(x, y, static_cast<int>(k), sq_norm, c, options.svm_max_iter, options.seed, &w);
      for (uint32_t j = 0; j < x.n_cols; ++j) m.w[static_cast<size_t>(j) * n_classes + k] = w[j];
      m.bias[k] = w[x.n_cols];
      progress.Add(1);
    }
  });
  return m;
}

}  // namespace fl::classify
