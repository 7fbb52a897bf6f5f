// lm: the local LM runtime. This part: the GGUF file format.
//
//   GgufFile   a GGUF v2/v3 file mapped read-only: metadata (all 13 value types, nested
//              arrays) and tensor views (ggml type, shape, bytes); every count, length,
//              offset and size is checked against the file before use
//   WriteGguf  the small writer the tests use to make fixtures (tiny and corrupt files)
//
//   Tokenizer  the model's tokenizer from its GGUF metadata: SentencePiece-style (llama),
//              byte-level BPE (gpt2, with the pre-tokenizer of tokenizer.ggml.pre) and
//              WordPiece (bert); encode, decode, streaming decode
//
//   Model      a llama-family model (archs llama, qwen2) loaded read-only from a GGUF
//              file: config, tokenizer and weights as views into the mapping. Shared by
//              any number of Sessions.
//   Session    one conversation's state: KV cache, scratch, its thread pool; Eval()
//              runs the forward pass over a batch of tokens
//   Sampler    greedy / temperature / top-k / top-p / min-p / penalties, seeded
//   Chat*      chat templates of the families recognised (ChatML, Llama-3, Llama-2, Phi-3)
//   Generate   prompt -> streamed continuation with stop strings and EOS handling
//
// Start here: `FL_ASSIGN_OR_RETURN(auto f, fl::lm::GgufFile::Open("model.gguf"));
//              const auto* arch = f.Find("general.architecture");`
//
// Format (ggml docs/gguf.md): "GGUF", u32 version, u64 tensor count, u64 metadata count;
// metadata as (string key, u32 type, value); tensor infos as (string name, u32 n_dims,
// u64 dims[n_dims], u32 ggml type, u64 offset); padding to general.alignment (default
// 32); tensor data, each tensor at its offset from there. Strings are u64 length + bytes.
// Little-endian throughout.
//
// Thread-safety: a GgufFile is immutable after Open and may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace fl::lm {

enum class ValueType : uint32_t {
  kUint8 = 0, kInt8 = 1, kUint16 = 2, kInt16 = 3, kUint32 = 4, kInt32 = 5, kFloat32 = 6,
  kBool = 7, kString = 8, kArray = 9, kUint64 = 10, kInt64 = 11, kFloat64 = 12,
};
std::string_view ValueTypeName(ValueType type);

// One metadata value. Integers of any width are in i (signed) or u (unsigned); floats in
// f; arrays hold their element type and elements.
struct Value {
  ValueType type = ValueType::kUint32;
  uint64_t u = 0;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;
  ValueType element = ValueType::kUint8;  // arrays only
  std::vector<Value> array;

  bool is_integer() const;
  // The value as an unsigned / signed integer when it is an integer of any width that
  // fits; else fallback.
  uint64_t AsUint(uint64_t fallback = 0) const;
  int64_t AsInt(int64_t fallback = 0) const;
  double AsDouble(double fallback = 0) const;  // floats and integers
};

// ggml tensor types (ggml.h numbering). Types not listed are refused with their number.
enum class GgmlType : uint32_t {
  kF32 = 0, kF16 = 1, kQ4_0 = 2, kQ4_1 = 3, kQ5_0 = 6, kQ5_1 = 7, kQ8_0 = 8, kQ8_1 = 9,
  kQ2_K = 10, kQ3_K = 11, kQ4_K = 12, kQ5_K = 13, kQ6_K = 14, kQ8_K = 15,
  kIQ4_NL = 20, kIQ4_XS = 23, kI8 = 24, kI16 = 25, kI32 = 26, kI64 = 27, kF64 = 28, kBF16 = 30,
};
struct GgmlTypeInfo {
  const char* name;
  uint32_t block;  // elements per block
  uint32_t bytes;  // bytes per block
};
// Nullptr for an unknown type number.
const GgmlTypeInfo* TypeInfo(uint32_t type);

