// The forward pass on tiny models the test writes itself (no data files): logits against
// a float64 reference forward over the dequantised weights, for llama (NORM RoPE, its own
// output.weight) and qwen2 (NEOX RoPE, q/k/v biases, tied embeddings), every weight type
// and kernel set, F32 and F16 KV; batch, truncation and thread-count invariance; Eval's
// and Load's errors; the memory estimate.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lm/lm.h"

namespace fl::lm {
namespace {

constexpr int kVocab = 300;
constexpr float kEps = 1e-5f;
constexpr float kTheta = 10000.f;

struct Spec {
  std::string arch = "llama";
  int n_embd = 64, n_layer = 2, n_head = 4, n_head_kv = 2, n_ff = 128, n_ctx = 64;
  GgmlType type = GgmlType::kF32;  // the 2-D weights; norms and biases are F32
  std::map<std::string, GgmlType> types = {};  // others by name ("token_embd.weight", "attn_q.weight")
  uint64_t seed = 1;
  int head_dim() const { return n_embd / n_head; }
};

// A tiny model: its GGUF metadata and tensors, and the weights as the model computes with
// them (dequantised, row-major (n_out, n_in)) and their types, for the reference.
struct TinyModel {
  Spec spec;
  std::vector<std::pair<std::string, Value>> metadata;
  std::vector<TensorSpec> tensors;
  std::map<std::string, std::vector<double>> w;
  std::map<std::string, GgmlType> types;
};

// A SentencePiece vocabulary: <unk>, <s>, </s>, the 256 byte tokens, then pieces.
void AddSpmVocab(std::vector<std::pair<std::string, Value>>& metadata) {
  std::vector<Value> tokens, scores, types;
  auto add = [&](const std::string& piece, int type) {
    scores.push_back(FloatValue(-static_cast<double>(tokens.size())));
    tokens.push_back(StringValue(piece));
    types.push_back(IntValue(type));
  };
  add("<unk>", 2), add("<s>", 3), add("</s>", 3);
  for (int b = 0; b < 256; ++b) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), "<0x%02X>", b);
    add(hex, 6);
  }
  add("\xE2\x96\x81", 1);
  for (char c = 'a'; c <= 'z'; ++c) add(std::string(1, c), 1);
  for (char c = 'a'; tokens.size() < kVocab; ++c) add("\xE2\x96\x81" + std::string(1, c), 1);
  metadata.insert(metadata.end(), {{"tokenizer.ggml.model", StringValue("llama")},
                                   {"tokenizer.ggml.tokens", ArrayValue(ValueType::kString, tokens)},
                                   {"tokenizer.ggml.scores", ArrayValue(ValueType::kFloat32, scores)},
                                   {"tokenizer.ggml.token_type", ArrayValue(ValueType::kInt32, types)},
                                   {"tokenizer.ggml.bos_token_id", UintValue(1)},
                                   {"tokenizer.ggml.eos_token_id", UintValue(2)}});
}

