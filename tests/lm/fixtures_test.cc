// The forward pass against llama.cpp's logits for the random-weight models in
// ../shared/lm-fixtures (its README gives the formats and the tolerances used here):
// the prompt's logits (full rows where stored, the top 5 and logsumexp everywhere) and
// 15 teacher-forced decode steps, for every file, with each kernel set this CPU runs.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lm/lm.h"

namespace fl::lm {
namespace {

using nlohmann::json;

const std::string kFixtures = std::string(FL_SOURCE_DIR) + "/../shared/lm-fixtures";

struct Case {
  std::string model;    // file stem
  std::string variant;  // bos / nobos
  float max_abs;        // limit on |Δlogit|
  bool quantised;       // rms and KL limits apply
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.model << "." << c.variant; }

std::vector<Case> Cases() {
  return {{"llama-spm-f16", "bos", 0.1f, false},       {"llama-spm-f16", "nobos", 0.1f, false},
          {"llama-spm-q8_0", "bos", 1.5f, true},       {"llama-spm-q8_0", "nobos", 1.5f, true},
          {"llama-spm-q4_0", "bos", 1.5f, true},       {"llama-spm-q4_0", "nobos", 1.5f, true},
          {"llama-spm-q4_k_m", "bos", 2.0f, true},     {"llama-spm-q4_k_m", "nobos", 2.0f, true},
          {"qwen2-q4_k_m", "nobos", 2.0f, true}};
}

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

double LogSumExp(const float* x, int n) {
  double max = x[0];
  for (int i = 1; i < n; ++i) max = std::max<double>(max, x[i]);
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += std::exp(x[i] - max);
  return max + std::log(sum);
}

// Compares our logits row with llama.cpp's stored top 5 and logsumexp: each top-5 logit
// and the logsumexp within the limit; the argmax where the stored margin is clear.
void CheckTop5(const float* ours, int n_vocab, const json& top5, double ref_lse, float limit, const std::string& where,
               double* worst) {
  for (const json& pair : top5) {
    const int id = pair[0].get<int>();
    const double d = std::fabs(ours[id] - pair[1].get<double>());
    *worst = std::max(*worst, d);
    EXPECT_LE(d, limit) << where << ": logit of id " << id;
  }
  const double d_lse = std::fabs(LogSumExp(ours, n_vocab) - ref_lse);
  *worst = std::max(*worst, d_lse);
  EXPECT_LE(d_lse, limit) << where << ": logsumexp";
  const double margin = top5[0][1].get<double>() - top5[1][1].get<double>();
  if (margin > 2 * limit) {
    int best = 0;
    for (int i = 1; i < n_vocab; ++i) {
      if (ours[i] > ours[best]) best = i;
    }
    EXPECT_EQ(best, top5[0][0].get<int>()) << where << ": argmax (stored margin " << margin << ")";
  }
}

class FixtureTest : public ::testing::TestWithParam<std::tuple<Case, std::string>> {};

TEST_P(FixtureTest, MatchesLlamaCpp) {
  const auto& [c, kernel_set] = GetParam();
  if (!std::filesystem::exists(kFixtures)) GTEST_SKIP() << "no " << kFixtures << ": llama.cpp comparison skipped";
  bool available = false;
  for (const std::string& k : AvailableKernels()) available |= k == kernel_set;
  if (!available) GTEST_SKIP() << "kernel set " << kernel_set << " does not run on this CPU";

  const std::string stem = kFixtures + "/" + c.model;
  auto model = Model::Load(stem + ".gguf");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const json prompt = ReadJson(stem + "." + c.variant + ".prompt.json");
  const json greedy = ReadJson(stem + "." + c.variant + ".greedy.json");
  const int n_vocab = prompt["n_vocab"].get<int>();
  ASSERT_EQ((*model)->config().n_vocab, n_vocab);

  auto session = Session::Create(*model, {.n_ctx = 512, .n_threads = 2, .kernels = kernel_set});
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const std::vector<int32_t> ids = prompt["ids"].get<std::vector<int32_t>>();
  ASSERT_TRUE((*session)->Eval(ids, /*all_logits=*/true).ok());

  // Full rows: max |Δ|, rms and the mean KL(llama.cpp || ours).
  const std::vector<int> positions = prompt["logits_positions"].get<std::vector<int>>();
  std::vector<float> ref(static_cast<size_t>(positions.size()) * n_vocab);
  {
    std::ifstream in(kFixtures + "/" + prompt["logits_file"].get<std::string>(), std::ios::binary);
    in.read(reinterpret_cast<char*>(ref.data()), static_cast<std::streamsize>(ref.size() * 4));
    ASSERT_TRUE(in.good()) << "short logits file";
  }
  double max_abs = 0, sum_sq = 0, kl_sum = 0;
  for (size_t r = 0; r < positions.size(); ++r) {
    const float* ours = (*session)->logits(positions[r]);
    const float* theirs = ref.data() + r * n_vocab;
    const double lse_ours = LogSumExp(ours, n_vocab), lse_theirs = LogSumExp(theirs, n_vocab);
    double kl = 0;
    for (int i = 0; i < n_vocab; ++i) {
      const double d = static_cast<double>(ours[i]) - theirs[i];
      max_abs = std::max(max_abs, std::fabs(d));
      sum_sq += d * d;
      const double lp = theirs[i] - lse_theirs, lq = ours[i] - lse_ours;
      kl += std::exp(lp) * (lp - lq);
    }
    kl_sum += kl;
  }
  const double rms = std::sqrt(sum_sq / ref.size());
  const double mean_kl = kl_sum / positions.size();
  std::printf("%s.%s [%s]: prompt rows max|d| %.4f rms %.4f mean KL %.2e\n", c.model.c_str(), c.variant.c_str(),
              kernel_set.c_str(), max_abs, rms, mean_kl);
  EXPECT_LE(max_abs, c.max_abs);
  if (c.quantised) {
    EXPECT_LE(rms, 0.3);
    EXPECT_LE(mean_kl, 0.02);
  }

  // Every prompt position: top 5 and logsumexp.
  double worst = 0;
  const json& top5 = prompt["top5_per_position"];
  const json& lse = prompt["logsumexp_per_position"];
  for (size_t p = 0; p < ids.size(); ++p) {
    CheckTop5((*session)->logits(static_cast<int>(p)), n_vocab, top5[p], lse[p].get<double>(), c.max_abs,
              "position " + std::to_string(p), &worst);
  }
  // Teacher-forced decode: feed the stored tokens one at a time.
  const std::vector<int32_t> tokens = greedy["tokens"].get<std::vector<int32_t>>();
  for (size_t i = 1; i < tokens.size(); ++i) {
    const int32_t id = tokens[i - 1];
    ASSERT_TRUE((*session)->Eval(std::span<const int32_t>(&id, 1)).ok());
    CheckTop5((*session)->logits(0), n_vocab, greedy["top5_per_step"][i], greedy["logsumexp_per_step"][i].get<double>(),
              c.max_abs, "decode step " + std::to_string(i), &worst);
  }
  std::printf("%s.%s [%s]: top-5 / logsumexp over prompt and 15 decode steps max|d| %.4f\n", c.model.c_str(),
              c.variant.c_str(), kernel_set.c_str(), worst);
}

std::string Name(const ::testing::TestParamInfo<FixtureTest::ParamType>& info) {
  std::string name = std::get<0>(info.param).model + "_" + std::get<0>(info.param).variant + "_" + std::get<1>(info.param);
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(LmFixtures, FixtureTest,
                         ::testing::Combine(::testing::ValuesIn(Cases()), ::testing::Values("scalar", "avx2", "avx512", "amx")),
                         Name);

}  // namespace
}  // namespace fl::lm
