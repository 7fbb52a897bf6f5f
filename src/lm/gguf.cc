// GGUF: the reader (every read bounds-checked, no struct fread) and the test writer.
#include <algorithm>
#include <cstring>
#include <set>

#include "lm/lm.h"

namespace fl::lm {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" little-endian
constexpr int kMaxArrayDepth = 8;
constexpr uint32_t kMaxDims = 4;

constexpr GgmlTypeInfo kTypes[] = {
    /* 0 */ {"F32", 1, 4},       /* 1 */ {"F16", 1, 2},     /* 2 */ {"Q4_0", 32, 18}, /* 3 */ {"Q4_1", 32, 20},
    /* 4 */ {nullptr, 0, 0},     /* 5 */ {nullptr, 0, 0},   /* 6 */ {"Q5_0", 32, 22}, /* 7 */ {"Q5_1", 32, 24},
    /* 8 */ {"Q8_0", 32, 34},    /* 9 */ {"Q8_1", 32, 36},  /* 10 */ {"Q2_K", 256, 84},
    /* 11 */ {"Q3_K", 256, 110}, /* 12 */ {"Q4_K", 256, 144}, /* 13 */ {"Q5_K", 256, 176},
    /* 14 */ {"Q6_K", 256, 210}, /* 15 */ {"Q8_K", 256, 292}, /* 16-19 */ {nullptr, 0, 0}, {nullptr, 0, 0},
    {nullptr, 0, 0}, {nullptr, 0, 0}, /* 20 */ {"IQ4_NL", 32, 18}, /* 21, 22 */ {nullptr, 0, 0}, {nullptr, 0, 0},
    /* 23 */ {"IQ4_XS", 256, 136}, /* 24 */ {"I8", 1, 1}, /* 25 */ {"I16", 1, 2}, /* 26 */ {"I32", 1, 4},
    /* 27 */ {"I64", 1, 8},      /* 28 */ {"F64", 1, 8},    /* 29 */ {nullptr, 0, 0}, /* 30 */ {"BF16", 1, 2},
};

// Reads little-endian values from a byte range; every read checks the bounds first and
// errors name the byte offset.
class Cursor {
 public:
  Cursor(std::string_view data, const std::string& name) : d_(data), name_(name) {}
  size_t at() const { return at_; }
  size_t left() const { return d_.size() - at_; }