TinyModel Build(const Spec& s) {
  TinyModel m{s, {}, {}, {}, {}};
  const std::string& a = s.arch;
  m.metadata = {{"general.architecture", StringValue(a)},
                {a + ".embedding_length", UintValue(s.n_embd)},
                {a + ".block_count", UintValue(s.n_layer)},
                {a + ".feed_forward_length", UintValue(s.n_ff)},
                {a + ".attention.head_count", UintValue(s.n_head)},
                {a + ".attention.head_count_kv", UintValue(s.n_head_kv)},
                {a + ".context_length", UintValue(s.n_ctx)},
                {a + ".attention.layer_norm_rms_epsilon", FloatValue(kEps)},
                {a + ".rope.freq_base", FloatValue(kTheta)}};
  AddSpmVocab(m.metadata);
  std::mt19937_64 rng(s.seed);
  auto matrix = [&](const std::string& name, int n_in, int n_out, float sd) {
    std::normal_distribution<float> normal(0, sd);
    const auto other = s.types.find(name.starts_with("blk.") ? name.substr(name.find('.', 4) + 1) : name);
    const GgmlType type = m.types[name] = other != s.types.end() ? other->second : s.type;
    const size_t row_bytes = RowBytes(type, n_in);
    std::string bytes(row_bytes * n_out, '\0');
    std::vector<float> row(n_in);
    std::vector<double>& w = m.w[name];
    for (int r = 0; r < n_out; ++r) {
      for (float& v : row) v = normal(rng);
      EXPECT_TRUE(QuantizeRow(type, row.data(), bytes.data() + r * row_bytes, n_in));
      EXPECT_TRUE(DequantizeRow(type, bytes.data() + r * row_bytes, row.data(), n_in));
      w.insert(w.end(), row.begin(), row.end());
    }
    m.tensors.push_back({name, type, {static_cast<uint64_t>(n_in), static_cast<uint64_t>(n_out)}, bytes});
  };
  auto vector = [&](const std::string& name, int n, float mean, float sd) {
    std::normal_distribution<float> normal(mean, sd);
    std::vector<float> v(n);
    for (float& x : v) x = normal(rng);
    m.w[name].assign(v.begin(), v.end());
    m.tensors.push_back({name, GgmlType::kF32, {static_cast<uint64_t>(n)},
                         std::string(reinterpret_cast<const char*>(v.data()), n * sizeof(float))});
  };
  const int q_dim = s.n_head * s.head_dim(), kv_dim = s.n_head_kv * s.head_dim();
  const auto inv_sqrt = [](int n) { return 1.f / std::sqrt(static_cast<float>(n)); };
  matrix("token_embd.weight", s.n_embd, kVocab, 0.25f);
  vector("output_norm.weight", s.n_embd, 1, 0.1f);
  if (a == "llama") matrix("output.weight", s.n_embd, kVocab, 2 * inv_sqrt(s.n_embd));
  for (int l = 0; l < s.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    vector(p + "attn_norm.weight", s.n_embd, 1, 0.1f);
    // Q and K large enough that the attention is far from uniform.
    matrix(p + "attn_q.weight", s.n_embd, q_dim, 1.5f * inv_sqrt(s.n_embd));
    matrix(p + "attn_k.weight", s.n_embd, kv_dim, 1.5f * inv_sqrt(s.n_embd));
    matrix(p + "attn_v.weight", s.n_embd, kv_dim, inv_sqrt(s.n_embd));
    if (a == "qwen2") {
      vector(p + "attn_q.bias", q_dim, 0, 0.5f);
      vector(p + "attn_k.bias", kv_dim, 0, 0.5f);
      vector(p + "attn_v.bias", kv_dim, 0, 0.5f);
    }
    matrix(p + "attn_output.weight", q_dim, s.n_embd, inv_sqrt(q_dim));
    vector(p + "ffn_norm.weight", s.n_embd, 1, 0.1f);
    matrix(p + "ffn_gate.weight", s.n_embd, s.n_ff, inv_sqrt(s.n_embd));
    matrix(p + "ffn_up.weight", s.n_embd, s.n_ff, inv_sqrt(s.n_embd));
    matrix(p + "ffn_down.weight", s.n_ff, s.n_embd, inv_sqrt(s.n_ff));
  }
  return m;
}

// Writes bytes to a temporary file and loads it (the mapping outlives the file).
Result<std::shared_ptr<const Model>> LoadBytes(const std::string& bytes) {
  static int counter = 0;
  const std::string path =
      ::testing::TempDir() + "fl_forward_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + ".gguf";
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  auto model = Model::Load(path);
  std::remove(path.c_str());
  return model;
}
Result<std::shared_ptr<const Model>> Load(const TinyModel& m) { return LoadBytes(WriteGguf(m.metadata, m.tensors)); }

std::string TypeName(GgmlType type) { return TypeInfo(static_cast<uint32_t>(type))->name; }

// The vec-dot type a weight type's activations are rounded to (kernels.h).
GgmlType ActType(GgmlType weight) {
  switch (weight) {
    case GgmlType::kQ8_0:
    case GgmlType::kQ4_0:
    case GgmlType::kQ5_0: return GgmlType::kQ8_0;
    case GgmlType::kQ4_K:
    case GgmlType::kQ6_K: return GgmlType::kQ8_K;
    default: return weight;
  }
}

// x as float rounded to type and back (Q8_K: float d, int8 q[256], int16 bsums[16]).
std::vector<double> Round(GgmlType type, const std::vector<double>& x) {
  if (type == GgmlType::kF32) return x;  // the unrounded reference: float64 throughout
  const std::vector<float> f(x.begin(), x.end());
  const auto n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> row(RowBytes(type, n));
  EXPECT_TRUE(QuantizeRow(type, f.data(), row.data(), n));
  std::vector<double> y(n);
  if (type == GgmlType::kQ8_K) {
    for (int64_t i = 0; i < n; ++i) {
      float d;
      std::memcpy(&d, row.data() + i / 256 * 292, 4);
      y[i] = static_cast<double>(d) * static_cast<int8_t>(row[i / 256 * 292 + 4 + i % 256]);
    }
    return y;
  }
  std::vector<float> back(n);
  EXPECT_TRUE(DequantizeRow(type, row.data(), back.data(), n));
  return {back.begin(), back.end()};
}

