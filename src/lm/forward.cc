// The forward pass of a llama-family model over a batch of tokens, and the Session that
// owns its state (KV cache, scratch).
//
// All threads run Forward() together, each doing its static share of every step
// (tokens, (token, head) pairs, or output rows), with a spinning barrier between steps:
// one wake-up per Eval, not one per matrix product. Numerics follow llama.cpp's CPU
// backend: matrix inputs rounded to the weight's vec-dot type, Q / K / V and the softmax
// output rounded to F16 with the F16 cache, RMSNorm and softmax sums in double.
#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <cstring>
#include <system_error>
#include <thread>

#include "lm/model_impl.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace fl::lm {
namespace {

inline void Pause() {
#if defined(__x86_64__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

// All n threads wait until each has arrived. Spins briefly (the steps are short), then
// yields so that an oversubscribed machine still makes progress.
class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}
  void Wait() {
    if (n_ == 1) return;
    const int phase = phase_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) == n_ - 1) {
      arrived_.store(0, std::memory_order_relaxed);
      phase_.fetch_add(1, std::memory_order_release);
      return;
    }
    for (int spins = 0; phase_.load(std::memory_order_acquire) == phase; ++spins) {
      if (spins < 2000) {  // about 50 µs
        Pause();
      } else {
        std::this_thread::yield();
      }
    }
  }

 private:
  const int n_;
  std::atomic<int> arrived_{0};
  std::atomic<int> phase_{0};
};

// Thread ith's share [begin, end) of n items.
inline std::pair<int64_t, int64_t> Share(int64_t n, int ith, int nth) {
  return {n * ith / nth, n * (ith + 1) / nth};
}

}  // namespace

struct Session::State {
  const ModelConfig* c = nullptr;
  const Model::Weights* w = nullptr;
  const kernels::KernelSet* ks = nullptr;
  int n_ctx = 0, n_batch = 0, n_threads = 1;
  KvType kv = KvType::kF16;
  std::unique_ptr<ThreadPool> pool;
  std::unique_ptr<Barrier> barrier;

  // KV cache: (layer, position, n_head_kv * head_dim), F16 or F32.
  std::vector<uint16_t> k16, v16;
  std::vector<float> k32, v32;

  // Scratch for a batch of up to n_batch tokens (rows are tokens).
  std::vector<float> x;        // (n_batch, n_embd) the residual stream
  std::vector<float> xb;       // (n_batch, n_embd) normed input of a block
  std::vector<float> q;        // (n_batch, n_head * head_dim)
  std::vector<float> k, v;     // (n_batch, n_head_kv * head_dim)
  std::vector<float> att;      // (n_batch, n_head * head_dim) attention output
  std::vector<float> hb, hb2;  // (n_batch, n_ff)
  std::vector<float> rope;     // (n_batch, n_rot) cos, sin interleaved per pair
  std::vector<uint8_t> acts;   // (n_batch, row bytes) an input rounded to a vec-dot type
  std::vector<uint8_t> acts_packed;  // acts as the AMX set's batch products read them
  std::vector<float> logits;   // (rows kept, n_vocab)

  // Per thread: attention scores over the context, a head's query in F16, its output.
  std::vector<std::vector<float>> scores;
  std::vector<std::vector<uint16_t>> q16;
  // Per thread, what acts holds. Every thread walks the same steps, so all threads agree
  // on it without sharing the variable.
  struct ActsState {
    const float* of = nullptr;  // which input (nullptr: stale)
    // how it was rounded: the quantiser, not the vec-dot type, since formats that share
    // one may lay their rows out differently (Q4_0's rows carry more than Q8_0's)
    kernels::QuantizeFn quantize = nullptr;
    bool read = false;          // read by a MatMul since the last barrier
  };
  std::vector<ActsState> acts_state;