struct Tensor {
  std::string name;
  GgmlType type = GgmlType::kF32;
  std::vector<uint64_t> shape;  // ne[0] (innermost, contiguous) first
  uint64_t offset = 0;          // from the start of the data section
  uint64_t bytes = 0;
  const uint8_t* data = nullptr;  // into the mapped file
  uint64_t elements() const;
};

class GgufFile {
 public:
  // Maps and parses path. InvalidArgument / DataLoss naming the file and what is wrong
  // (with the byte offset) for anything malformed.
  static Result<GgufFile> Open(const std::string& path, const MapOptions& options = {});
  // Parses bytes kept in memory (the fuzz target; tests). `name` appears in errors.
  static Result<GgufFile> Parse(std::string bytes, const std::string& name);

  uint32_t version() const { return version_; }
  uint32_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }
  const std::vector<std::pair<std::string, Value>>& metadata() const { return metadata_; }
  const Value* Find(std::string_view key) const;
  const std::vector<Tensor>& tensors() const { return tensors_; }
  const Tensor* FindTensor(std::string_view name) const;
  // Convenience: a string / integer metadata value, or fallback.
  std::string GetString(std::string_view key, const std::string& fallback = "") const;
  uint64_t GetUint(std::string_view key, uint64_t fallback = 0) const;
  // Bytes of the file mapped with 2 MiB pages (0 for parsed bytes or without huge pages).
  size_t huge_bytes() const { return mapped_ != nullptr ? mapped_->huge_bytes() : 0; }

 private:
  Status ParseAll(std::string_view bytes, const std::string& name);

  std::shared_ptr<const MappedFile> mapped_;
  std::shared_ptr<const std::string> owned_;
  uint32_t version_ = 0;
  uint32_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::vector<std::pair<std::string, Value>> metadata_;
  std::vector<Tensor> tensors_;
};

// A tensor for WriteGguf: name, type, shape and its bytes (must match the type and shape).
struct TensorSpec {
  std::string name;
  GgmlType type = GgmlType::kF32;
  std::vector<uint64_t> shape;
  std::string data;
};
// A GGUF v3 file with this metadata and these tensors, aligned to `alignment` (written as
// general.alignment when not 32).
std::string WriteGguf(const std::vector<std::pair<std::string, Value>>& metadata, const std::vector<TensorSpec>& tensors,
                      uint32_t alignment = 32);
// Value builders for the writer and tests.
Value StringValue(std::string s);
Value UintValue(uint64_t v, ValueType type = ValueType::kUint32);
Value IntValue(int64_t v, ValueType type = ValueType::kInt32);
Value FloatValue(double v, ValueType type = ValueType::kFloat32);
Value BoolValue(bool v);
Value ArrayValue(ValueType element, std::vector<Value> items);

// ---------------------------------------------------------------------------------------
// Tokenizers (tokenizer.cc, bpe.cc)
// ---------------------------------------------------------------------------------------

enum class TokenizerKind { kSpm, kBpe, kWordPiece };

struct EncodeOptions {
  bool add_special = true;     // BOS / EOS as tokenizer.ggml.add_bos_token / add_eos_token say
  bool parse_special = false;  // recognise control tokens ("<|im_end|>") written in the text
};

class Tokenizer {
 public:
  // From tokenizer.ggml.* metadata. InvalidArgument for a model or pre-tokenizer this
  // build does not know, or inconsistent arrays.
  static Result<Tokenizer> FromGguf(const GgufFile& file);
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  std::vector<int32_t> Encode(std::string_view text, const EncodeOptions& options = {}) const;
  // The text of ids (byte fallback and byte-level tokens turned back into bytes); control
  // tokens are skipped unless keep_special.
  std::string Decode(const std::vector<int32_t>& ids, bool keep_special = false) const;
  // The raw vocabulary entry of id ("▁hello", "Ġworld", "<0x0A>").
  const std::string& Piece(int32_t id) const;
  int32_t vocab_size() const;
  TokenizerKind kind() const;
  int32_t bos() const;  // -1 when none
  int32_t eos() const;

 private:
  Tokenizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend class StreamDecoder;
  // Decode without removing SentencePiece's leading space (streaming: every token but
  // the very first of a text keeps its space).
  std::string DecodeRaw(const std::vector<int32_t>& ids, bool keep_special, bool strip_leading_space) const;
};

