// Tokenizers: the reference vectors of 12 real vocabularies (skipped with a message when
// ../shared/data is absent), and tiny vocabularies built here for the unit cases.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "lm/lm.h"

namespace fl::lm {
namespace {

const char* kVocabs[] = {"bert-bge", "deepseek-coder", "deepseek-llm", "falcon", "gpt-2",  "llama-spm",
                         "llama-bpe", "mpt",           "phi-3",        "qwen2",  "refact", "starcoder"};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class VectorsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(VectorsTest, EveryReferenceCasePasses) {
  const std::string base = std::string(FL_SHARED_DATA "/tokenizer-vectors/ggml-vocab-") + GetParam() + ".gguf";
  auto file = GgufFile::Open(base);
  if (!file.ok() && file.status().code() == StatusCode::kNotFound) {
    GTEST_SKIP() << "shared tokenizer vectors not found (" << base << ")";
  }
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto tok = Tokenizer::FromGguf(*file);
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  const std::string inp = Slurp(base + ".inp"), out = Slurp(base + ".out");
  std::vector<std::string> cases;
  const std::string sep = "\n__ggml_vocab_test__\n";
  for (size_t at = 0;;) {
    const size_t next = inp.find(sep, at);
    if (next == std::string::npos) break;
    cases.push_back(inp.substr(at, next - at));
    at = next + sep.size();
  }
  std::istringstream lines(out);
  std::string line;
  int n = 0, failed = 0;
  for (const std::string& text : cases) {
    ASSERT_TRUE(std::getline(lines, line)) << "fewer expected lines than cases";
    std::vector<int32_t> want;
    std::istringstream ids(line);
    for (int32_t id; ids >> id;) want.push_back(id);
    const std::vector<int32_t> got = tok->Encode(text, {.add_special = false, .parse_special = false});
    ++n;
    if (got != want) {
      ++failed;
      std::string g, w;
      for (int32_t id : got) g += " " + std::to_string(id);
      for (int32_t id : want) w += " " + std::to_string(id);
      ADD_FAILURE() << GetParam() << " case " << n << " '" << text << "'\n  got: " << g << "\n want:" << w;
    }
  }
  EXPECT_EQ(n, 46);
  EXPECT_EQ(failed, 0) << GetParam() << ": " << failed << " of " << n << " cases differ";
}

INSTANTIATE_TEST_SUITE_P(Vocabs, VectorsTest, ::testing::ValuesIn(kVocabs),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace fl::lm