  // The batch being evaluated.
  const int32_t* tokens = nullptr;
  int n_tokens = 0;
  int pos0 = 0;
  int first_logit = 0;  // logits for tokens [first_logit, n_tokens)
  float* logits_out = nullptr;

  void Forward(int ith);

 private:
  void Sync(int ith) {
    barrier->Wait();
    acts_state[ith].read = false;
  }
  void Invalidate(int ith) { acts_state[ith].of = nullptr; }
  // Whether all threads round a batch of `rows` together, each its pairs of blocks of the
  // one row (generation), rather than each whole rows: one test for Quantize and
  // MakeAndQuantize, so that they cannot disagree.
  bool SplitsRow(const kernels::TypeKernels* tk, int rows) const {
    return rows == 1 && n_threads > 1 && tk->quantize_blocks != nullptr;
  }
  // Thread ith's blocks [begin, end) of a row of n values, begin even; block: values each.
  struct BlockShare {
    int64_t begin, end, block;
  };
  BlockShare ShareOfRow(const kernels::TypeKernels* tk, int64_t n, int ith) const {
    const int64_t block = TypeInfo(static_cast<uint32_t>(tk->act_type))->block, nb = n / block;
    const auto [p0, p1] = Share((nb + 1) / 2, ith, n_threads);
    return {2 * p0, std::min(nb, 2 * p1), block};
  }
  // Rounds rows of input (n_tokens x n) to type's vec-dot type into acts, once per input.
  void Quantize(int ith, const float* input, int rows, int64_t n, GgmlType act_type);
  // out (rows x n_out, token-major with stride out_stride) [+]= input x W^T; needs the
  // acts of Quantize. Each thread does its share of W's rows.
  void MatMul(int ith, const WeightView& w, int rows, float* out, int64_t out_stride, bool accumulate);
  // input (rows x n) made by make(row, begin, end), which writes elements [begin, end) of
  // a row, then rounded for type's products into acts. In generation each thread makes and
  // rounds its own pairs of blocks of the one row, so that no thread waits while another
  // works alone; otherwise the rows are made by all threads, then rounded.
  template <class Make>
  void MakeAndQuantize(int ith, const float* input, int rows, int64_t n, GgmlType type, Make make);
  // The RMS norm's factor for one row of n values.
  float RmsScale(const float* row, int n) const;
  void RopeAndCache(int ith, int layer, const Model::Layer& L);
  void Attention(int ith, int layer);
};

// Whether a batch of rows goes through the set's batch products (and so Quantize must
// lay out acts_packed for MatMul): one test for both, so they cannot disagree.
static bool UsesGemm(const kernels::TypeKernels* tk, int rows) { return tk->gemm != nullptr && rows > 1; }

void Session::State::Quantize(int ith, const float* input, int rows, int64_t n, GgmlType weight_type) {
  const kernels::TypeKernels* tk = ks->For(weight_type);
  ActsState& a = acts_state[ith];
  if (a.of == input && a.quantize == tk->quantize) return;
  if (a.read) Sync(ith);  // another thread may still be reading the previous acts
  const size_t row_bytes = tk->ActBytes(n);
  assert(rows * row_bytes <= acts.size());
  if (SplitsRow(tk, rows)) {  // generation: no thread waits while another rounds the row
    const BlockShare share = ShareOfRow(tk, n, ith);
    if (share.begin < share.end) tk->quantize_blocks(input, acts.data(), n, share.begin, share.end);
  } else {
    const auto [begin, end] = Share(rows, ith, n_threads);
    for (int64_t t = begin; t < end; ++t) tk->quantize(input + t * n, acts.data() + t * row_bytes, n);
  }
  Sync(ith);
  if (UsesGemm(tk, rows)) {  // laid out once for every chunk of weight rows
    const auto [g_begin, g_end] = Share((rows + 15) / 16, ith, n_threads);
    tk->pack_acts(n, acts.data(), row_bytes, rows, g_begin, g_end, acts_packed.data());
    Sync(ith);
  }
  a.of = input;
  a.quantize = tk->quantize;
}