// Decodes a token stream piece by piece without ever emitting half a UTF-8 character:
// bytes of an incomplete sequence are held until the sequence completes.
class StreamDecoder {
 public:
  explicit StreamDecoder(const Tokenizer& tokenizer) : tokenizer_(tokenizer) {}
  std::string Push(int32_t id);  // what can be shown now
  std::string Finish();          // whatever is held (invalid bytes as U+FFFD)

 private:
  const Tokenizer& tokenizer_;
  std::string pending_;
};

// ---------------------------------------------------------------------------------------
// Quantisation (quant.cc). Block layouts are ggml's (ggml-common.h):
//   Q8_0  32 values: f16 d, int8 q[32]                           x = d * q
//   Q4_0  32 values: f16 d, u8 qs[16] (low nibbles 0..15, high 16..31)   x = d * (q - 8)
//   Q4_K 256 values: f16 d, f16 dmin, u8 scales[12] (6-bit scale and min of 8 sub-blocks
//        of 32), u8 qs[128]                                      x = d*sc*q - dmin*m
//   Q6_K 256 values: u8 ql[128], u8 qh[64], int8 scales[16], f16 d   x = d*sc*(q - 32)
// ---------------------------------------------------------------------------------------

// n values of a row of `type` (n a multiple of its block size) as float32; bit-exact
// against ggml's dequantize_row_*. False for a type this runtime does not compute with.
bool DequantizeRow(GgmlType type, const void* row, float* out, int64_t n);
// n floats as a row of `type` (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K), for the model
// writer and the tests. Round-to-nearest quantisers in ggml's block layouts.
bool QuantizeRow(GgmlType type, const float* x, void* row, int64_t n);
// Bytes of a row of n values of `type`.
size_t RowBytes(GgmlType type, int64_t n);
float HalfToFloat(uint16_t h);
uint16_t FloatToHalf(float f);  // round to nearest even, as F16C does

// ---------------------------------------------------------------------------------------
// Models (model.cc, forward.cc)
// ---------------------------------------------------------------------------------------

enum class RopeStyle { kNorm, kNeox };  // pairs (2i, 2i+1), or (i, i + n_rot/2)

// The hyper-parameters of a llama-family model, from `<arch>.*` metadata.
struct ModelConfig {
  std::string arch;       // "llama" or "qwen2"
  int n_vocab = 0;
  int n_embd = 0;
  int n_layer = 0;
  int n_head = 0;
  int n_head_kv = 0;
  int head_dim = 0;       // n_embd / n_head unless attention.key_length says otherwise
  int n_ff = 0;
  int n_rot = 0;          // rotary dimensions per head
  int n_ctx_train = 0;
  float rope_theta = 10000;
  float rope_freq_scale = 1;  // 1 / rope.scaling.factor for linear scaling
  float rms_eps = 1e-5f;
  RopeStyle rope = RopeStyle::kNorm;
  bool tied_output = false;   // logits from token_embd (no output.weight)
};

enum class KvType { kF16, kF32 };

// What a session of a model needs in memory.
struct MemoryEstimate {
  uint64_t weights = 0;   // bytes mapped from the file
  uint64_t kv_cache = 0;
  uint64_t scratch = 0;
  uint64_t total() const { return weights + kv_cache + scratch; }
};

struct LoadOptions {
  // Map the weights with 2 MiB pages where the kernel can (see MapOptions): generation
  // streams every weight once per token, and from a file cached in small pages it ran
  // up to 30 % slower on the machine measured (bench/RESULTS.md).
  bool huge_pages = true;
};

class Model {
 public:
  // Maps and validates path: architecture known, every tensor present with the shape
  // and a type the kernels compute with. InvalidArgument naming the tensor otherwise.
  static Result<std::shared_ptr<const Model>> Load(const std::string& path, const LoadOptions& options = {});
  ~Model();

