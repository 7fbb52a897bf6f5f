#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <numeric>

#include <gtest/gtest.h>

#include "core/core.h"

namespace fl {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  FL_ASSIGN_OR_RETURN(int h, Half(x));
  FL_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, CodesAndMessages) {
  EXPECT_TRUE(OkStatus().ok());
  const Status s = DataLossError("model.flm: checksum mismatch");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.ToString(), "DATA_LOSS: model.flm: checksum mismatch");
}

TEST(StatusTest, ResultPropagates) {
  ASSERT_TRUE(Quarter(8).ok());
  EXPECT_EQ(*Quarter(8), 2);
  const auto r = Quarter(6);  // 6 -> 3 -> odd
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "odd: 3");
}

TEST(ThreadPoolTest, CoversRangeExactlyOnce) {
  for (int threads : {1, 2, 3, 7}) {
    ThreadPool pool(threads);
    for (size_t n : {0, 1, 5, 1000}) {
      std::vector<std::atomic<int>> hits(n);
      pool.ParallelFor(n, [&](int, size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) hits[i].fetch_add(1);
      });
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << threads << " " << n;
    }
  }
}

TEST(ThreadPoolTest, ReusableManyTimes) {
  ThreadPool pool(2);
  std::atomic<long> sum{0};
  for (int round = 0; round < 200; ++round) {
    pool.ParallelFor(100, [&](int, size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) sum += static_cast<long>(i);
    });
  }
  EXPECT_EQ(sum.load(), 200L * 4950);
}

TEST(FileTest, AtomicWriteAndMap) {
  const std::string path = testing::TempDir() + "/fl_core_file_test.bin";
  ASSERT_TRUE(WriteFileAtomic(path, "hello\0world").ok());
  std::string payload("abc\0def", 7);
  ASSERT_TRUE(WriteFileAtomic(path, payload).ok());
  auto f = MappedFile::Open(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->view(), payload);
  EXPECT_EQ(access((path + ".tmp").c_str(), F_OK), -1);  // no leftover temp file
  auto missing = MappedFile::Open(path + ".nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(".nope"), std::string::npos);
  std::remove(path.c_str());
}

TEST(FileTest, HugePageMappingHoldsTheSameBytes) {
  // 9 MiB and a bit: more than four 2 MiB pages and a ragged tail. Whether the kernel
  // gives 2 MiB pages depends on it and on free memory; the bytes and the alignment do not.
  const std::string path = testing::TempDir() + "/fl_core_huge_test.bin";
  std::string payload(9 * (1 << 20) + 12345, '\0');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 2654435761u >> 24);
  ASSERT_TRUE(WriteFileAtomic(path, payload).ok());
  for (int round = 0; round < 2; ++round) {  // the second finds the file cached as the first left it
    auto f = MappedFile::Open(path, {.huge_pages = true});
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_EQ(f->size(), payload.size());
    EXPECT_TRUE(f->view() == payload);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(f->data()) % (2u << 20), 0u);
    EXPECT_LE(f->huge_bytes(), payload.size());
    MappedFile moved = std::move(*f);
    EXPECT_TRUE(moved.view() == payload);
  }
  auto plain = MappedFile::Open(path);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->huge_bytes(), 0u);
  std::remove(path.c_str());
}

TEST(HashTest, StableAndSeeded) {
  // Feature ids in model files depend on these values never changing.
  EXPECT_EQ(Hash64(""), Hash64(""));
  EXPECT_NE(Hash64("a"), Hash64("b"));
  EXPECT_NE(Hash64("abc", 1), Hash64("abc", 2));
  std::string long_text(1000, 'x');
  EXPECT_NE(Hash64(long_text), Hash64(long_text.substr(1)));
  EXPECT_EQ(HexHash64("frontline").size(), 16u);
  // Known xxHash64 test vector: XXH64("", 0) = 0xEF46DB3751D8E999.
  EXPECT_EQ(Hash64("", 0), 0xEF46DB3751D8E999ULL);
}

TEST(ProgressTest, SummaryLineWhenNotTty) {
  ProgressBar bar("unit", 10, "things");
  for (int i = 0; i < 10; ++i) bar.Add(1);
  bar.Finish();
  bar.Finish();  // idempotent
  EXPECT_EQ(HumanCount(1234567), "1.2M");
  EXPECT_EQ(HumanCount(12), "12");
}

}  // namespace
}  // namespace fl
