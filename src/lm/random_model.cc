// Random-weight models of any shape with a real tokenizer, for tests and benchmarks (so
// no downloaded weights are needed). The values follow the lm-fixtures recipe: N(0, 1)
// embeddings, N(0, 0.05²) layer weights, N(0, 0.5²) biases, norms 1 + N(0, 0.1²), the
// output norm with a random sign per element.
//
// Like llama-quantize, a K-quant tensor whose rows are not whole 256-value blocks falls
// back to a 32-block type (Q4_K -> Q5_0, Q6_K -> Q8_0), so any shape can be written.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "lm/lm.h"

namespace fl::lm {
namespace {

// xoshiro256** seeded by splitmix64: fast, and the same stream on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      word = z ^ (z >> 31);
    }
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Approximately N(0, 1): the sum of four uniforms, scaled to unit variance (one draw
  // per value; the tails stop at ±3.5, which random weights do not miss).
  float Normal() {
    const uint64_t r = Next();
    float sum = 0;
    for (int i = 0; i < 4; ++i) sum += static_cast<float>((r >> (16 * i)) & 0xFFFF) / 65536.f;
    return (sum - 2.f) * 1.7320508f;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

GgmlType StorageType(GgmlType wanted, int64_t n_in) {
  if (n_in % 256 == 0) return wanted;
  if (wanted == GgmlType::kQ4_K) return GgmlType::kQ5_0;
  if (wanted == GgmlType::kQ6_K) return GgmlType::kQ8_0;
  return wanted;
}

// general.file_type as llama.cpp numbers it.
uint32_t FileType(GgmlType type) {
  switch (type) {
    case GgmlType::kF32: return 0;
    case GgmlType::kF16: return 1;
    case GgmlType::kQ4_0: return 2;
    case GgmlType::kQ8_0: return 7;
    case GgmlType::kQ4_K: return 14;  // Q4_K_S: every 2-D tensor Q4_K
    case GgmlType::kQ6_K: return 18;
    case GgmlType::kBF16: return 32;
    default: return 0;
  }
}

TensorSpec Matrix(const std::string& name, int64_t n_in, int64_t n_out, GgmlType type, float stddev, Rng& rng) {
  TensorSpec t{name, StorageType(type, n_in), {static_cast<uint64_t>(n_in), static_cast<uint64_t>(n_out)}, {}};
  const size_t row_bytes = RowBytes(t.type, n_in);
  t.data.resize(row_bytes * n_out);
  std::vector<float> row(n_in);
  for (int64_t r = 0; r < n_out; ++r) {
    for (float& v : row) v = rng.Normal() * stddev;
    QuantizeRow(t.type, row.data(), t.data.data() + r * row_bytes, n_in);
  }
  return t;
}

TensorSpec Vector(const std::string& name, int64_t n, float mean, float stddev, bool random_sign, Rng& rng) {
  TensorSpec t{name, GgmlType::kF32, {static_cast<uint64_t>(n)}, std::string(n * 4, '\0')};
  for (int64_t i = 0; i < n; ++i) {
    float v = mean + rng.Normal() * stddev;
    if (random_sign && (rng.Next() & 1)) v = -v;
    std::memcpy(t.data.data() + i * 4, &v, 4);
  }
  return t;
}

std::vector<std::pair<std::string, Value>> TokenizerKeys(const GgufFile& vocab) {
  std::vector<std::pair<std::string, Value>> keys;
  for (const auto& [key, value] : vocab.metadata()) {
    if (key.rfind("tokenizer.", 0) == 0) keys.emplace_back(key, value);
  }
  return keys;
}

// <unk>, <s>, </s>, then <0x00>..<0xFF>: every text encodes (through byte fallback).
std::vector<std::pair<std::string, Value>> ByteVocabulary() {
  std::vector<Value> tokens = {StringValue("<unk>"), StringValue("<s>"), StringValue("</s>")};
  std::vector<Value> scores(3, FloatValue(0));
  std::vector<Value> types = {IntValue(2), IntValue(3), IntValue(3)};  // unknown, control
  for (int b = 0; b < 256; ++b) {
    char piece[8];
    std::snprintf(piece, sizeof piece, "<0x%02X>", b);
    tokens.push_back(StringValue(piece));
    scores.push_back(FloatValue(0));
    types.push_back(IntValue(6));  // byte
  }
  return {{"tokenizer.ggml.model", StringValue("llama")},
          {"tokenizer.ggml.tokens", ArrayValue(ValueType::kString, std::move(tokens))},
          {"tokenizer.ggml.scores", ArrayValue(ValueType::kFloat32, std::move(scores))},
          {"tokenizer.ggml.token_type", ArrayValue(ValueType::kInt32, std::move(types))},
          {"tokenizer.ggml.bos_token_id", UintValue(1)},
          {"tokenizer.ggml.eos_token_id", UintValue(2)},
          {"tokenizer.ggml.unknown_token_id", UintValue(0)}};
}

}  // namespace

Status WriteRandomModel(const RandomModelSpec& spec, const GgufFile* vocab, const std::string& path) {
  const std::string& a = spec.arch;
  if (a != "llama" && a != "qwen2") return InvalidArgumentError("--arch must be llama or qwen2, not '" + a + "'");
  if (spec.n_embd <= 0 || spec.n_layer <= 0 || spec.n_head <= 0 || spec.n_head_kv <= 0 || spec.n_ff <= 0 ||
      spec.n_ctx <= 0) {
    return InvalidArgumentError("every dimension must be positive");
  }
  if (spec.n_embd % spec.n_head != 0 || spec.n_head % spec.n_head_kv != 0) {
    return InvalidArgumentError("n_embd must be a multiple of n_head, and n_head of n_head_kv");
  }
  const int head_dim = spec.n_embd / spec.n_head;
  if (head_dim % 2 != 0) return InvalidArgumentError("the head size n_embd / n_head must be even");
  if (spec.n_embd % 32 != 0 || spec.n_ff % 32 != 0) {
    return InvalidArgumentError("n_embd and n_ff must be multiples of 32 (the quantisation block)");
  }
  switch (spec.type) {
    case GgmlType::kF32: case GgmlType::kF16: case GgmlType::kBF16: case GgmlType::kQ8_0:
    case GgmlType::kQ4_0: case GgmlType::kQ4_K: case GgmlType::kQ6_K: break;
    default: return InvalidArgumentError("unsupported weight type for a random model");
  }
  std::vector<std::pair<std::string, Value>> tokenizer = vocab != nullptr ? TokenizerKeys(*vocab) : ByteVocabulary();
  int64_t n_vocab = 0;
  for (const auto& [key, value] : tokenizer) {
    if (key == "tokenizer.ggml.tokens") n_vocab = static_cast<int64_t>(value.array.size());
  }
  if (n_vocab == 0) return InvalidArgumentError("the vocab file has no tokenizer.ggml.tokens");

  std::vector<std::pair<std::string, Value>> meta = {
      {"general.architecture", StringValue(a)},
      {"general.name", StringValue("frontline-random-" + a)},
      {"general.file_type", UintValue(FileType(spec.type))},
      {a + ".context_length", UintValue(spec.n_ctx)},
      {a + ".embedding_length", UintValue(spec.n_embd)},
      {a + ".block_count", UintValue(spec.n_layer)},
      {a + ".feed_forward_length", UintValue(spec.n_ff)},
      {a + ".attention.head_count", UintValue(spec.n_head)},
      {a + ".attention.head_count_kv", UintValue(spec.n_head_kv)},
      {a + ".attention.layer_norm_rms_epsilon", FloatValue(a == "qwen2" ? 1e-6 : 1e-5)},
      {a + ".rope.freq_base", FloatValue(a == "qwen2" ? 1000000.0 : 10000.0)},
  };
  if (a == "llama") {
    meta.push_back({a + ".vocab_size", UintValue(n_vocab)});
    meta.push_back({a + ".rope.dimension_count", UintValue(head_dim)});
  }
  if (spec.type != GgmlType::kF32 && spec.type != GgmlType::kF16 && spec.type != GgmlType::kBF16) {
    meta.push_back({"general.quantization_version", UintValue(2)});
  }
  for (auto& kv : tokenizer) meta.push_back(std::move(kv));

  Rng rng(spec.seed);
  const int64_t q_dim = spec.n_embd, kv_dim = static_cast<int64_t>(spec.n_head_kv) * head_dim;
  std::vector<TensorSpec> tensors;
  tensors.push_back(Matrix("token_embd.weight", spec.n_embd, n_vocab, spec.type, 1.f, rng));
  for (int l = 0; l < spec.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    tensors.push_back(Vector(p + "attn_norm.weight", spec.n_embd, 1.f, 0.1f, false, rng));
    tensors.push_back(Matrix(p + "attn_q.weight", spec.n_embd, q_dim, spec.type, 0.05f, rng));
    tensors.push_back(Matrix(p + "attn_k.weight", spec.n_embd, kv_dim, spec.type, 0.05f, rng));
    tensors.push_back(Matrix(p + "attn_v.weight", spec.n_embd, kv_dim, spec.type, 0.05f, rng));
    if (a == "qwen2") {
      tensors.push_back(Vector(p + "attn_q.bias", q_dim, 0.f, 0.5f, false, rng));
      tensors.push_back(Vector(p + "attn_k.bias", kv_dim, 0.f, 0.5f, false, rng));
      tensors.push_back(Vector(p + "attn_v.bias", kv_dim, 0.f, 0.5f, false, rng));
    }
    tensors.push_back(Matrix(p + "attn_output.weight", q_dim, spec.n_embd, spec.type, 0.05f, rng));
    tensors.push_back(Vector(p + "ffn_norm.weight", spec.n_embd, 1.f, 0.1f, false, rng));
    tensors.push_back(Matrix(p + "ffn_gate.weight", spec.n_embd, spec.n_ff, spec.type, 0.05f, rng));
    tensors.push_back(Matrix(p + "ffn_up.weight", spec.n_embd, spec.n_ff, spec.type, 0.05f, rng));
    tensors.push_back(Matrix(p + "ffn_down.weight", spec.n_ff, spec.n_embd, spec.type, 0.05f, rng));
  }
  tensors.push_back(Vector("output_norm.weight", spec.n_embd, 1.f, 0.1f, true, rng));
  if (!spec.tied_output) tensors.push_back(Matrix("output.weight", spec.n_embd, n_vocab, spec.type, 1.f, rng));

  const std::string bytes = WriteGguf(meta, tensors);
  tensors.clear();
  return WriteFileAtomic(path, bytes);
}

}  // namespace fl::lm
