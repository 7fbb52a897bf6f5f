// Loading a llama-family model: hyper-parameters from `<arch>.*` metadata, weights as
// views into the mapped file, every tensor checked for presence, shape and type.
//
// Architectures: llama (NORM RoPE, optional output.weight, optional rope_freqs for
// Llama-3.1+ scaling) and qwen2 (NEOX RoPE, q/k/v biases, tied embeddings). A new
// architecture adds its keys and tensor names here and its differences to Forward's
// few switches (phi3, gemma2 would follow this path).
#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_set>

#include "lm/model_impl.h"

namespace fl::lm {
namespace {

Result<int> RequiredInt(const GgufFile& f, const std::string& key) {
  const Value* v = f.Find(key);
  if (v == nullptr || !v->is_integer() || v->AsUint() == 0 || v->AsUint() > (1u << 30)) {
    return InvalidArgumentError("missing or invalid metadata key " + key);
  }
  return static_cast<int>(v->AsUint());
}

int OptionalInt(const GgufFile& f, const std::string& key, int fallback) {
  const Value* v = f.Find(key);
  return v != nullptr && v->is_integer() && v->AsUint() > 0 && v->AsUint() < (1u << 30) ? static_cast<int>(v->AsUint())
                                                                                        : fallback;
}

float OptionalFloat(const GgufFile& f, const std::string& key, float fallback) {
  const Value* v = f.Find(key);
  return v != nullptr ? static_cast<float>(v->AsDouble(fallback)) : fallback;
}

std::string Shape(const Tensor& t) {
  std::string s = "[";
  for (size_t i = 0; i < t.shape.size(); ++i) s += (i ? ", " : "") + std::to_string(t.shape[i]);
  return s + "]";
}

class Loader {
 public:
  Loader(const GgufFile& f, const std::string& path) : f_(f), path_(path) {}

  // A 2-D weight of n_out rows of n_in values in a type the kernels compute with.
  Result<WeightView> Matrix(const std::string& name, int64_t n_in, int64_t n_out) const {
    const Tensor* t = f_.FindTensor(name);
    if (t == nullptr) return InvalidArgumentError(path_ + ": tensor " + name + " is missing");
    if (t->shape.size() != 2 || t->shape[0] != static_cast<uint64_t>(n_in) ||
        t->shape[1] != static_cast<uint64_t>(n_out)) {
      return InvalidArgumentError(path_ + ": tensor " + name + " has shape " + Shape(*t) + ", expected [" +
                                  std::to_string(n_in) + ", " + std::to_string(n_out) + "]");
    }
    if (kernels::ScalarKernels().For(t->type) == nullptr) {
      return InvalidArgumentError(path_ + ": tensor " + name + " has type " +
                                  TypeInfo(static_cast<uint32_t>(t->type))->name +
                                  ", which this runtime does not compute with (F32, F16, BF16, Q8_0, Q4_0, Q5_0, "
                                  "Q4_K, Q6_K)");
    }
    const GgmlTypeInfo* info = TypeInfo(static_cast<uint32_t>(t->type));
    if (n_in % info->block != 0) {
      return InvalidArgumentError(path_ + ": tensor " + name + ": rows of " + std::to_string(n_in) +
                                  " values are not whole " + info->name + " blocks");
    }
    WeightView w{t->data, t->type, n_in, n_out, RowBytes(t->type, n_in)};
    if (w.row_bytes * static_cast<uint64_t>(n_out) != t->bytes) {
      return DataLossError(path_ + ": tensor " + name + " holds " + std::to_string(t->bytes) + " bytes, expected " +
                           std::to_string(w.row_bytes * n_out));
    }
    return w;
  }

  // A 1-D tensor of n values as float32 (norms, biases).
  Result<std::vector<float>> Vector(const std::string& name, int64_t n, bool required = true) const {
    const Tensor* t = f_.FindTensor(name);
    if (t == nullptr) {
      if (!required) return std::vector<float>();
      return InvalidArgumentError(path_ + ": tensor " + name + " is missing");
    }
    if (t->shape.size() != 1 || t->shape[0] != static_cast<uint64_t>(n)) {
      return InvalidArgumentError(path_ + ": tensor " + name + " has shape " + Shape(*t) + ", expected [" +
                                  std::to_string(n) + "]");
    }
    std::vector<float> out(n);
    if (!DequantizeRow(t->type, t->data, out.data(), n)) {
      return InvalidArgumentError(path_ + ": tensor " + name + " has type " +
                                  TypeInfo(static_cast<uint32_t>(t->type))->name +
                                  ", which this runtime does not read for a vector (F32, F16, BF16)");
    }
    return out;
  }

