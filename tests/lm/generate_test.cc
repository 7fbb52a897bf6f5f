// Generation on random-weight models the test writes (byte vocabulary, so any byte
// sequence can come out): streamed text is always whole UTF-8, stop strings and max
// tokens end generation, seeds reproduce, and one model serves several sessions on
// several threads at once with the same results as one at a time.
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "lm/lm.h"

namespace fl::lm {
namespace {

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

class GenerateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string(::testing::TempDir() + "/fl_generate_test_" + std::to_string(getpid()) + ".gguf");
    RandomModelSpec spec{.arch = "qwen2", .n_embd = 64, .n_layer = 2, .n_head = 4, .n_head_kv = 2, .n_ff = 128,
                         .n_ctx = 256, .type = GgmlType::kQ8_0, .seed = 99};
    ASSERT_TRUE(WriteRandomModel(spec, nullptr, *path_).ok());
    auto model = Model::Load(*path_);
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    model_ = new std::shared_ptr<const Model>(*model);
  }
  static void TearDownTestSuite() {
    std::filesystem::remove(*path_);
    delete model_;
    delete path_;
  }
  static std::unique_ptr<Session> NewSession(int threads = 1) {
    auto s = Session::Create(*model_, {.n_ctx = 256, .n_threads = threads});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(*s);
  }
  static std::vector<int32_t> Prompt(std::string_view text) { return (*model_)->tokenizer().Encode(text); }

  static std::string* path_;
  static std::shared_ptr<const Model>* model_;
};
std::string* GenerateTest::path_ = nullptr;
std::shared_ptr<const Model>* GenerateTest::model_ = nullptr;

TEST_F(GenerateTest, StreamsWholeUtf8AndStopsAtMaxTokens) {
  auto session = NewSession();
  std::string streamed;
  int chunks = 0;
  GenerateOptions options{.max_tokens = 60, .sampling = {.temperature = 1.5f, .top_k = 0, .top_p = 1, .min_p = 0, .seed = 3}};
  options.stop_at_eog = false;
  auto r = Generate(*session, Prompt("ticket: VPN down"), options, [&](std::string_view text) {
    EXPECT_TRUE(ValidUtf8(text)) << "a chunk splits a UTF-8 character";
    streamed += text;
    ++chunks;
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->generated_tokens, 60);
  EXPECT_EQ(r->stop_reason, "length");
  EXPECT_EQ(r->text, streamed);
  EXPECT_GT(chunks, 0);
  EXPECT_TRUE(ValidUtf8(r->text));
  EXPECT_EQ(r->tokens.size(), 60u);
  EXPECT_EQ(session->n_past(), r->prompt_tokens + 59) << "every token but the last is in the KV cache";
  EXPECT_EQ(r->decode_evals, 59) << "the rate printed counts the evaluations, not the tokens";
}

TEST_F(GenerateTest, SeedsReproduceAndGreedyIsDeterministic) {
  GenerateOptions options{.max_tokens = 24, .sampling = {.temperature = 1.0f, .seed = 11}};
  options.stop_at_eog = false;
  auto a = Generate(*NewSession(), Prompt("printer jam"), options);
  auto b = Generate(*NewSession(2), Prompt("printer jam"), options);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->tokens, b->tokens) << "same seed, same tokens, whatever the thread count";
  options.sampling.seed = 12;
  auto c = Generate(*NewSession(), Prompt("printer jam"), options);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->tokens, c->tokens);
}

TEST_F(GenerateTest, StopStringsEndGenerationAndAreNotShown) {
  // Find what greedy decoding produces, then stop at a piece of it.
  GenerateOptions options{.max_tokens = 40, .sampling = {.temperature = 0}};
  options.stop_at_eog = false;
  auto full = Generate(*NewSession(), Prompt("disk full"), options);
  ASSERT_TRUE(full.ok());
  ASSERT_GE(full->text.size(), 6u) << "greedy output too short to cut: " << full->text;
  // A stop string made of bytes from the middle of the output (valid UTF-8 by construction:
  // cut at character boundaries).
  size_t from = full->text.size() / 2;
  while (from > 0 && (static_cast<unsigned char>(full->text[from]) & 0xC0) == 0x80) --from;
  size_t to = from + 1;
  while (to < full->text.size() && (static_cast<unsigned char>(full->text[to]) & 0xC0) == 0x80) ++to;
  const std::string stop = full->text.substr(from, to - from);
  options.stop = {stop};
  std::string streamed;
  auto cut = Generate(*NewSession(), Prompt("disk full"), options, [&](std::string_view t) {
    streamed += t;
    return true;
  });
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->stop_reason, "stop");
  EXPECT_EQ(cut->text, full->text.substr(0, full->text.find(stop)));
  EXPECT_EQ(streamed, cut->text);
  // Cancelling from the callback stops at once.
  auto cancelled = Generate(*NewSession(), Prompt("disk full"), options, [](std::string_view) { return false; });
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->stop_reason, "cancelled");
}

TEST_F(GenerateTest, ContextLimitEndsGenerationCleanly) {
  auto s = Session::Create(*model_, {.n_ctx = 20, .n_threads = 1});
  ASSERT_TRUE(s.ok());
  GenerateOptions options{.max_tokens = 100, .sampling = {.temperature = 0}};
  options.stop_at_eog = false;
  auto r = Generate(**s, Prompt("abc"), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stop_reason, "context");
  EXPECT_EQ((*s)->n_past(), 20);
  // A prompt that does not fit is an error, and the session is unchanged.
  auto too_long = Generate(**s, Prompt(std::string(40, 'x')), options);
  EXPECT_FALSE(too_long.ok());
  EXPECT_EQ((*s)->n_past(), 20);
}

TEST_F(GenerateTest, OneModelServesSessionsOnSeveralThreads) {
  const std::vector<std::string> prompts = {"reset my password", "VPN error 809", "printer offline", "disk full"};
  GenerateOptions options{.max_tokens = 16, .sampling = {.temperature = 0.9f, .seed = 5}};
  options.stop_at_eog = false;
  std::vector<std::vector<int32_t>> alone(prompts.size()), together(prompts.size());
  for (size_t i = 0; i < prompts.size(); ++i) {
    auto r = Generate(*NewSession(), Prompt(prompts[i]), options);
    ASSERT_TRUE(r.ok());
    alone[i] = r->tokens;
  }
  std::vector<std::thread> threads;
  for (size_t i = 0; i < prompts.size(); ++i) {
    threads.emplace_back([&, i] {
      auto session = NewSession(2);
      auto r = Generate(*session, Prompt(prompts[i]), options);
      if (r.ok()) together[i] = r->tokens;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(alone, together);
}

TEST_F(GenerateTest, EmptyPromptIsRefused) {
  auto r = Generate(*NewSession(), std::vector<int32_t>(), {});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fl::lm