// What the reference rounds as the runtime does: the matrix inputs to each weight's vec-dot
// type, and with an F16 cache q, k, v and the attention weights to F16. Default: nothing.
struct Rounding {
  bool acts = false;
  bool f16_kv = false;
};

// The logits of every position of tokens (from position 0), in float64: RMSNorm, RoPE,
// grouped-query causal attention, SwiGLU, final norm and output.
std::vector<std::vector<double>> Reference(const TinyModel& m, const std::vector<int32_t>& tokens,
                                           const Rounding& rounding = {}) {
  const Spec& s = m.spec;
  const int hd = s.head_dim(), q_dim = s.n_head * hd, kv_dim = s.n_head_kv * hd, group = s.n_head / s.n_head_kv;
  const bool neox = s.arch == "qwen2";
  auto W = [&](const std::string& name) -> const std::vector<double>& { return m.w.at(name); };
  auto matvec = [&](const std::string& name, const std::vector<double>& input) {
    const std::vector<double>& w = W(name);
    const std::vector<double> x = rounding.acts ? Round(ActType(m.types.at(name)), input) : input;
    std::vector<double> y(w.size() / x.size(), 0);
    for (size_t o = 0; o < y.size(); ++o)
      for (size_t i = 0; i < x.size(); ++i) y[o] += w[o * x.size() + i] * x[i];
    return y;
  };
  auto half = [&](double v) {
    return rounding.f16_kv ? static_cast<double>(HalfToFloat(FloatToHalf(static_cast<float>(v)))) : v;
  };
  auto rmsnorm = [](const std::vector<double>& x, const std::vector<double>& g) {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double scale = 1 / std::sqrt(ss / x.size() + static_cast<double>(kEps));
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * scale * g[i];
    return y;
  };
  // NORM rotates pairs (2i, 2i+1), NEOX pairs (i, i + hd/2), by pos * theta^(-2i/hd).
  auto rope = [&](double* head, int pos) {
    for (int i = 0; i < hd / 2; ++i) {
      const double angle = pos * std::pow(static_cast<double>(kTheta), -2.0 * i / hd);
      double& x0 = head[neox ? i : 2 * i];
      double& x1 = head[neox ? i + hd / 2 : 2 * i + 1];
      const double a = x0, b = x1;
      x0 = a * std::cos(angle) - b * std::sin(angle);
      x1 = a * std::sin(angle) + b * std::cos(angle);
    }
  };
  std::vector<std::vector<std::vector<double>>> K(s.n_layer), V(s.n_layer);  // (layer, pos, kv_dim)
  std::vector<std::vector<double>> logits;
  const std::vector<double>& embd = W("token_embd.weight");
  for (int t = 0; t < static_cast<int>(tokens.size()); ++t) {
    std::vector<double> x(embd.begin() + tokens[t] * s.n_embd, embd.begin() + (tokens[t] + 1) * s.n_embd);
    for (int l = 0; l < s.n_layer; ++l) {
      const std::string p = "blk." + std::to_string(l) + ".";
      std::vector<double> xb = rmsnorm(x, W(p + "attn_norm.weight"));
      std::vector<double> q = matvec(p + "attn_q.weight", xb), k = matvec(p + "attn_k.weight", xb),
                          v = matvec(p + "attn_v.weight", xb);
      if (neox) {
        for (int i = 0; i < q_dim; ++i) q[i] += W(p + "attn_q.bias")[i];
        for (int i = 0; i < kv_dim; ++i) k[i] += W(p + "attn_k.bias")[i], v[i] += W(p + "attn_v.bias")[i];
      }
      for (int h = 0; h < s.n_head; ++h) rope(q.data() + h * hd, t);
      for (int h = 0; h < s.n_head_kv; ++h) rope(k.data() + h * hd, t);
      for (std::vector<double>* vec : {&q, &k, &v})
        for (double& e : *vec) e = half(e);
      K[l].push_back(k), V[l].push_back(v);
      std::vector<double> att(q_dim, 0);
      for (int h = 0; h < s.n_head; ++h) {
        const int kvh = h / group;
        std::vector<double> score(t + 1);
        double max = -INFINITY, sum = 0;
        for (int p2 = 0; p2 <= t; ++p2) {
          for (int i = 0; i < hd; ++i) score[p2] += q[h * hd + i] * K[l][p2][kvh * hd + i];
          score[p2] /= std::sqrt(static_cast<double>(hd));
          max = std::max(max, score[p2]);
        }
        for (double& sc : score) sum += (sc = std::exp(sc - max));
        for (int p2 = 0; p2 <= t; ++p2)
          for (int i = 0; i < hd; ++i) att[h * hd + i] += half(score[p2] / sum) * V[l][p2][kvh * hd + i];
      }
      const std::vector<double> o = matvec(p + "attn_output.weight", att);
      for (int i = 0; i < s.n_embd; ++i) x[i] += o[i];
      xb = rmsnorm(x, W(p + "ffn_norm.weight"));
      std::vector<double> gate = matvec(p + "ffn_gate.weight", xb);
      const std::vector<double> up = matvec(p + "ffn_up.weight", xb);
      for (int i = 0; i < s.n_ff; ++i) gate[i] = gate[i] / (1 + std::exp(-gate[i])) * up[i];
      const std::vector<double> down = matvec(p + "ffn_down.weight", gate);
      for (int i = 0; i < s.n_embd; ++i) x[i] += down[i];
    }
    const char* output = m.w.count("output.weight") ? "output.weight" : "token_embd.weight";  // tied
    logits.push_back(matvec(output, rmsnorm(x, W("output_norm.weight"))));
  }
  return logits;
}