void Session::State::MatMul(int ith, const WeightView& w, int rows, float* out, int64_t out_stride, bool accumulate) {
  const kernels::TypeKernels* tk = ks->For(w.type);
  const size_t act_bytes = tk->ActBytes(w.n_in);
  constexpr int kChunk = 16;  // weight rows kept hot in cache while every token passes
  constexpr int kTileCols = 3;  // tokens per tile: the x86 sets' widest tile
  const int64_t n_chunks = (w.n_out + kChunk - 1) / kChunk;
  acts_state[ith].read = true;
  const auto [begin, end] = Share(n_chunks, ith, n_threads);
  float tile[4 * 4];
  for (int64_t chunk = begin; chunk < end; ++chunk) {
    const int64_t r_end = std::min<int64_t>(w.n_out, (chunk + 1) * kChunk);
    if (UsesGemm(tk, rows)) {  // the whole chunk against every token at once
      const int64_t r0 = chunk * kChunk;
      tk->gemm(w.n_in, w.data + r0 * w.row_bytes, w.row_bytes, static_cast<int>(r_end - r0), acts_packed.data(), 0,
               rows, out + r0, out_stride, accumulate);
      continue;
    }
    for (int c0 = 0; c0 < rows; c0 += kTileCols) {
      const int nc = std::min(kTileCols, rows - c0);
      for (int64_t r0 = chunk * kChunk; r0 < r_end; r0 += 4) {
        const int nr = static_cast<int>(std::min<int64_t>(4, r_end - r0));
        float* o = out + c0 * out_stride + r0;
        if (!accumulate) {
          tk->dot(w.n_in, w.data + r0 * w.row_bytes, w.row_bytes, nr, acts.data() + c0 * act_bytes, act_bytes, nc, o,
                  out_stride);
          continue;
        }
        tk->dot(w.n_in, w.data + r0 * w.row_bytes, w.row_bytes, nr, acts.data() + c0 * act_bytes, act_bytes, nc, tile, 4);
        for (int c = 0; c < nc; ++c)
          for (int r = 0; r < nr; ++r) o[c * out_stride + r] += tile[c * 4 + r];
      }
    }
  }
}

float Session::State::RmsScale(const float* row, int n) const {
  // Four partial sums: one chain of dependent additions took a few µs per row, and in
  // generation every other thread waited for it.
  double part[4] = {0, 0, 0, 0};
  int i = 0;
  for (; i + 4 <= n; i += 4)
    for (int j = 0; j < 4; ++j) part[j] += static_cast<double>(row[i + j]) * row[i + j];
  for (; i < n; ++i) part[0] += static_cast<double>(row[i]) * row[i];
  const double sum = (part[0] + part[1]) + (part[2] + part[3]);
  return 1.0f / std::sqrt(static_cast<float>(sum / n) + c->rms_eps);
}

template <class Make>
void Session::State::MakeAndQuantize(int ith, const float* input, int rows, int64_t n, GgmlType type, Make make) {
  const kernels::TypeKernels* tk = ks->For(type);
  ActsState& a = acts_state[ith];
  if (SplitsRow(tk, rows)) {
    if (a.read) Sync(ith);  // another thread may still be reading the previous acts
    const BlockShare share = ShareOfRow(tk, n, ith);
    if (share.begin < share.end) {
      make(0, share.begin * share.block, share.end * share.block);
      tk->quantize_blocks(input, acts.data(), n, share.begin, share.end);
    }
    Sync(ith);
    a.of = input;
    a.quantize = tk->quantize;
    return;
  }
  const auto [begin, end] = Share(rows, ith, n_threads);
  for (int64_t t = begin; t < end; ++t) make(static_cast<int>(t), 0, n);
  Invalidate(ith);
  Sync(ith);
  Quantize(ith, input, rows, n, type);
}

