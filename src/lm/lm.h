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
#include <memory>
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
  static Result<GgufFile> Open(const std::string& path);
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

}  // namespace fl::lm