  Status Error(const std::string& what) const {
    return DataLossError(name_ + ": not a valid GGUF file: " + what + " (at byte " + std::to_string(at_) + ")");
  }
  template <typename T>
  Result<T> Read(const char* what) {
    if (left() < sizeof(T)) return Error(std::string("truncated while reading ") + what);
    T v;
    std::memcpy(&v, d_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  Result<std::string> String(const char* what) {
    FL_ASSIGN_OR_RETURN(uint64_t n, Read<uint64_t>(what));
    if (n > left()) return Error(std::string(what) + ": length " + std::to_string(n) + " runs past the end");
    std::string s(d_.substr(at_, n));
    at_ += n;
    return s;
  }

 private:
  std::string_view d_;
  const std::string& name_;
  size_t at_ = 0;
};

// The smallest encoding of a value of this type, to bound array counts.
uint64_t MinBytes(ValueType t) {
  switch (t) {
    case ValueType::kUint8: case ValueType::kInt8: case ValueType::kBool: return 1;
    case ValueType::kUint16: case ValueType::kInt16: return 2;
    case ValueType::kUint32: case ValueType::kInt32: case ValueType::kFloat32: return 4;
    case ValueType::kUint64: case ValueType::kInt64: case ValueType::kFloat64: case ValueType::kString: return 8;
    case ValueType::kArray: return 12;
  }
  return 1;
}

bool KnownValueType(uint32_t t) { return t <= 12; }

Result<Value> ReadValue(Cursor* c, ValueType type, int depth) {
  Value v;
  v.type = type;
  switch (type) {
    case ValueType::kUint8: { FL_ASSIGN_OR_RETURN(uint8_t x, c->Read<uint8_t>("u8")); v.u = x; break; }
    case ValueType::kInt8: { FL_ASSIGN_OR_RETURN(int8_t x, c->Read<int8_t>("i8")); v.i = x; break; }
    case ValueType::kUint16: { FL_ASSIGN_OR_RETURN(uint16_t x, c->Read<uint16_t>("u16")); v.u = x; break; }
    case ValueType::kInt16: { FL_ASSIGN_OR_RETURN(int16_t x, c->Read<int16_t>("i16")); v.i = x; break; }
    case ValueType::kUint32: { FL_ASSIGN_OR_RETURN(uint32_t x, c->Read<uint32_t>("u32")); v.u = x; break; }
    case ValueType::kInt32: { FL_ASSIGN_OR_RETURN(int32_t x, c->Read<int32_t>("i32")); v.i = x; break; }
    case ValueType::kUint64: { FL_ASSIGN_OR_RETURN(v.u, c->Read<uint64_t>("u64")); break; }
    case ValueType::kInt64: { FL_ASSIGN_OR_RETURN(v.i, c->Read<int64_t>("i64")); break; }
    case ValueType::kFloat32: { FL_ASSIGN_OR_RETURN(float x, c->Read<float>("f32")); v.f = x; break; }
    case ValueType::kFloat64: { FL_ASSIGN_OR_RETURN(v.f, c->Read<double>("f64")); break; }
    case ValueType::kBool: {
      FL_ASSIGN_OR_RETURN(uint8_t x, c->Read<uint8_t>("bool"));
      if (x > 1) return c->Error("bool value " + std::to_string(x));
      v.b = x != 0;
      break;
    }
    case ValueType::kString: { FL_ASSIGN_OR_RETURN(v.s, c->String("string value")); break; }
    case ValueType::kArray: {
      if (depth >= kMaxArrayDepth) return c->Error("arrays nested deeper than " + std::to_string(kMaxArrayDepth));
      FL_ASSIGN_OR_RETURN(uint32_t et, c->Read<uint32_t>("array element type"));
      if (!KnownValueType(et)) return c->Error("unknown array element type " + std::to_string(et));
      FL_ASSIGN_OR_RETURN(uint64_t n, c->Read<uint64_t>("array length"));
      v.element = static_cast<ValueType>(et);
      if (n > c->left() / MinBytes(v.element)) {
        return c->Error("array of " + std::to_string(n) + " elements cannot fit in the rest of the file");
      }
      v.array.reserve(n);
      for (uint64_t k = 0; k < n; ++k) {
        FL_ASSIGN_OR_RETURN(Value e, ReadValue(c, v.element, depth + 1));
        v.array.push_back(std::move(e));
      }
      break;
    }
  }
  return v;
}

}  // namespace

std::string_view ValueTypeName(ValueType t) {
  static const char* kNames[] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"};
  const auto i = static_cast<uint32_t>(t);
  return i < std::size(kNames) ? kNames[i] : "?";
}

bool Value::is_integer() const {
  switch (type) {
    case ValueType::kUint8: case ValueType::kInt8: case ValueType::kUint16: case ValueType::kInt16:
    case ValueType::kUint32: case ValueType::kInt32: case ValueType::kUint64: case ValueType::kInt64: return true;
    default: return false;
  }
}

uint64_t Value::AsUint(uint64_t fallback) const {
  if (!is_integer()) return fallback;
  const bool is_signed = type == ValueType::kInt8 || type == ValueType::kInt16 || type == ValueType::kInt32 ||
                         type == ValueType::kInt64;
  if (is_signed) return i < 0 ? fallback : static_cast<uint64_t>(i);
  return u;
}

int64_t Value::AsInt(int64_t fallback) const {
  if (!is_integer()) return fallback;
  const bool is_signed = type == ValueType::kInt8 || type == ValueType::kInt16 || type == ValueType::kInt32 ||
                         type == ValueType::kInt64;
  if (is_signed) return i;
  return u > static_cast<uint64_t>(INT64_MAX) ? fallback : static_cast<int64_t>(u);
}

double Value::AsDouble(double fallback) const {
  if (type == ValueType::kFloat32 || type == ValueType::kFloat64) return f;
  if (!is_integer()) return fallback;
  return type == ValueType::kInt8 || type == ValueType::kInt16 || type == ValueType::kInt32 || type == ValueType::kInt64
             ? static_cast<double>(i)
             : static_cast<double>(u);
}

const GgmlTypeInfo* TypeInfo(uint32_t type) {
  if (type >= std::size(kTypes) || kTypes[type].name == nullptr) return nullptr;
  return &kTypes[type];
}

uint64_t Tensor::elements() const {
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;
  return n;
}

Result<GgufFile> GgufFile::Open(const std::string& path, const MapOptions& options) {
  FL_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path, options));
  GgufFile g;
  auto mapped = std::make_shared<const MappedFile>(std::move(file));
  g.mapped_ = mapped;
  FL_RETURN_IF_ERROR(g.ParseAll(mapped->view(), path));
  return g;
}