// Biases, RoPE on q and k, and k, v into the cache, for this thread's tokens.
void Session::State::RopeAndCache(int ith, int layer, const Model::Layer& L) {
  const int hd = c->head_dim;
  const int64_t q_dim = static_cast<int64_t>(c->n_head) * hd, kv_dim = static_cast<int64_t>(c->n_head_kv) * hd;
  const int half = c->n_rot / 2;
  const auto [begin, end] = Share(n_tokens, ith, n_threads);
  for (int64_t t = begin; t < end; ++t) {
    float* qt = q.data() + t * q_dim;
    float* kt = k.data() + t * kv_dim;
    float* vt = v.data() + t * kv_dim;
    if (!L.bq.empty()) {
      for (int i = 0; i < q_dim; ++i) qt[i] += L.bq[i];
      for (int i = 0; i < kv_dim; ++i) kt[i] += L.bk[i], vt[i] += L.bv[i];
    }
    const float* cs = rope.data() + t * c->n_rot;  // (cos, sin) of pair i at cs[2i], cs[2i+1]
    auto rotate = [&](float* head) {
      for (int i = 0; i < half; ++i) {
        // NORM rotates neighbours (2i, 2i+1); NEOX the halves (i, i + n_rot/2).
        float* a = c->rope == RopeStyle::kNorm ? head + 2 * i : head + i;
        float* b = c->rope == RopeStyle::kNorm ? head + 2 * i + 1 : head + i + half;
        const float x0 = *a, x1 = *b;
        *a = x0 * cs[2 * i] - x1 * cs[2 * i + 1];
        *b = x0 * cs[2 * i + 1] + x1 * cs[2 * i];
      }
    };
    for (int h = 0; h < c->n_head; ++h) rotate(qt + h * hd);
    for (int h = 0; h < c->n_head_kv; ++h) rotate(kt + h * hd);
    const size_t at = (static_cast<size_t>(layer) * n_ctx + pos0 + t) * kv_dim;
    if (kv == KvType::kF16) {
      ks->to_f16(kt, k16.data() + at, kv_dim);
      ks->to_f16(vt, v16.data() + at, kv_dim);
    } else {
      std::memcpy(k32.data() + at, kt, kv_dim * sizeof(float));
      std::memcpy(v32.data() + at, vt, kv_dim * sizeof(float));
    }
  }
}

// Causal attention for this thread's (token, head) pairs.
void Session::State::Attention(int ith, int layer) {
  const int hd = c->head_dim;
  const int64_t q_dim = static_cast<int64_t>(c->n_head) * hd, kv_dim = static_cast<int64_t>(c->n_head_kv) * hd;
  const int group = c->n_head / c->n_head_kv;  // query heads per KV head (GQA)
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  const size_t layer_at = static_cast<size_t>(layer) * n_ctx * kv_dim;
  float* s = scores[ith].data();
  uint16_t* qh = q16[ith].data();
  // Pairs dealt round-robin, not in runs: a later token attends to more positions, and
  // runs gave the last thread of a 128-token prompt three times the first one's work.
  const int64_t jobs = static_cast<int64_t>(n_tokens) * c->n_head;
  for (int64_t job = ith; job < jobs; job += n_threads) {
    const int t = static_cast<int>(job / c->n_head), h = static_cast<int>(job % c->n_head);
    const int kvh = h / group;
    const int n_pos = pos0 + t + 1;
    const float* qt = q.data() + t * q_dim + h * hd;
    float* out = att.data() + t * q_dim + h * hd;
    std::fill(out, out + hd, 0.f);
    const size_t head_at = layer_at + static_cast<size_t>(kvh) * hd;  // position 0's row of this KV head
    if (kv == KvType::kF16) {
      ks->to_f16(qt, qh, hd);
      ks->dots_f16(k16.data() + head_at, kv_dim, qh, hd, n_pos, scale, s);
    } else {
      ks->dots_f32(k32.data() + head_at, kv_dim, qt, hd, n_pos, scale, s);
    }
    float max = -INFINITY;
    for (int p = 0; p < n_pos; ++p) max = std::max(max, s[p]);
    double sum = 0;
    for (int p = 0; p < n_pos; ++p) sum += (s[p] = std::exp(s[p] - max));
    const float inv = static_cast<float>(1.0 / sum);
    for (int p = 0; p < n_pos; ++p) s[p] *= inv;
    if (kv == KvType::kF16) {
      ks->mix_f16(s, v16.data() + head_at, kv_dim, hd, n_pos, out);
    } else {
      ks->mix_f32(s, v32.data() + head_at, kv_dim, hd, n_pos, out);
    }
  }
}