  const ModelConfig& config() const { return config_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const GgufFile& file() const { return file_; }
  // The ids that end a turn: EOS, EOT / EOM when the file names them, and the control
  // tokens chat families end turns with (<|im_end|>, <|eot_id|>, <|end|>...).
  const std::vector<int32_t>& end_of_generation() const { return end_of_generation_; }
  // For a session of n_ctx positions, n_batch tokens per Eval.
  MemoryEstimate Estimate(int n_ctx, int n_batch, KvType kv) const;

  struct Layer;  // forward.cc
  struct Weights;

 private:
  Model();
  friend class Session;
  GgufFile file_;
  ModelConfig config_;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<Weights> weights_;
  std::vector<int32_t> end_of_generation_;
};

// Reads ModelConfig from a GGUF file's metadata (no tensors needed).
Result<ModelConfig> ReadModelConfig(const GgufFile& file);

struct SessionOptions {
  int n_ctx = 4096;     // positions the KV cache holds (capped at the model's training length)
  int n_batch = 512;    // tokens per forward pass; longer prompts are split
  int n_threads = 0;    // 0: the machine's cores
  KvType kv = KvType::kF16;
  // The kernel set: "scalar", "avx2", "avx512", or empty for the best this CPU runs
  // (FL_LM_KERNELS overrides the default). InvalidArgument when not available.
  std::string kernels;
};

// The kernel sets this build has and this CPU runs, best first.
std::vector<std::string> AvailableKernels();

// One sequence's state over a shared model. Not thread-safe: one caller at a time; any
// number of sessions may share one Model.
class Session {
 public:
  static Result<std::unique_ptr<Session>> Create(std::shared_ptr<const Model> model, const SessionOptions& options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Appends tokens at positions n_past().. and runs the forward pass. With all_logits the
  // logits of every token are kept (logits(i) for i < tokens.size()), else only the last
  // token's (logits(0)). OutOfRange when the context would overflow, InvalidArgument for
  // an id outside the vocabulary; the session is unchanged then.
  Status Eval(std::span<const int32_t> tokens, bool all_logits = false);
  // n_vocab floats.
  const float* logits(int i = 0) const;
  int n_past() const { return n_past_; }
  int n_ctx() const;
  // Forgets positions >= n (the KV cache is kept below n).
  void Truncate(int n);
  const Model& model() const { return *model_; }
  int n_threads() const;
  const char* kernels() const;  // the kernel set in use

 private:
  Session();
  struct State;
  std::shared_ptr<const Model> model_;
  std::unique_ptr<State> state_;
  int n_past_ = 0;
};

// ---------------------------------------------------------------------------------------
// Sampling (sample.cc)
// ---------------------------------------------------------------------------------------

struct SamplerOptions {
  float temperature = 0.8f;  // <= 0: greedy (argmax, lowest id on ties)
  int top_k = 40;            // <= 0: off
  float top_p = 0.95f;       // >= 1: off
  float min_p = 0.05f;       // <= 0: off; keeps tokens with p >= min_p * p_max
  float repeat_penalty = 1.0f;   // > 1 divides positive / multiplies negative logits of recent tokens
  int repeat_last_n = 64;        // how many recent tokens the penalties look at
  float frequency_penalty = 0;   // minus count * this
  float presence_penalty = 0;    // minus this once present
  uint64_t seed = 0;             // same seed, same logits -> same tokens
};

// Picks the next token from logits. Penalties apply to the tokens given to Accept.
// Not thread-safe; one per session. No allocation per call after the first.
class Sampler {
 public:
  explicit Sampler(const SamplerOptions& options);
  int32_t Sample(const float* logits, int n_vocab);
  void Accept(int32_t id);  // record a token (prompt or generated) for the penalties
  void Reset();