 private:
  const GgufFile& f_;
  const std::string& path_;
};

// The ids that end a turn: EOS, EOT when the file names one, and the control tokens the
// chat families end turns with.
std::vector<int32_t> EndOfGenerationIds(const GgufFile& file, const Tokenizer& tok) {
  std::unordered_set<int32_t> ids;
  if (tok.eos() >= 0) ids.insert(tok.eos());
  for (const char* key : {"tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"}) {
    if (const Value* v = file.Find(key); v != nullptr && v->is_integer()) ids.insert(static_cast<int32_t>(v->AsInt()));
  }
  static const std::unordered_set<std::string> kEnds = {"<|im_end|>", "<|eot_id|>",  "<|end|>",
                                                        "<|endoftext|>", "<|end_of_text|>", "<|eom_id|>"};
  for (int32_t id = 0; id < tok.vocab_size(); ++id) {
    if (kEnds.count(tok.Piece(id)) != 0) ids.insert(id);
  }
  return std::vector<int32_t>(ids.begin(), ids.end());
}

}  // namespace

Result<ModelConfig> ReadModelConfig(const GgufFile& f) {
  ModelConfig c;
  c.arch = f.GetString("general.architecture");
  if (c.arch != "llama" && c.arch != "qwen2") {
    return InvalidArgumentError("architecture '" + c.arch + "' is not supported (llama, qwen2)");
  }
  const std::string& a = c.arch;
  FL_ASSIGN_OR_RETURN(c.n_embd, RequiredInt(f, a + ".embedding_length"));
  FL_ASSIGN_OR_RETURN(c.n_layer, RequiredInt(f, a + ".block_count"));
  FL_ASSIGN_OR_RETURN(c.n_ff, RequiredInt(f, a + ".feed_forward_length"));
  FL_ASSIGN_OR_RETURN(c.n_head, RequiredInt(f, a + ".attention.head_count"));
  c.n_head_kv = OptionalInt(f, a + ".attention.head_count_kv", c.n_head);
  c.n_ctx_train = OptionalInt(f, a + ".context_length", 2048);
  c.head_dim = OptionalInt(f, a + ".attention.key_length", c.n_embd / c.n_head);
  c.n_rot = OptionalInt(f, a + ".rope.dimension_count", c.head_dim);
  c.rope_theta = OptionalFloat(f, a + ".rope.freq_base", 10000.f);
  c.rms_eps = OptionalFloat(f, a + ".attention.layer_norm_rms_epsilon", 1e-5f);
  c.rope = a == "qwen2" ? RopeStyle::kNeox : RopeStyle::kNorm;
  const std::string scaling = f.GetString(a + ".rope.scaling.type");
  if (scaling == "linear") {
    const float factor = OptionalFloat(f, a + ".rope.scaling.factor", 1.f);
    if (factor > 0) c.rope_freq_scale = 1.f / factor;
  } else if (!scaling.empty() && scaling != "none") {
    return InvalidArgumentError("rope scaling '" + scaling + "' is not supported (linear)");
  }
  if (c.n_head_kv > c.n_head || c.n_head % c.n_head_kv != 0) {
    return InvalidArgumentError("attention.head_count " + std::to_string(c.n_head) + " is not a multiple of head_count_kv " +
                                std::to_string(c.n_head_kv));
  }
  if (c.head_dim % 2 != 0) {
    return InvalidArgumentError("the head size " + std::to_string(c.head_dim) +
                                " (attention.key_length, or embedding_length / head_count) is odd");
  }
  if (c.n_rot > c.head_dim || c.n_rot % 2 != 0) {
    return InvalidArgumentError("rope.dimension_count " + std::to_string(c.n_rot) + " does not fit head size " +
                                std::to_string(c.head_dim));
  }
  const Tensor* embd = f.FindTensor("token_embd.weight");
  if (embd == nullptr) return InvalidArgumentError("tensor token_embd.weight is missing");
  if (embd->shape.size() != 2 || embd->shape[1] == 0 || embd->shape[1] > (1u << 30)) {
    return InvalidArgumentError("tensor token_embd.weight has shape " + Shape(*embd) + ", expected [n_embd, n_vocab]");
  }
  c.n_vocab = static_cast<int>(embd->shape[1]);
  c.tied_output = f.FindTensor("output.weight") == nullptr;
  return c;
}

Model::Model() = default;
Model::~Model() = default;

Result<std::shared_ptr<const Model>> Model::Load(const std::string& path, const LoadOptions& options) {
  std::shared_ptr<Model> m(new Model());
  FL_ASSIGN_OR_RETURN(m->file_, GgufFile::Open(path, MapOptions{.huge_pages = options.huge_pages}));
  auto config = ReadModelConfig(m->file_);
  if (!config.ok()) return Status(config.status().code(), path + ": " + config.status().message());
  m->config_ = *config;
  auto tokenizer = Tokenizer::FromGguf(m->file_);
  if (!tokenizer.ok()) return Status(tokenizer.status().code(), path + ": " + tokenizer.status().message());
  m->tokenizer_ = std::make_unique<Tokenizer>(std::move(*tokenizer));
  m->end_of_generation_ = EndOfGenerationIds(m->file_, *m->tokenizer_);
  const ModelConfig& c = m->config_;
  if (m->tokenizer_->vocab_size() > c.n_vocab) {
    return InvalidArgumentError(path + ": the tokenizer has " + std::to_string(m->tokenizer_->vocab_size()) +
                                " tokens but token_embd.weight only " + std::to_string(c.n_vocab) + " rows");
  }

  const Loader load(m->file_, path);
  auto w = std::make_unique<Weights>();
  const int64_t q_dim = static_cast<int64_t>(c.n_head) * c.head_dim;
  const int64_t kv_dim = static_cast<int64_t>(c.n_head_kv) * c.head_dim;
  FL_ASSIGN_OR_RETURN(w->token_embd, load.Matrix("token_embd.weight", c.n_embd, c.n_vocab));
  FL_ASSIGN_OR_RETURN(w->output_norm, load.Vector("output_norm.weight", c.n_embd));
  if (c.tied_output) {
    w->output = w->token_embd;
  } else {
    FL_ASSIGN_OR_RETURN(w->output, load.Matrix("output.weight", c.n_embd, c.n_vocab));
  }
  FL_ASSIGN_OR_RETURN(w->rope_freqs, load.Vector("rope_freqs.weight", c.n_rot / 2, /*required=*/false));
  const bool biases = c.arch == "qwen2";
  for (int l = 0; l < c.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    Layer layer;
    FL_ASSIGN_OR_RETURN(layer.attn_norm, load.Vector(p + "attn_norm.weight", c.n_embd));
    FL_ASSIGN_OR_RETURN(layer.wq, load.Matrix(p + "attn_q.weight", c.n_embd, q_dim));
    FL_ASSIGN_OR_RETURN(layer.wk, load.Matrix(p + "attn_k.weight", c.n_embd, kv_dim));
    FL_ASSIGN_OR_RETURN(layer.wv, load.Matrix(p + "attn_v.weight", c.n_embd, kv_dim));
    FL_ASSIGN_OR_RETURN(layer.bq, load.Vector(p + "attn_q.bias", q_dim, biases));
    FL_ASSIGN_OR_RETURN(layer.bk, load.Vector(p + "attn_k.bias", kv_dim, biases));
    FL_ASSIGN_OR_RETURN(layer.bv, load.Vector(p + "attn_v.bias", kv_dim, biases));
    FL_ASSIGN_OR_RETURN(layer.wo, load.Matrix(p + "attn_output.weight", q_dim, c.n_embd));
    FL_ASSIGN_OR_RETURN(layer.ffn_norm, load.Vector(p + "ffn_norm.weight", c.n_embd));
    FL_ASSIGN_OR_RETURN(layer.w_gate, load.Matrix(p + "ffn_gate.weight", c.n_embd, c.n_ff));
    FL_ASSIGN_OR_RETURN(layer.w_up, load.Matrix(p + "ffn_up.weight", c.n_embd, c.n_ff));
    FL_ASSIGN_OR_RETURN(layer.w_down, load.Matrix(p + "ffn_down.weight", c.n_ff, c.n_embd));
    w->layers.push_back(std::move(layer));
  }
  m->weights_ = std::move(w);
  return std::shared_ptr<const Model>(std::move(m));
}

MemoryEstimate Model::Estimate(int n_ctx, int n_batch, KvType kv) const {
  const ModelConfig& c = config_;
  MemoryEstimate e;
  for (const Tensor& t : file_.tensors()) e.weights += t.bytes;
  const uint64_t kv_dim = static_cast<uint64_t>(c.n_head_kv) * c.head_dim;
  e.kv_cache = 2ull * c.n_layer * n_ctx * kv_dim * (kv == KvType::kF16 ? 2 : 4);
  // Per batch token: residual, norm output, q, k, v, attention output, two FFN rows, the
  // rotation table and the rounded input copy; a score row per thread; one logits row.
  const uint64_t q_dim = static_cast<uint64_t>(c.n_head) * c.head_dim;
  const uint64_t widest = std::max<uint64_t>({static_cast<uint64_t>(c.n_ff), static_cast<uint64_t>(c.n_embd), q_dim});
  const uint64_t per_token = 4 * (2ull * c.n_embd + 2 * q_dim + 2 * kv_dim + 2ull * c.n_ff + c.n_rot + widest);
  e.scratch = per_token * n_batch + 4ull * n_ctx * std::thread::hardware_concurrency() + 4ull * c.n_vocab;
  return e;
}

}  // namespace fl::lm
