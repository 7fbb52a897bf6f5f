// frontline model random | logits | generate | chat | bench-lm in the contract's forms,
// on random-weight models the test writes (no downloads), and `frontline logits` against
// llama.cpp's stored logits when ../shared/lm-fixtures is there.
#include <stdlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/shell.h"

namespace {

using fl::testing::Sh;

std::string Bin() { return std::string(FL_BINARY); }

std::string TempDir() {
  std::string tmpl = ::testing::TempDir() + "/fl_lm_run.XXXXXX";
  EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
  return tmpl;
}

std::vector<float> ReadFloats(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), v.size() * 4);
  return v;
}

class LmRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(TempDir());
    const auto r = Sh(Bin() + " model random --arch llama --n-embd 64 --n-layer 2 --n-head 4 --n-head-kv 2 --n-ff 128 "
                              "--type q8_0 --out " + *dir_ + "/tiny.gguf");
    ASSERT_EQ(r.code, 0) << r.out;
  }
  static std::string Model() { return *dir_ + "/tiny.gguf"; }
  static std::string* dir_;
};
std::string* LmRunTest::dir_ = nullptr;

TEST_F(LmRunTest, ModelInfoShowsTheMemoryEstimate) {
  const auto r = Sh(Bin() + " model info " + Model() + " --json --ctx 256");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["architecture"], "llama");
  EXPECT_TRUE(j["runnable"].get<bool>());
  // KV cache: 2 (K and V) x 2 layers x 256 positions x 2 KV heads x 16 dims x 2 bytes.
  EXPECT_EQ(j["memory"]["kv_cache_bytes"], 2 * 2 * 256 * 2 * 16 * 2);
  EXPECT_GT(j["memory"]["weights_bytes"].get<uint64_t>(), 0u);
}

TEST_F(LmRunTest, LogitsAreCausalAndDeterministic) {
  const std::string out3 = *dir_ + "/three.f32", out2 = *dir_ + "/two.f32", again = *dir_ + "/again.f32";
  ASSERT_EQ(Sh(Bin() + " logits --model " + Model() + " --ids \"1 72 105\" --out " + out3).code, 0);
  ASSERT_EQ(Sh(Bin() + " logits --model " + Model() + " --ids \"1 72\" --out " + out2 + " -t 1").code, 0);
  ASSERT_EQ(Sh(Bin() + " logits --model " + Model() + " --ids \"1 72 105\" --out " + again).code, 0);
  const std::vector<float> three = ReadFloats(out3), two = ReadFloats(out2);
  ASSERT_EQ(three.size(), 3u * 259);
  ASSERT_EQ(two.size(), 2u * 259);
  EXPECT_EQ(three, ReadFloats(again)) << "the same ids give the same bytes";
  // Position i depends only on tokens 0..i: the first two rows do not see token 105.
  double max_diff = 0;
  for (size_t i = 0; i < two.size(); ++i) {
    ASSERT_TRUE(std::isfinite(three[i]));
    max_diff = std::max(max_diff, std::fabs(static_cast<double>(three[i]) - two[i]));
  }
  EXPECT_LT(max_diff, 1e-3);
  // Bad ids are refused by position and value.
  auto r = Sh(Bin() + " logits --model " + Model() + " --ids \"1 999\" --out " + out2, true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("999"), std::string::npos) << r.out;
  r = Sh(Bin() + " logits --model " + Model() + " --ids \"1 x\" --out " + out2, true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("'x'"), std::string::npos) << r.out;
}

TEST_F(LmRunTest, GenerateIsReproducible) {
  const std::string cmd = Bin() + " generate -q --model " + Model() + " --prompt 'The VPN is down' -n 12";
  const auto greedy1 = Sh(cmd + " --temp 0"), greedy2 = Sh(cmd + " --temp 0 -t 1");
  ASSERT_EQ(greedy1.code, 0) << greedy1.out;
  EXPECT_EQ(greedy1.out, greedy2.out);
  const auto seeded1 = Sh(cmd + " --temp 1 --seed 7"), seeded2 = Sh(cmd + " --temp 1 --seed 7");
  EXPECT_EQ(seeded1.out, seeded2.out);
  EXPECT_FALSE(seeded1.out.empty());
}

TEST_F(LmRunTest, ChatNeedsATemplateAndKeepsTheConversation) {
  auto r = Sh("echo hello | " + Bin() + " chat --model " + Model(), true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("chat_template"), std::string::npos) << r.out;
  r = Sh("printf 'hello\\nand again\\n/quit\\n' | " + Bin() + " chat --template chatml -n 6 --temp 0 --model " + Model());
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST_F(LmRunTest, BenchLmReportsJson) {
  const auto r = Sh(Bin() + " bench-lm --model " + Model() + " -p 16 -n 8 -t 1 -r 2 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  EXPECT_GT(j["pp_tps"].get<double>(), 0);
  EXPECT_GT(j["tg_tps"].get<double>(), 0);
  EXPECT_EQ(j["repetitions"], 2);
}

TEST_F(LmRunTest, CorruptModelsAreRefusedByName) {
  // Truncate the model inside its tensor data.
  const std::string cut = *dir_ + "/cut.gguf";
  std::filesystem::copy_file(Model(), cut, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 2);
  const auto r = Sh(Bin() + " generate --model " + cut + " --prompt hi -n 2", true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("cut.gguf"), std::string::npos) << r.out;
}

// The contract's `frontline logits` against llama.cpp's logits of the Q8_0 fixture.
TEST(LmFixtureCliTest, LogitsMatchLlamaCpp) {
  const std::string fixtures = std::string(FL_SOURCE_DIR) + "/../shared/lm-fixtures";
  if (!std::filesystem::exists(fixtures)) GTEST_SKIP() << "no " << fixtures << ": llama.cpp comparison skipped";
  std::ifstream in(fixtures + "/llama-spm-q8_0.nobos.prompt.json");
  const auto prompt = nlohmann::json::parse(in);
  std::string ids;
  for (const auto& id : prompt["ids"]) ids += (ids.empty() ? "" : " ") + std::to_string(id.get<int>());
  const std::string dir = TempDir();
  const auto r = Sh(Bin() + " logits --model " + fixtures + "/llama-spm-q8_0.gguf --ids \"" + ids + "\" --out " + dir + "/l.f32");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::vector<float> ours = ReadFloats(dir + "/l.f32");
  const std::vector<float> ref = ReadFloats(fixtures + "/" + prompt["logits_file"].get<std::string>());
  const int n_vocab = prompt["n_vocab"].get<int>();
  ASSERT_EQ(ours.size(), prompt["ids"].size() * n_vocab);
  double max_diff = 0;
  const auto positions = prompt["logits_positions"].get<std::vector<int>>();
  for (size_t row = 0; row < positions.size(); ++row) {
    for (int i = 0; i < n_vocab; ++i) {
      max_diff = std::max(max_diff, std::fabs(static_cast<double>(ours[positions[row] * n_vocab + i]) - ref[row * n_vocab + i]));
    }
  }
  std::printf("frontline logits vs llama.cpp, llama-spm-q8_0.nobos: max |d| %.4f\n", max_diff);
  EXPECT_LE(max_diff, 1.5);
}

}  // namespace
