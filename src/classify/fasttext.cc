// fastText-style supervised learner (Joulin et al. 2016): the text vector is the weighted
// mean of its features' embeddings, followed by a softmax layer; trained by SGD on the
// log loss with a linearly decaying learning rate, Hogwild-style (threads share the weights
// without locks, each reading its own shard of the data, as fastText does).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>

#include "classify/trainers.h"
#include "core/core.h"

namespace fl::classify {
namespace {

// One SGD step on example (idx, val) with gold label; hidden/grad/scores are scratch.
void Update(EmbeddingWeights* m, const uint32_t* idx, const float* val, size_t nnz, int gold,
            float lr, float example_weight, float* hidden, float* grad, float* scores) {
  const int dim = m->dim, k = m->n_classes;
  EmbeddingScores(*m, idx, val, nnz, hidden, scores);
  float mx = scores[0];
  for (int c = 1; c < k; ++c) mx = std::max(mx, scores[c]);
  float z = 0;
  for (int c = 0; c < k; ++c) z += (scores[c] = std::exp(scores[c] - mx));
  std::fill(grad, grad + dim, 0.f);
  for (int c = 0; c < k; ++c) {
    const float alpha = lr * example_weight * ((c == gold ? 1.f : 0.f) - scores[c] / z);
    float* out = m->out.data() + static_cast<size_t>(c) * dim;
    for (int d = 0; d < dim; ++d) {
      grad[d] += alpha * out[d];
      out[d] += alpha * hidden[d];
    }
  }
  float total = 0;
  for (size_t p = 0; p < nnz; ++p) total += val[p];
  if (total <= 0) return;
  for (size_t p = 0; p < nnz; ++p) {
    float* e = m->emb.data() + static_cast<size_t>(idx[p]) * dim;
    const float s = val[p] / total;
    for (int d = 0; d < dim; ++d) e[d] += s * grad[d];
  }
}

}  // namespace

void EmbeddingScores(const EmbeddingWeights& m, const uint32_t* idx, const float* val, size_t nnz,
                     float* hidden, float* scores) {
  const int dim = m.dim;
  std::fill(hidden, hidden + dim, 0.f);
  float total = 0;
  for (size_t p = 0; p < nnz; ++p) {
    const float* e = m.emb.data() + static_cast<size_t>(idx[p]) * dim;
    for (int d = 0; d < dim; ++d) hidden[d] += val[p] * e[d];
    total += val[p];
  }
  if (total > 0) {
    for (int d = 0; d < dim; ++d) hidden[d] /= total;
  }
  for (int c = 0; c < m.n_classes; ++c) {
    const float* o = m.out.data() + static_cast<size_t>(c) * dim;
    float s = 0;
    for (int d = 0; d < dim; ++d) s += o[d] * hidden[d];
    scores[c] = s;
  }
}

EmbeddingWeights TrainFastText(const SparseMatrix& x, const std::vector<int>& y, int n_classes,
                               uint32_t rows, const std::vector<float>& example_weight,
                               const TrainOptions& options) {
  EmbeddingWeights m;
  m.dim = options.dim;
  m.n_classes = n_classes;
  m.rows = rows;
  m.counts = options.emb_counts;
  m.emb.resize(static_cast<size_t>(rows) * m.dim);
  m.out.assign(static_cast<size_t>(n_classes) * m.dim, 0.f);
  std::mt19937_64 init_rng(options.seed);
  std::uniform_real_distribution<float> init(-1.0f / m.dim, 1.0f / m.dim);
  for (float& v : m.emb) v = init(init_rng);

  const size_t n = x.rows();
  const uint64_t total_steps = static_cast<uint64_t>(options.epochs) * n;
  std::atomic<uint64_t> steps{0};
  ThreadPool pool(options.threads);
  ProgressBar progress("train fasttext", total_steps, "examples");
  pool.ParallelFor(static_cast<size_t>(pool.size()), [&](int t, size_t, size_t) {
    // Each thread walks its own shard in a shuffled order every epoch.
    const size_t begin = n * t / pool.size(), end = n * (t + 1) / pool.size();
    std::vector<uint32_t> order;
    for (size_t i = begin; i < end; ++i) order.push_back(static_cast<uint32_t>(i));
    std::mt19937_64 rng(options.seed + 7919ULL * t);
    std::vector<float> hidden(m.dim), grad(m.dim), scores(n_classes);
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
      std::shuffle(order.begin(), order.end(), rng);
      for (uint32_t i : order) {
        const double done = static_cast<double>(steps.fetch_add(1, std::memory_order_relaxed));
        const float lr = options.lr * static_cast<float>(std::max(0.0, 1.0 - done / total_steps));
        const uint64_t b = x.row_ptr[i];
        uint64_t e = b;
        while (e < x.row_ptr[i + 1] && x.idx[e] < rows) ++e;
        Update(&m, x.idx.data() + b, (options.emb_counts ? x.cnt : x.val).data() + b, e - b, y[i], lr,
               example_weight.empty() ? 1.f : example_weight[i], hidden.data(), grad.data(),
               scores.data());
      }
      progress.Add(order.size());
    }
  });
  return m;
}

}  // namespace fl::classify