Result<GgufFile> GgufFile::Parse(std::string bytes, const std::string& name) {
  GgufFile g;
  auto owned = std::make_shared<const std::string>(std::move(bytes));
  g.owned_ = owned;
  FL_RETURN_IF_ERROR(g.ParseAll(*owned, name));
  return g;
}

Status GgufFile::ParseAll(std::string_view bytes, const std::string& name) {
  Cursor c(bytes, name);
  FL_ASSIGN_OR_RETURN(uint32_t magic, c.Read<uint32_t>("magic"));
  if (magic != kMagic) return DataLossError(name + ": not a GGUF file (bad magic)");
  FL_ASSIGN_OR_RETURN(version_, c.Read<uint32_t>("version"));
  if (version_ != 2 && version_ != 3) {
    return DataLossError(name + ": GGUF version " + std::to_string(version_) + " is not supported (2 and 3 are)");
  }
  FL_ASSIGN_OR_RETURN(uint64_t n_tensors, c.Read<uint64_t>("tensor count"));
  FL_ASSIGN_OR_RETURN(uint64_t n_kv, c.Read<uint64_t>("metadata count"));
  // Each metadata entry takes at least 8 (key length) + 4 (type) + 1 bytes; each tensor
  // info at least 8 + 4 + 4 + 8.
  if (n_kv > c.left() / 13) return c.Error("metadata count " + std::to_string(n_kv) + " cannot fit in the file");
  if (n_tensors > c.left() / 24) return c.Error("tensor count " + std::to_string(n_tensors) + " cannot fit in the file");
  std::set<std::string, std::less<>> keys;
  for (uint64_t k = 0; k < n_kv; ++k) {
    FL_ASSIGN_OR_RETURN(std::string key, c.String("metadata key"));
    if (!keys.insert(key).second) return c.Error("duplicate metadata key '" + key + "'");
    FL_ASSIGN_OR_RETURN(uint32_t type, c.Read<uint32_t>("metadata type"));
    if (!KnownValueType(type)) return c.Error("metadata '" + key + "' has unknown type " + std::to_string(type));
    auto value = ReadValue(&c, static_cast<ValueType>(type), 0);
    if (!value.ok()) return DataLossError(value.status().message() + " in metadata '" + key + "'");
    metadata_.emplace_back(std::move(key), std::move(value).value());
  }
  if (const Value* a = Find("general.alignment")) {
    const uint64_t align = a->AsUint(0);
    if (align == 0 || align > (1u << 20) || (align & (align - 1)) != 0) {
      return DataLossError(name + ": general.alignment must be a power of two up to 1 MiB");
    }
    alignment_ = static_cast<uint32_t>(align);
  }
  std::set<std::string, std::less<>> names;
  for (uint64_t t = 0; t < n_tensors; ++t) {
    Tensor tensor;
    FL_ASSIGN_OR_RETURN(tensor.name, c.String("tensor name"));
    if (!names.insert(tensor.name).second) return c.Error("duplicate tensor '" + tensor.name + "'");
    FL_ASSIGN_OR_RETURN(uint32_t n_dims, c.Read<uint32_t>("tensor dimension count"));
    if (n_dims == 0 || n_dims > kMaxDims) {
      return c.Error("tensor '" + tensor.name + "' has " + std::to_string(n_dims) + " dimensions (1 to 4 allowed)");
    }
    uint64_t elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      FL_ASSIGN_OR_RETURN(uint64_t dim, c.Read<uint64_t>("tensor dimension"));
      if (dim == 0 || elements > UINT64_MAX / dim) {
        return c.Error("tensor '" + tensor.name + "': dimension " + std::to_string(dim) + " is zero or overflows");
      }
      elements *= dim;
      tensor.shape.push_back(dim);
    }
    FL_ASSIGN_OR_RETURN(uint32_t type, c.Read<uint32_t>("tensor type"));
    const GgmlTypeInfo* info = TypeInfo(type);
    if (info == nullptr) return c.Error("tensor '" + tensor.name + "' has unknown ggml type " + std::to_string(type));
    tensor.type = static_cast<GgmlType>(type);
    if (tensor.shape[0] % info->block != 0) {
      return c.Error("tensor '" + tensor.name + "': row of " + std::to_string(tensor.shape[0]) + " is not a multiple of " +
                     info->name + "'s block of " + std::to_string(info->block));
    }
    const uint64_t blocks = elements / info->block;
    if (blocks > UINT64_MAX / info->bytes) return c.Error("tensor '" + tensor.name + "' size overflows");
    tensor.bytes = blocks * info->bytes;
    FL_ASSIGN_OR_RETURN(tensor.offset, c.Read<uint64_t>("tensor offset"));
    if (tensor.offset % alignment_ != 0) {
      return c.Error("tensor '" + tensor.name + "' offset " + std::to_string(tensor.offset) + " is not aligned to " +
                     std::to_string(alignment_));
    }
    tensors_.push_back(std::move(tensor));
  }
  // Data starts at the next multiple of the alignment.
  const uint64_t pad = (alignment_ - c.at() % alignment_) % alignment_;
  data_offset_ = c.at() + pad;
  if (!tensors_.empty() && data_offset_ > bytes.size()) return c.Error("the file ends before its tensor data");
  std::vector<const Tensor*> by_offset;
  for (Tensor& t : tensors_) {
    const uint64_t room = bytes.size() - std::min<uint64_t>(bytes.size(), data_offset_);
    if (t.offset > room || t.bytes > room - t.offset) {
      return DataLossError(name + ": tensor '" + t.name + "' (" + std::to_string(t.bytes) + " bytes at data offset " +
                           std::to_string(t.offset) + ") runs past the end of the file (truncated?)");
    }
    t.data = reinterpret_cast<const uint8_t*>(bytes.data()) + data_offset_ + t.offset;
    by_offset.push_back(&t);
  }
  std::sort(by_offset.begin(), by_offset.end(), [](const Tensor* a, const Tensor* b) { return a->offset < b->offset; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    if (by_offset[i - 1]->offset + by_offset[i - 1]->bytes > by_offset[i]->offset) {
      return DataLossError(name + ": tensors '" + by_offset[i - 1]->name + "' and '" + by_offset[i]->name + "' overlap");
    }
  }
  return OkStatus();
}