double MaxDiff(const float* got, const std::vector<double>& want) {
  double d = 0;
  for (size_t i = 0; i < want.size(); ++i) d = std::max(d, std::fabs(got[i] - want[i]));
  return d;
}
double MaxAbs(const std::vector<std::vector<double>>& rows) {
  double m = 0;
  for (const auto& r : rows)
    for (double v : r) m = std::max(m, std::fabs(v));
  return m;
}

const std::vector<int32_t> kPrompt = {1, 260, 290, 17, 299, 3, 261, 100, 271, 262, 295};
const std::vector<int32_t> kDecode = {280, 2, 150};

// The kernel sets this build has and this CPU runs; each test loops over them so that a
// model is built once for all.
std::vector<std::string> Sets() { return AvailableKernels(); }

// ---- the forward pass against the float64 reference ----

// The relative precision of what the runtime rounds a weight type's matrix inputs to:
// none for F32, 11 / 8 significant bits for F16 / BF16, a step of amax / 127 for the
// 8-bit blocks of the quantised types.
double InputPrecision(GgmlType weight) {
  switch (ActType(weight)) {
    case GgmlType::kF32: return 0;
    case GgmlType::kF16: return std::ldexp(1., -11);
    case GgmlType::kBF16: return std::ldexp(1., -8);
    default: return 1. / 127;
  }
}