void Session::State::Forward(int ith) {
  const int n = c->n_embd;
  const int64_t q_dim = static_cast<int64_t>(c->n_head) * c->head_dim, kv_dim = static_cast<int64_t>(c->n_head_kv) * c->head_dim;
  const int T = n_tokens;
  // Embeddings and the rotation table for this batch's positions.
  {
    const auto [begin, end] = Share(T, ith, n_threads);
    for (int64_t t = begin; t < end; ++t) {
      DequantizeRow(w->token_embd.type, w->token_embd.data + tokens[t] * w->token_embd.row_bytes, x.data() + t * n, n);
      const int half = c->n_rot / 2;
      const float theta_scale = std::pow(c->rope_theta, -2.0f / c->n_rot);
      float theta = static_cast<float>(pos0 + t);
      for (int i = 0; i < half; ++i, theta *= theta_scale) {
        float angle = theta * c->rope_freq_scale;
        if (!w->rope_freqs.empty()) angle /= w->rope_freqs[i];
        rope[t * c->n_rot + 2 * i] = std::cos(angle);
        rope[t * c->n_rot + 2 * i + 1] = std::sin(angle);
      }
    }
  }
  Invalidate(ith);
  Sync(ith);
  // xb row t = RMS norm of x row first + t, times the weights (elements [begin, end)).
  auto norm = [&](const std::vector<float>& weight, int first) {
    return [&, first](int t, int64_t begin, int64_t end) {
      const float* xi = x.data() + static_cast<int64_t>(first + t) * n;
      const float scale = RmsScale(xi, n);
      float* o = xb.data() + static_cast<int64_t>(t) * n;
      for (int64_t i = begin; i < end; ++i) o[i] = xi[i] * scale * weight[i];
    };
  };
  for (int l = 0; l < c->n_layer; ++l) {
    const Model::Layer& L = w->layers[l];
    // Attention block: x += Wo · attention(rope(Wq·xb), rope(Wk·xb), Wv·xb), xb = norm(x).
    MakeAndQuantize(ith, xb.data(), T, n, L.wq.type, norm(L.attn_norm, 0));
    MatMul(ith, L.wq, T, q.data(), q_dim, false);
    Quantize(ith, xb.data(), T, n, L.wk.type);
    MatMul(ith, L.wk, T, k.data(), kv_dim, false);
    Quantize(ith, xb.data(), T, n, L.wv.type);
    MatMul(ith, L.wv, T, v.data(), kv_dim, false);
    Sync(ith);
    RopeAndCache(ith, l, L);
    Sync(ith);
    Attention(ith, l);
    Sync(ith);
    Quantize(ith, att.data(), T, q_dim, L.wo.type);
    MatMul(ith, L.wo, T, x.data(), n, true);
    Sync(ith);
    // Feed-forward block: x += Wdown · (silu(Wgate·xb) * (Wup·xb)), xb = norm(x).
    MakeAndQuantize(ith, xb.data(), T, n, L.w_gate.type, norm(L.ffn_norm, 0));
    MatMul(ith, L.w_gate, T, hb.data(), c->n_ff, false);
    Quantize(ith, xb.data(), T, n, L.w_up.type);
    MatMul(ith, L.w_up, T, hb2.data(), c->n_ff, false);
    Sync(ith);
    MakeAndQuantize(ith, hb.data(), T, c->n_ff, L.w_down.type, [&](int t, int64_t begin, int64_t end) {
      float* g = hb.data() + t * c->n_ff;
      const float* u = hb2.data() + t * c->n_ff;
      for (int64_t i = begin; i < end; ++i) g[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
    });
    MatMul(ith, L.w_down, T, x.data(), n, true);
    Sync(ith);
  }
  // Logits for the tokens asked for: out = W_out · norm(x).
  const int rows = T - first_logit;
  MakeAndQuantize(ith, xb.data(), rows, n, w->output.type, norm(w->output_norm, first_logit));
  MatMul(ith, w->output, rows, logits_out, c->n_vocab, false);
  Sync(ith);
}

// ---------------------------------------------------------------------------------------

Session::Session() = default;
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::Create(std::shared_ptr<const Model> model, const SessionOptions& options) {
  if (model == nullptr) return InvalidArgumentError("no model");
  const ModelConfig& c = model->config();
  std::unique_ptr<Session> s(new Session());
  auto st = std::make_unique<State>();
  st->c = &model->config_;
  st->w = model->weights_.get();
  st->ks = &kernels::Active();
  if (!options.kernels.empty()) {
    st->ks = kernels::ByName(options.kernels.c_str());
    if (st->ks == nullptr) {
      return InvalidArgumentError("kernel set '" + options.kernels + "' is not available on this CPU (" +
                                  [] {
                                    std::string names;
                                    for (const std::string& k : AvailableKernels()) names += (names.empty() ? "" : ", ") + k;
                                    return names;
                                  }() +
                                  ")");
    }
  }
  st->n_ctx = std::max(1, std::min(options.n_ctx > 0 ? options.n_ctx : c.n_ctx_train, c.n_ctx_train));
  st->n_batch = std::max(1, std::min(options.n_batch, st->n_ctx));
  st->n_threads = options.n_threads > 0 ? options.n_threads
                                        : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  st->kv = options.kv;
  if (st->n_threads > 1024) return InvalidArgumentError("n_threads " + std::to_string(st->n_threads) + " is above 1024");
  st->barrier = std::make_unique<Barrier>(st->n_threads);

  const size_t kv_dim = static_cast<size_t>(c.n_head_kv) * c.head_dim;
  const size_t q_dim = static_cast<size_t>(c.n_head) * c.head_dim;
  const size_t cache = static_cast<size_t>(c.n_layer) * st->n_ctx * kv_dim;
  try {
    st->pool = std::make_unique<ThreadPool>(st->n_threads);
    if (st->kv == KvType::kF16) {
      st->k16.resize(cache);
      st->v16.resize(cache);
    } else {
      st->k32.resize(cache);
      st->v32.resize(cache);
    }
    const size_t B = st->n_batch;
    st->x.resize(B * c.n_embd);
    st->xb.resize(B * c.n_embd);
    st->q.resize(B * q_dim);
    st->k.resize(B * kv_dim);
    st->v.resize(B * kv_dim);
    st->att.resize(B * q_dim);
    st->hb.resize(B * c.n_ff);
    st->hb2.resize(B * c.n_ff);
    st->rope.resize(B * c.n_rot);
    // The widest input row (n_ff or n_embd values) in the widest activation layout: F32,
    // or one with more per block (the x86 sets' extended Q8_0 rows take 42 bytes per 32
    // values, the AVX-512 set's Q4_0 rows about 72 plus 256 per row).
    const size_t widest = std::max<size_t>({static_cast<size_t>(c.n_ff), static_cast<size_t>(c.n_embd), q_dim});
    size_t row_bytes = widest * 4;
    for (const kernels::TypeKernels* tk : {&st->ks->q8_0, &st->ks->q4_0, &st->ks->q5_0, &st->ks->q4_k, &st->ks->q6_k}) {
      if (tk->quantize != nullptr) row_bytes = std::max(row_bytes, tk->ActBytes(static_cast<int64_t>(widest)));
    }
    st->acts.resize(B * row_bytes);
    // The AMX set's packed batch: 16-token groups of 32-value blocks plus their scales.
    for (const kernels::TypeKernels* tk : {&st->ks->q8_0, &st->ks->q4_0, &st->ks->q5_0}) {
      if (tk->packed_bytes != nullptr && B > 1) {
        st->acts_packed.resize(std::max(st->acts_packed.size(), tk->packed_bytes(static_cast<int64_t>(widest), B)));
      }
    }
    st->logits.resize(c.n_vocab);
    st->scores.assign(st->n_threads, std::vector<float>(st->n_ctx));
    st->q16.assign(st->n_threads, std::vector<uint16_t>(c.head_dim));
    st->acts_state.assign(st->n_threads, {});
  } catch (const std::bad_alloc&) {
    return ResourceExhaustedError("not enough memory for a session of " + std::to_string(st->n_ctx) + " positions");
  } catch (const std::system_error& e) {
    return ResourceExhaustedError(std::string("cannot start the session's threads: ") + e.what());
  }
  s->model_ = std::move(model);
  s->state_ = std::move(st);
  return s;
}

Status Session::Eval(std::span<const int32_t> tokens, bool all_logits) {
  State& st = *state_;
  const ModelConfig& c = *st.c;
  if (tokens.empty()) return InvalidArgumentError("no tokens to evaluate");
  if (n_past_ + static_cast<int64_t>(tokens.size()) > st.n_ctx) {
    return OutOfRangeError("context full: " + std::to_string(n_past_) + " + " + std::to_string(tokens.size()) +
                           " tokens exceed the session's " + std::to_string(st.n_ctx) + " positions");
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= c.n_vocab) {
      return InvalidArgumentError("token " + std::to_string(i) + " has id " + std::to_string(tokens[i]) +
                                  ", outside the vocabulary of " + std::to_string(c.n_vocab));
    }
  }
  const size_t rows = all_logits ? tokens.size() : 1;
  if (st.logits.size() != rows * c.n_vocab) st.logits.resize(rows * c.n_vocab);
  for (size_t done = 0; done < tokens.size(); done += st.n_batch) {
    const int T = static_cast<int>(std::min<size_t>(st.n_batch, tokens.size() - done));
    const bool last = done + T == tokens.size();
    st.tokens = tokens.data() + done;
    st.n_tokens = T;
    st.pos0 = n_past_;
    if (all_logits) {
      st.first_logit = 0;
      st.logits_out = st.logits.data() + done * c.n_vocab;
    } else {
      // Only the last token's logits matter; earlier batches still need a target.
      st.first_logit = last ? T - 1 : T;  // none for earlier batches
      st.logits_out = st.logits.data();
    }
    st.pool->ParallelFor(st.n_threads, [&st](int ith, size_t, size_t) { st.Forward(ith); });
    n_past_ += T;
  }
  return OkStatus();
}

const float* Session::logits(int i) const { return state_->logits.data() + static_cast<size_t>(i) * state_->c->n_vocab; }
int Session::n_ctx() const { return state_->n_ctx; }
int Session::n_threads() const { return state_->n_threads; }
const char* Session::kernels() const { return state_->ks->name; }

std::vector<std::string> AvailableKernels() {
  std::vector<std::string> names;
  for (const char* name : {"amx", "avx512", "avx2", "scalar"}) {
    if (kernels::ByName(name) != nullptr) names.push_back(name);
  }
  return names;
}
void Session::Truncate(int n) { n_past_ = std::clamp(n, 0, n_past_); }

}  // namespace fl::lm