 private:
  SamplerOptions options_;
  uint64_t rng_state_;
  std::vector<int32_t> recent_;  // ring of the last repeat_last_n tokens
  size_t recent_next_ = 0;
  std::vector<std::pair<float, int32_t>> candidates_;
  std::vector<float> penalised_;
};

// ---------------------------------------------------------------------------------------
// Chat templates (chat.cc)
// ---------------------------------------------------------------------------------------

enum class ChatFormat { kChatML, kLlama3, kLlama2, kPhi3 };

struct ChatMessage {
  std::string role;  // system, user, assistant
  std::string content;
};

// The format of a tokenizer.chat_template (Jinja source), recognised by its markers.
// InvalidArgument naming what was found when it is none of the known families.
Result<ChatFormat> DetectChatFormat(std::string_view jinja_template);
// "chatml", "llama3", "llama2", "phi3" (the --template flag). InvalidArgument otherwise.
Result<ChatFormat> ParseChatFormat(std::string_view name);
std::string_view ChatFormatName(ChatFormat format);
// The prompt text for messages; with add_generation_prompt it ends where the assistant's
// reply starts. bos is the model's BOS text, written where the family puts it (Llama-2/3).
std::string FormatChat(ChatFormat format, const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                       std::string_view bos = "");
// The strings that end an assistant turn in this format ("<|im_end|>", "<|eot_id|>").
std::vector<std::string> ChatStopStrings(ChatFormat format);

// Holds back streamed text that may be the start of a stop string, so a stop string is
// never shown. Push returns what can be shown now; stopped() once a stop string appeared
// (the text before it is returned, the rest dropped).
class StopMatcher {
 public:
  explicit StopMatcher(std::vector<std::string> stops);
  std::string Push(std::string_view text);
  std::string Finish();  // the held text at the end (no stop string completed)
  bool stopped() const { return stopped_; }

 private:
  std::vector<std::string> stops_;
  std::string held_;
  bool stopped_ = false;
};

// ---------------------------------------------------------------------------------------
// Generation (generate.cc)
// ---------------------------------------------------------------------------------------

struct GenerateOptions {
  int max_tokens = 256;
  SamplerOptions sampling;
  std::vector<std::string> stop;  // stop strings (not shown)
  bool stop_at_eog = true;        // EOS / EOT / <|im_end|>-style tokens end generation
};

struct GenerateResult {
  std::string text;
  std::vector<int32_t> tokens;  // generated ids; the KV cache holds all but the last one
                                // (the EOG token that ended a turn is not among them)
  int prompt_tokens = 0;
  int generated_tokens = 0;
  // Single-token evaluations in generate_ms: the first token comes from the prompt's
  // logits and the last one is not evaluated, so usually generated_tokens - 1.
  int decode_evals = 0;
  double prompt_ms = 0;
  double generate_ms = 0;
  std::string stop_reason;  // "eog", "stop", "length", "context", "cancelled"
};

// Evaluates prompt (after what the session holds) and samples up to max_tokens. on_text
// gets the text as it is produced, never half a UTF-8 character and never part of a stop
// string; returning false cancels.
Result<GenerateResult> Generate(Session& session, std::span<const int32_t> prompt, const GenerateOptions& options,
                                const std::function<bool(std::string_view)>& on_text = nullptr);

// ---------------------------------------------------------------------------------------
// Random-weight models for tests and benchmarks (random_model.cc)
// ---------------------------------------------------------------------------------------

struct RandomModelSpec {
  std::string arch = "qwen2";  // or "llama"
  int n_embd = 256;
  int n_layer = 2;
  int n_head = 4;
  int n_head_kv = 2;
  int n_ff = 512;
  int n_ctx = 2048;
  GgmlType type = GgmlType::kF16;  // 2-D weights; norms and biases stay F32
  uint64_t seed = 1234;
  bool tied_output = true;         // no output.weight (qwen2 default)
};

// A GGUF model with random weights (the fixture recipe: N(0,1) embeddings, N(0,0.05²)
// layers, norms near 1) and the tokenizer of vocab (a GGUF holding tokenizer.* keys), or
// with vocab nullptr a byte-level SentencePiece vocabulary of 259 tokens (<unk>, <s>,
// </s> and the 256 byte tokens), so tests need no downloaded files.
Status WriteRandomModel(const RandomModelSpec& spec, const GgufFile* vocab, const std::string& path);

}  // namespace fl::lm