// Logits against the float64 forward over the same (dequantised) weights, for every kernel
// set and both KV types. Beyond float32 arithmetic (1e-3), the runtime rounds the matrix
// inputs and, with the F16 cache, q, k, v and the attention weights. The reference can do
// the same roundings: it then agrees to ~1e-6 until some rounding decision falls the other
// way, after which the two are different draws of the rounding noise (one flip perturbs
// every later rounding). So the limits are (1) no more than twice the deviation of that
// emulation from the unrounded forward, and (2) a ceiling of 10 times the precision of
// the rounding (the coarsest of the model's weight types), relative to the largest logit.
void ExpectMatchesReference(const TinyModel& m, const std::string& label, double precision) {
  auto model = Load(m);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  std::vector<int32_t> all = kPrompt;
  all.insert(all.end(), kDecode.begin(), kDecode.end());
  const std::vector<std::vector<double>> exact = Reference(m, all);
  const double scale = MaxAbs(exact);
  for (KvType kv : {KvType::kF32, KvType::kF16}) {
    const std::vector<std::vector<double>> rounded = Reference(m, all, {.acts = true, .f16_kv = kv == KvType::kF16});
    double emulation = 0;  // of the roundings, from the unrounded forward
    for (size_t t = 0; t < all.size(); ++t) {
      const std::vector<float> f(rounded[t].begin(), rounded[t].end());
      emulation = std::max(emulation, MaxDiff(f.data(), exact[t]));
    }
    const double kv_precision = kv == KvType::kF16 ? std::ldexp(1., -11) : 0;
    const double limit = 1e-3 + std::min(2 * emulation, 10 * (precision + kv_precision) * scale);
    for (const std::string& set : Sets()) {
      auto session = Session::Create(*model, {.n_ctx = 32, .n_threads = 2, .kv = kv, .kernels = set});
      ASSERT_TRUE(session.ok()) << session.status().ToString();
      Session& s = **session;
      ASSERT_TRUE(s.Eval(kPrompt, /*all_logits=*/true).ok());
      double d_exact = 0, d_rounded = 0;
      auto compare = [&](const float* got, size_t pos) {
        d_exact = std::max(d_exact, MaxDiff(got, exact[pos]));
        d_rounded = std::max(d_rounded, MaxDiff(got, rounded[pos]));
      };
      for (size_t t = 0; t < kPrompt.size(); ++t) compare(s.logits(static_cast<int>(t)), t);
      for (size_t i = 0; i < kDecode.size(); ++i) {  // then one token at a time
        ASSERT_TRUE(s.Eval(std::span<const int32_t>(&kDecode[i], 1)).ok());
        compare(s.logits(0), kPrompt.size() + i);
      }
      EXPECT_EQ(s.n_past(), static_cast<int>(all.size()));
      std::printf("%s [%s] KV %s: max|dlogit| %.2e (limit %.2e; max|logit| %.1f); the emulated rounding deviates "
                  "%.2e, and from us %.2e\n",
                  label.c_str(), set.c_str(), kv == KvType::kF16 ? "F16" : "F32", d_exact, limit, scale, emulation,
                  d_rounded);
      EXPECT_LE(d_exact, limit) << label << " [" << set << "] " << (kv == KvType::kF16 ? "F16 KV" : "F32 KV");
    }
  }
}

class ForwardTest : public ::testing::TestWithParam<std::tuple<std::string, GgmlType>> {};

TEST_P(ForwardTest, MatchesFloat64Reference) {
  const auto& [arch, type] = GetParam();
  Spec spec{.arch = arch, .type = type};
  if (type != GgmlType::kF32) spec.n_embd = spec.n_ff = 256;  // whole K-quant blocks
  ExpectMatchesReference(Build(spec), arch + " " + TypeName(type), InputPrecision(type));
}

INSTANTIATE_TEST_SUITE_P(
    Tiny, ForwardTest,
    ::testing::Combine(::testing::Values("llama", "qwen2"),
                       ::testing::Values(GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0,
                                         GgmlType::kQ4_0, GgmlType::kQ5_0, GgmlType::kQ4_K, GgmlType::kQ6_K)),
    [](const auto& info) { return std::get<0>(info.param) + "_" + TypeName(std::get<1>(info.param)); });

// A mix of types as in a Q4_K_M file: consecutive products whose inputs round to
// different vec-dot types (the activation cache of each input must follow).
TEST(ForwardMixedTest, MixedWeightTypesMatchFloat64Reference) {
  using enum GgmlType;
  const std::map<std::string, GgmlType> types = {
      {"token_embd.weight", kQ6_K}, {"output.weight", kQ8_0},      {"attn_q.weight", kQ4_K},
      {"attn_k.weight", kQ4_0},     {"attn_v.weight", kQ6_K},      {"attn_output.weight", kF16},
      {"ffn_gate.weight", kQ5_0},   {"ffn_up.weight", kBF16},      {"ffn_down.weight", kQ4_K}};
  for (const std::string arch : {"llama", "qwen2"}) {
    ExpectMatchesReference(Build({.arch = arch, .n_embd = 256, .n_ff = 256, .types = types}), arch + " mixed",
                           1. / 127);
  }
}

// Formats that share a vec-dot type (Q8_0 for Q8_0, Q4_0, Q5_0) side by side on the same
// input: a kernel set may lay their activation rows out differently, so one format's
// rounded input must not be reused for another's.
TEST(ForwardMixedTest, FormatsSharingAnActivationTypeSideBySide) {
  using enum GgmlType;
  const std::map<std::string, GgmlType> types = {
      {"attn_q.weight", kQ8_0}, {"attn_k.weight", kQ4_0}, {"attn_v.weight", kQ5_0},
      {"ffn_gate.weight", kQ4_0}, {"ffn_up.weight", kQ8_0}, {"ffn_down.weight", kQ4_0}};
  ExpectMatchesReference(Build({.n_embd = 256, .n_ff = 256, .types = types}), "Q8_0 / Q4_0 / Q5_0 side by side",
                         1. / 127);
}

