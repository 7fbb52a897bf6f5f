// frontline tokenize and frontline model info in the contract's forms.
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/shell.h"

namespace {

using fl::testing::Sh;

TEST(LmCliTest, TokenizeAndModelInfo) {
  const std::string vocab = FL_SHARED_DATA "/tokenizer-vectors/ggml-vocab-qwen2.gguf";
  if (!std::filesystem::exists(vocab)) GTEST_SKIP() << "shared tokenizer vectors not found (" << vocab << ")";
  std::string tmpl = ::testing::TempDir() + "/fl_lm_cli.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  // Stdin is one text, bytes as given (a trailing newline is part of it).
  std::ofstream(tmpl + "/in.txt", std::ios::binary) << "Hello world\n";
  auto r = Sh(std::string(FL_BINARY) + " tokenize --model " + vocab + " --ids --no-bos < " + tmpl + "/in.txt");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "9707 1879 198\n");
  r = Sh(std::string(FL_BINARY) + " model info " + vocab + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["architecture"], "llama");
  EXPECT_EQ(j["tensor_count"], 0);
  EXPECT_EQ(j["tokenizer"]["model"], "gpt2");
  EXPECT_EQ(j["tokenizer"]["pre"], "qwen2");
  EXPECT_EQ(j["tokenizer"]["vocab_size"], 151936);
  EXPECT_TRUE(j["metadata"]["tokenizer.ggml.tokens"].is_string()) << "long arrays are summarised";
  // A file that is not GGUF is refused with its name.
  r = Sh(std::string(FL_BINARY) + " model info " + tmpl + "/in.txt", true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("in.txt"), std::string::npos) << r.out;
}

}  // namespace
