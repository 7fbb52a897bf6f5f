// lm internals: a loaded model's weights (views into the mapped GGUF file), shared by
// model.cc (loading, validation) and forward.cc (the forward pass).
#pragma once

#include <vector>

#include "lm/kernels.h"
#include "lm/lm.h"

namespace fl::lm {

// A 2-D weight: n_out rows of n_in values (ggml ne[0] = n_in), row-major in the file.
struct WeightView {
  const uint8_t* data = nullptr;
  GgmlType type = GgmlType::kF32;
  int64_t n_in = 0;
  int64_t n_out = 0;
  size_t row_bytes = 0;
};

struct Model::Layer {
  std::vector<float> attn_norm;      // (n_embd)
  WeightView wq;                     // (n_head * head_dim, n_embd)
  WeightView wk, wv;                 // (n_head_kv * head_dim, n_embd)
  std::vector<float> bq, bk, bv;     // qwen2: the q/k/v biases; empty for llama
  WeightView wo;                     // (n_embd, n_head * head_dim)
  std::vector<float> ffn_norm;       // (n_embd)
  WeightView w_gate, w_up;           // (n_ff, n_embd)
  WeightView w_down;                 // (n_embd, n_ff)
};

struct Model::Weights {
  WeightView token_embd;             // (n_vocab, n_embd)
  std::vector<Layer> layers;
  std::vector<float> output_norm;    // (n_embd)
  WeightView output;                 // (n_vocab, n_embd); token_embd when tied
  std::vector<float> rope_freqs;     // (n_rot / 2) divisors of the rotation frequencies, or empty
};

}  // namespace fl::lm