// ---- invariances ----

// One Eval, token by token, and batches of 3 give the same logits at every position. The
// kernels may sum in another order for another batch shape: without rounding (F32
// weights and cache) that moves the logits by ~1e-6. With rounding, one decision that
// falls the other way moves them by up to ~2% of the largest (see ExpectMatchesReference),
// so there the limit is 5%, far below what a misplaced position or row would do.
TEST(ForwardInvarianceTest, BatchingDoesNotChangeLogits) {
  // Q4_0 with narrow rows: the AVX-512 set's activation rows then take more than 4 bytes
  // per value, and a full batch of them must still fit the session's buffer.
  for (const Spec& spec : {Spec{.arch = "llama"}, Spec{.arch = "llama", .type = GgmlType::kQ4_0},
                           Spec{.arch = "qwen2", .n_embd = 256, .n_ff = 256, .type = GgmlType::kQ4_K}}) {
    auto model = Load(Build(spec));
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    const bool exact = spec.type == GgmlType::kF32;
    const KvType kv = exact ? KvType::kF32 : KvType::kF16;
    const int n = static_cast<int>(kPrompt.size());
    for (const std::string& set : Sets()) {
      auto whole = Session::Create(*model, {.n_threads = 2, .kv = kv, .kernels = set});
      auto single = Session::Create(*model, {.n_threads = 2, .kv = kv, .kernels = set});
      auto batched = Session::Create(*model, {.n_batch = 3, .n_threads = 2, .kv = kv, .kernels = set});
      auto last_only = Session::Create(*model, {.n_batch = 3, .n_threads = 2, .kv = kv, .kernels = set});
      ASSERT_TRUE(whole.ok() && single.ok() && batched.ok() && last_only.ok());
      ASSERT_TRUE((*whole)->Eval(kPrompt, true).ok());
      ASSERT_TRUE((*batched)->Eval(kPrompt, true).ok());
      ASSERT_TRUE((*last_only)->Eval(kPrompt, false).ok());
      double worst = 0, scale = 0;
      for (int t = 0; t < n; ++t) {
        ASSERT_TRUE((*single)->Eval(std::span<const int32_t>(&kPrompt[t], 1)).ok());
        const std::vector<double> want((*whole)->logits(t), (*whole)->logits(t) + kVocab);
        worst = std::max({worst, MaxDiff((*single)->logits(0), want), MaxDiff((*batched)->logits(t), want)});
        scale = std::max(scale, MaxAbs({want}));
      }
      const std::vector<double> last((*whole)->logits(n - 1), (*whole)->logits(n - 1) + kVocab);
      worst = std::max(worst, MaxDiff((*last_only)->logits(0), last));
      std::printf("%s %s [%s]: batch / token-by-token / n_batch 3 max|d| %.2e\n", spec.arch.c_str(),
                  TypeName(spec.type).c_str(), set.c_str(), worst);
      EXPECT_LE(worst, exact ? 1e-4 : 0.05 * scale) << spec.arch << " " << set;
      EXPECT_EQ((*batched)->n_past(), n);
      EXPECT_EQ((*last_only)->n_past(), n);
    }
  }
}

// Truncate(n) forgets positions >= n: evaluating the same tokens again (in the same
// batches) gives identical logits, and other tokens give what a fresh session gives for
// the spliced sequence (F32 weights and cache: nothing rounds, only the summing order
// of another batch shape may differ).
TEST(ForwardInvarianceTest, TruncateThenEvalRecomputesTheSuffix) {
  auto model = Load(Build({.arch = "qwen2"}));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const int n = static_cast<int>(kPrompt.size()), keep = 4;
  const std::span<const int32_t> prefix = std::span<const int32_t>(kPrompt).first(keep),
                                 suffix = std::span<const int32_t>(kPrompt).subspan(keep);
  auto s = Session::Create(*model, {.n_threads = 2, .kv = KvType::kF32});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Eval(prefix).ok());
  ASSERT_TRUE((*s)->Eval(suffix, true).ok());
  const std::vector<float> first((*s)->logits(0), (*s)->logits(0) + (n - keep) * kVocab);
  (*s)->Truncate(keep);
  EXPECT_EQ((*s)->n_past(), keep);
  ASSERT_TRUE((*s)->Eval(suffix, true).ok());
  EXPECT_EQ((*s)->n_past(), n);
  EXPECT_EQ(std::memcmp((*s)->logits(0), first.data(), first.size() * sizeof(float)), 0)
      << "re-evaluating the truncated positions changed the logits";

  (*s)->Truncate(keep);
  std::vector<int32_t> spliced(prefix.begin(), prefix.end());
  spliced.insert(spliced.end(), kDecode.begin(), kDecode.end());
  ASSERT_TRUE((*s)->Eval(kDecode, true).ok());
  auto fresh = Session::Create(*model, {.n_threads = 2, .kv = KvType::kF32});
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->Eval(spliced, true).ok());
  double worst = 0;
  for (int i = 0; i < static_cast<int>(kDecode.size()); ++i) {
    worst = std::max(worst, MaxDiff((*s)->logits(i), std::vector<double>((*fresh)->logits(keep + i),
                                                                         (*fresh)->logits(keep + i) + kVocab)));
  }
  std::printf("truncate + other tokens vs fresh session: max|d| %.2e\n", worst);
  EXPECT_LE(worst, 1e-4);
  (*s)->Truncate(1000);
  EXPECT_EQ((*s)->n_past(), keep + static_cast<int>(kDecode.size())) << "Truncate never grows the context";
  (*s)->Truncate(-3);
  EXPECT_EQ((*s)->n_past(), 0);
}

