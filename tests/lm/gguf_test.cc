// GGUF: round trip through the writer, every value type, nested arrays, alignment, and
// the malformed files the reader must refuse with a clear message.
#include <cstring>

#include <gtest/gtest.h>

#include "lm/lm.h"

namespace fl::lm {
namespace {

std::vector<std::pair<std::string, Value>> AllTypes() {
  return {
      {"general.architecture", StringValue("llama")},
      {"t.u8", UintValue(200, ValueType::kUint8)},
      {"t.i8", IntValue(-100, ValueType::kInt8)},
      {"t.u16", UintValue(60000, ValueType::kUint16)},
      {"t.i16", IntValue(-30000, ValueType::kInt16)},
      {"t.u32", UintValue(4000000000u, ValueType::kUint32)},
      {"t.i32", IntValue(-2000000000, ValueType::kInt32)},
      {"t.u64", UintValue(1ull << 60, ValueType::kUint64)},
      {"t.i64", IntValue(-(1ll << 60), ValueType::kInt64)},
      {"t.f32", FloatValue(0.5, ValueType::kFloat32)},
      {"t.f64", FloatValue(0.1, ValueType::kFloat64)},
      {"t.bool", BoolValue(true)},
      {"t.nested", ArrayValue(ValueType::kArray, {ArrayValue(ValueType::kString, {StringValue("a"), StringValue("é")}),
                                                  ArrayValue(ValueType::kString, {})})},
      {"tokenizer.ggml.tokens", ArrayValue(ValueType::kString, {StringValue("<s>"), StringValue("▁hi")})},
  };
}

std::string F32(std::initializer_list<float> v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), std::data(v), s.size());
  return s;
}

TEST(GgufTest, RoundTripsEveryValueTypeAndTensors) {
  const std::string bytes = WriteGguf(AllTypes(), {{"a", GgmlType::kF32, {2, 2}, F32({1, 2, 3, 4})},
                                                   {"b", GgmlType::kQ8_0, {32}, std::string(34, '\x01')}});
  auto f = GgufFile::Parse(bytes, "mem");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->version(), 3u);
  EXPECT_EQ(f->GetString("general.architecture"), "llama");
  EXPECT_EQ(f->Find("t.u8")->AsUint(), 200u);
  EXPECT_EQ(f->Find("t.i8")->AsInt(), -100);
  EXPECT_EQ(f->Find("t.u32")->AsUint(), 4000000000u);
  EXPECT_EQ(f->Find("t.i64")->AsInt(), -(1ll << 60));
  EXPECT_EQ(f->Find("t.u64")->AsUint(), 1ull << 60);
  EXPECT_DOUBLE_EQ(f->Find("t.f32")->AsDouble(), 0.5);
  EXPECT_DOUBLE_EQ(f->Find("t.f64")->AsDouble(), 0.1);
  EXPECT_TRUE(f->Find("t.bool")->b);
  const Value* nested = f->Find("t.nested");
  ASSERT_EQ(nested->array.size(), 2u);
  EXPECT_EQ(nested->array[0].array[1].s, "é");
  EXPECT_TRUE(nested->array[1].array.empty());
  EXPECT_EQ(f->Find("t.i8")->AsUint(7), 7u) << "a negative value is no unsigned";
  ASSERT_EQ(f->tensors().size(), 2u);
  const Tensor* a = f->FindTensor("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->elements(), 4u);
  EXPECT_EQ(a->bytes, 16u);
  float x[4];
  std::memcpy(x, a->data, 16);
  EXPECT_EQ(x[3], 4.f);
  EXPECT_EQ(f->data_offset() % 32, 0u);
  EXPECT_EQ(f->FindTensor("b")->bytes, 34u);
  EXPECT_EQ(f->FindTensor("b")->offset % 32, 0u);
  // Another alignment is written and honoured.
  auto g = GgufFile::Parse(WriteGguf({}, {{"a", GgmlType::kF32, {3}, F32({1, 2, 3})}, {"c", GgmlType::kF32, {1}, F32({9})}},
                                     64),
                           "mem64");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->alignment(), 64u);
  EXPECT_EQ(g->data_offset() % 64, 0u);
  EXPECT_EQ(g->FindTensor("c")->offset, 64u);
}