const Value* GgufFile::Find(std::string_view key) const {
  for (const auto& [k, v] : metadata_) {
    if (k == key) return &v;
  }
  return nullptr;
}

const Tensor* GgufFile::FindTensor(std::string_view name) const {
  for (const Tensor& t : tensors_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string GgufFile::GetString(std::string_view key, const std::string& fallback) const {
  const Value* v = Find(key);
  return v != nullptr && v->type == ValueType::kString ? v->s : fallback;
}

uint64_t GgufFile::GetUint(std::string_view key, uint64_t fallback) const {
  const Value* v = Find(key);
  return v != nullptr ? v->AsUint(fallback) : fallback;
}

// ---------------------------------------------------------------------------------------
// The writer (tests and tools only)
// ---------------------------------------------------------------------------------------

namespace {

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

void PutString(std::string* out, const std::string& s) {
  Put<uint64_t>(out, s.size());
  out->append(s);
}

void PutValue(std::string* out, const Value& v) {
  switch (v.type) {
    case ValueType::kUint8: Put<uint8_t>(out, static_cast<uint8_t>(v.u)); break;
    case ValueType::kInt8: Put<int8_t>(out, static_cast<int8_t>(v.i)); break;
    case ValueType::kUint16: Put<uint16_t>(out, static_cast<uint16_t>(v.u)); break;
    case ValueType::kInt16: Put<int16_t>(out, static_cast<int16_t>(v.i)); break;
    case ValueType::kUint32: Put<uint32_t>(out, static_cast<uint32_t>(v.u)); break;
    case ValueType::kInt32: Put<int32_t>(out, static_cast<int32_t>(v.i)); break;
    case ValueType::kUint64: Put<uint64_t>(out, v.u); break;
    case ValueType::kInt64: Put<int64_t>(out, v.i); break;
    case ValueType::kFloat32: Put<float>(out, static_cast<float>(v.f)); break;
    case ValueType::kFloat64: Put<double>(out, v.f); break;
    case ValueType::kBool: Put<uint8_t>(out, v.b ? 1 : 0); break;
    case ValueType::kString: PutString(out, v.s); break;
    case ValueType::kArray:
      Put<uint32_t>(out, static_cast<uint32_t>(v.element));
      Put<uint64_t>(out, v.array.size());
      for (const Value& e : v.array) PutValue(out, e);
      break;
  }
}

}  // namespace

std::string WriteGguf(const std::vector<std::pair<std::string, Value>>& metadata, const std::vector<TensorSpec>& tensors,
                      uint32_t alignment) {
  std::vector<std::pair<std::string, Value>> kv = metadata;
  if (alignment != 32) kv.emplace_back("general.alignment", UintValue(alignment));
  std::string out;
  Put<uint32_t>(&out, kMagic);
  Put<uint32_t>(&out, 3);
  Put<uint64_t>(&out, tensors.size());
  Put<uint64_t>(&out, kv.size());
  for (const auto& [k, v] : kv) {
    PutString(&out, k);
    Put<uint32_t>(&out, static_cast<uint32_t>(v.type));
    PutValue(&out, v);
  }
  uint64_t offset = 0;
  std::vector<uint64_t> offsets;
  for (const TensorSpec& t : tensors) {
    PutString(&out, t.name);
    Put<uint32_t>(&out, static_cast<uint32_t>(t.shape.size()));
    for (uint64_t d : t.shape) Put<uint64_t>(&out, d);
    Put<uint32_t>(&out, static_cast<uint32_t>(t.type));
    Put<uint64_t>(&out, offset);
    offsets.push_back(offset);
    offset += (t.data.size() + alignment - 1) / alignment * alignment;
  }
  out.resize((out.size() + alignment - 1) / alignment * alignment, '\0');
  const size_t data_start = out.size();
  for (size_t i = 0; i < tensors.size(); ++i) {
    out.resize(data_start + offsets[i], '\0');
    out += tensors[i].data;
  }
  return out;
}

Value StringValue(std::string s) { return {.type = ValueType::kString, .s = std::move(s)}; }
Value UintValue(uint64_t x, ValueType type) { return {.type = type, .u = x}; }
Value IntValue(int64_t x, ValueType type) { return {.type = type, .i = x}; }
Value FloatValue(double x, ValueType type) { return {.type = type, .f = x}; }
Value BoolValue(bool x) { return {.type = ValueType::kBool, .b = x}; }
Value ArrayValue(ValueType element, std::vector<Value> items) {
  return {.type = ValueType::kArray, .element = element, .array = std::move(items)};
}

}  // namespace fl::lm