// Each thread's share changes with the thread count, never the arithmetic of an element.
TEST(ForwardInvarianceTest, ThreadCountGivesBitwiseIdenticalLogits) {
  for (const Spec& spec : {Spec{.arch = "llama"}, Spec{.arch = "qwen2", .n_embd = 256, .n_ff = 256,
                                                       .type = GgmlType::kQ4_0}}) {
    auto model = Load(Build(spec));
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    for (const std::string& set : Sets()) {
      std::vector<std::vector<float>> runs;
      for (int threads : {1, 2, 3}) {
        auto s = Session::Create(*model, {.n_threads = threads, .kernels = set});
        ASSERT_TRUE(s.ok());
        EXPECT_EQ((*s)->n_threads(), threads);
        ASSERT_TRUE((*s)->Eval(kPrompt, true).ok());
        ASSERT_TRUE((*s)->Eval(kDecode, true).ok());
        runs.emplace_back((*s)->logits(0), (*s)->logits(0) + kDecode.size() * kVocab);
      }
      EXPECT_EQ(runs[0], runs[1]) << spec.arch << " " << set << ": 1 vs 2 threads";
      EXPECT_EQ(runs[0], runs[2]) << spec.arch << " " << set << ": 1 vs 3 threads";
    }
  }
}

// ---- errors ----

TEST(ForwardErrorTest, EvalRefusesBadInputAndLeavesTheSessionUnchanged) {
  auto model = Load(Build({}));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto session = Session::Create(*model, {.n_ctx = 16, .n_threads = 2});
  ASSERT_TRUE(session.ok());
  Session& s = **session;
  ASSERT_TRUE(s.Eval(std::span<const int32_t>(kPrompt).first(10)).ok());
  const std::vector<float> before(s.logits(0), s.logits(0) + kVocab);
  auto unchanged = [&](const char* what) {
    EXPECT_EQ(s.n_past(), 10) << what;
    EXPECT_EQ(std::vector<float>(s.logits(0), s.logits(0) + kVocab), before) << what;
  };
  Status st = s.Eval({});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  unchanged("empty");
  const std::vector<int32_t> out_of_vocab = {5, kVocab}, negative = {-1};
  st = s.Eval(out_of_vocab);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find(std::to_string(kVocab)), std::string::npos) << st.message();
  unchanged("id == n_vocab");
  st = s.Eval(negative);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  unchanged("negative id");
  const std::vector<int32_t> seven(7, 5), six(6, 5);
  st = s.Eval(seven);
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange) << st.ToString();
  unchanged("overflow");
  ASSERT_TRUE(s.Eval(six).ok()) << "exactly filling the context is allowed";
  EXPECT_EQ(s.n_past(), 16);
  EXPECT_EQ(s.Eval(std::span<const int32_t>(six).first(1)).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(s.n_past(), 16);
}