// Each corruption is refused with a message naming what is wrong.
TEST(GgufTest, MalformedFilesAreRefusedWithWhatAndWhere) {
  const std::string good = WriteGguf(AllTypes(), {{"a", GgmlType::kF32, {4}, F32({1, 2, 3, 4})}});
  auto expect_bad = [](const std::string& bytes, const std::string& want) {
    auto f = GgufFile::Parse(bytes, "fixture.gguf");
    ASSERT_FALSE(f.ok()) << "accepted; wanted: " << want;
    EXPECT_NE(f.status().message().find(want), std::string::npos) << f.status().ToString();
    EXPECT_NE(f.status().message().find("fixture.gguf"), std::string::npos);
  };
  expect_bad("GGML" + good.substr(4), "bad magic");
  std::string v = good;
  v[4] = 9;
  expect_bad(v, "version 9");
  // Every truncation fails cleanly (none crashes or reads past the end).
  for (size_t n = 0; n < good.size(); n += 7) EXPECT_FALSE(GgufFile::Parse(good.substr(0, n), "t").ok()) << n;
  // A huge tensor count.
  std::string counts = good;
  const uint64_t huge = 1ull << 62;
  std::memcpy(counts.data() + 8, &huge, 8);
  expect_bad(counts, "tensor count");
  // An unknown value type for the first key (right after its name).
  std::string type = good;
  const size_t key_len_at = 24, type_at = key_len_at + 8 + std::strlen("general.architecture");
  const uint32_t bad_type = 99;
  std::memcpy(type.data() + type_at, &bad_type, 4);
  expect_bad(type, "unknown type 99");
  // Duplicate keys and tensor names.
  expect_bad(WriteGguf({{"k", StringValue("a")}, {"k", StringValue("b")}}, {}), "duplicate metadata key 'k'");
  expect_bad(WriteGguf({}, {{"w", GgmlType::kF32, {1}, F32({1})}, {"w", GgmlType::kF32, {1}, F32({2})}}),
             "duplicate tensor 'w'");
  // A quantised row that is not a whole number of blocks.
  expect_bad(WriteGguf({}, {{"q", GgmlType::kQ4_K, {100}, std::string(144, '\0')}}), "not a multiple");
  // Tensor data past the end of the file.
  const std::string full = WriteGguf({}, {{"w", GgmlType::kF32, {8}, F32({1, 2, 3, 4, 5, 6, 7, 8})}});
  expect_bad(full.substr(0, full.size() - 4), "runs past the end");
  // A bad alignment value.
  expect_bad(WriteGguf({{"general.alignment", UintValue(33)}}, {}), "power of two");
}

TEST(GgufTest, OverlappingAndMisalignedTensorsAreRefused) {
  // Two tensors, then point the second's offset into the first.
  std::string bytes = WriteGguf({}, {{"a", GgmlType::kF32, {16}, std::string(64, '\0')},
                                     {"b", GgmlType::kF32, {16}, std::string(64, '\0')}});
  // The second tensor info's offset is the last 8 bytes before the padding: find it as
  // the u64 64 after "b"'s type.
  const size_t b_name = bytes.find(std::string("\x01\x00\x00\x00\x00\x00\x00\x00" "b", 9), 24);
  ASSERT_NE(b_name, std::string::npos);
  const size_t off_at = b_name + 8 + 1 + 4 + 8 + 4;
  uint64_t off;
  std::memcpy(&off, bytes.data() + off_at, 8);
  ASSERT_EQ(off, 64u);
  uint64_t overlap = 32;
  std::memcpy(bytes.data() + off_at, &overlap, 8);
  auto f = GgufFile::Parse(bytes, "x");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("overlap"), std::string::npos) << f.status().ToString();
  uint64_t misaligned = 68;
  std::memcpy(bytes.data() + off_at, &misaligned, 8);
  f = GgufFile::Parse(bytes, "x");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("not aligned"), std::string::npos) << f.status().ToString();
}

TEST(GgufTest, ReadsTheSharedVocabularyFiles) {
  const std::string dir = FL_SHARED_DATA "/tokenizer-vectors";
  auto f = GgufFile::Open(dir + "/ggml-vocab-llama-bpe.gguf");
  if (!f.ok() && f.status().code() == StatusCode::kNotFound) {
    GTEST_SKIP() << "shared tokenizer vectors not found at " << dir;
  }
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->GetString("tokenizer.ggml.model"), "gpt2");
  EXPECT_EQ(f->GetString("tokenizer.ggml.pre"), "llama-bpe");
  EXPECT_GT(f->Find("tokenizer.ggml.tokens")->array.size(), 100000u);
}

}  // namespace
}  // namespace fl::lm