// Load refuses a file with a tensor missing, misshapen or of a type not computed with,
// a required key missing, or an unknown architecture, naming what is wrong.
TEST(ForwardErrorTest, LoadNamesWhatIsWrong) {
  const TinyModel good = Build({.arch = "qwen2"});
  ASSERT_TRUE(Load(good).ok()) << Load(good).status().ToString();
  auto expect_refused = [&](TinyModel m, const std::string& needle, const char* what) {
    auto model = Load(m);
    ASSERT_FALSE(model.ok()) << what;
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument) << what << ": " << model.status().ToString();
    EXPECT_NE(model.status().message().find(needle), std::string::npos) << what << ": " << model.status().message();
  };
  auto tensor = [](TinyModel& m, const std::string& name) -> TensorSpec& {
    for (TensorSpec& t : m.tensors) {
      if (t.name == name) return t;
    }
    ADD_FAILURE() << "no " << name;
    return m.tensors[0];
  };
  TinyModel m = good;
  std::erase_if(m.tensors, [](const TensorSpec& t) { return t.name == "blk.1.ffn_up.weight"; });
  expect_refused(m, "blk.1.ffn_up.weight", "missing matrix");
  m = good;
  std::erase_if(m.tensors, [](const TensorSpec& t) { return t.name == "blk.0.attn_v.bias"; });
  expect_refused(m, "blk.0.attn_v.bias", "missing qwen2 bias");
  m = good;
  tensor(m, "blk.0.attn_k.weight").shape = {32, 64};  // the transpose: same bytes, wrong shape
  expect_refused(m, "blk.0.attn_k.weight", "transposed matrix");
  m = good;
  TensorSpec& norm = tensor(m, "blk.1.ffn_norm.weight");
  norm.shape = {32}, norm.data.resize(32 * 4);
  expect_refused(m, "blk.1.ffn_norm.weight", "short norm");
  m = good;
  TensorSpec& down = tensor(m, "blk.0.ffn_down.weight");
  down.type = GgmlType::kQ4_1;  // 20 bytes per 32 values; not a type this runtime computes with
  down.data.assign(64 * 128 / 32 * 20, '\0');
  expect_refused(m, "blk.0.ffn_down.weight", "Q4_1 matrix");
  m = good;
  std::erase_if(m.metadata, [](const auto& kv) { return kv.first == "qwen2.block_count"; });
  expect_refused(m, "block_count", "missing block_count");
  m = good;
  m.metadata[0].second = StringValue("mamba");
  expect_refused(m, "mamba", "unknown architecture");
}

// ---- configuration and memory ----

TEST(ForwardConfigTest, ConfigAndEstimate) {
  const TinyModel llama = Build({.arch = "llama"}), qwen = Build({.arch = "qwen2"});
  auto l = Load(llama), q = Load(qwen);
  ASSERT_TRUE(l.ok() && q.ok());
  const ModelConfig& c = (*l)->config();
  EXPECT_EQ(c.n_vocab, kVocab);
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_EQ(c.n_rot, 16);
  EXPECT_EQ(c.n_head_kv, 2);
  EXPECT_EQ(c.n_ctx_train, 64);
  EXPECT_EQ(c.rope, RopeStyle::kNorm);
  EXPECT_FALSE(c.tied_output);
  EXPECT_FLOAT_EQ(c.rms_eps, kEps);
  EXPECT_EQ((*q)->config().rope, RopeStyle::kNeox);
  EXPECT_TRUE((*q)->config().tied_output);
  EXPECT_EQ((*l)->tokenizer().vocab_size(), kVocab);
  EXPECT_EQ((*l)->tokenizer().bos(), 1);

  uint64_t weights = 0;
  for (const TensorSpec& t : llama.tensors) weights += t.data.size();
  const MemoryEstimate f16 = (*l)->Estimate(48, 8, KvType::kF16), f32 = (*l)->Estimate(48, 8, KvType::kF32);
  EXPECT_EQ(f16.weights, weights);
  EXPECT_EQ(f16.kv_cache, 2ull * 2 /*layers*/ * 48 * 2 /*kv heads*/ * 16 /*head_dim*/ * 2);
  EXPECT_EQ(f32.kv_cache, 2 * f16.kv_cache);
  EXPECT_GT(f16.scratch, 8u * (64 + kVocab) * 4) << "at least the residual and logits of each batch token";
  EXPECT_GT((*l)->Estimate(48, 64, KvType::kF16).scratch, f16.scratch);
  EXPECT_EQ(f16.total(), f16.weights + f16.kv_cache + f16.scratch);

  auto capped = Session::Create(*l, {.n_ctx = 4096, .n_threads = 1});
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ((*capped)->n_ctx(), 64) << "capped at the training context";
  auto bad = Session::Create(*l, {.kernels = "sse9"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("sse9"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace fl::lm
