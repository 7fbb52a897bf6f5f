// Model training, prediction, save/load and corruption handling, on a small synthetic
// corpus built here.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "classify/classify.h"

namespace fl::classify {
namespace {

// Four topics with overlapping vocabulary; each text draws mostly from its topic's words
// and partly from shared filler and other topics, so the task is learnable but not trivial.
struct Corpus {
  std::vector<std::string> texts;
  FieldData field;
};

Corpus MakeCorpus(int n, uint64_t seed) {
  const std::vector<std::vector<std::string>> topic_words = {
      {"vpn", "tunnel", "anyconnect", "remote", "disconnect", "gateway"},
      {"printer", "toner", "paper", "jam", "print", "queue"},
      {"password", "reset", "expired", "login", "locked", "account"},
      {"laptop", "screen", "battery", "keyboard", "dock", "charger"}};
  const std::vector<std::string> filler = {"please", "help", "the", "my", "is", "not",
                                           "working", "since", "today", "urgent", "hi", "thanks"};
  std::mt19937_64 rng(seed);
  Corpus c;
  c.field.name = "category";
  c.field.labels = {"vpn", "printer", "password", "hardware"};
  for (int i = 0; i < n; ++i) {
    const int y = static_cast<int>(rng() % 4);
    std::string t;
    const int len = 6 + static_cast<int>(rng() % 8);
    for (int w = 0; w < len; ++w) {
      const int r = static_cast<int>(rng() % 10);
      const std::vector<std::string>& pool =
          r < 4 ? topic_words[y] : r < 8 ? filler : topic_words[rng() % 4];
      t += pool[rng() % pool.size()] + " ";
    }
    c.texts.push_back(t);
    c.field.y.push_back(y);
  }
  return c;
}

double Accuracy(const Model& m, const Corpus& c) {
  int ok = 0;
  for (size_t i = 0; i < c.texts.size(); ++i) {
    const auto p = m.PredictProba(c.texts[i]);
    ok += TopK(p, 1)[0].first == c.field.y[i];
  }
  return static_cast<double>(ok) / c.texts.size();
}

TrainOptions SmallOptions(Algorithm a) {
  TrainOptions o;
  o.algorithm = a;
  o.threads = 1;
  o.seed = 7;
  o.dim = 16;
  o.epochs = 10;
  return o;
}

class ModelTest : public testing::TestWithParam<Algorithm> {};

TEST_P(ModelTest, LearnsAndGeneralises) {
  const Corpus train = MakeCorpus(800, 1), test = MakeCorpus(400, 2);
  auto m = Model::Train(train.texts, {train.field}, SmallOptions(GetParam()));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // A model that ignores its input gets ~0.25; the topic words make ~0.9 reachable.
  EXPECT_GT(Accuracy(*m, test), 0.8);
  const auto p = m->PredictProba("my vpn tunnel keeps disconnecting from the gateway");
  EXPECT_EQ(TopK(p, 1)[0].first, 0);
  double sum = 0;
  for (float v : p) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-5);
  EXPECT_GT(m->temperature(0), 0.f);
}

TEST_P(ModelTest, DeterministicWithOneThread) {
  const Corpus train = MakeCorpus(300, 3);
  auto a = Model::Train(train.texts, {train.field}, SmallOptions(GetParam()));
  auto b = Model::Train(train.texts, {train.field}, SmallOptions(GetParam()));
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string probe = "printer jam paper please help";
  EXPECT_EQ(a->PredictProba(probe), b->PredictProba(probe));
}

TEST_P(ModelTest, SaveLoadRoundTrip) {
  const Corpus train = MakeCorpus(300, 4);
  auto m = Model::Train(train.texts, {train.field}, SmallOptions(GetParam()));
  ASSERT_TRUE(m.ok());
  const std::string path = testing::TempDir() + "/fl_model_roundtrip.flm";
  ASSERT_TRUE(m->Save(path).ok());
  auto loaded = Model::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->labels(0), m->labels(0));
  EXPECT_EQ(loaded->field_name(0), "category");
  EXPECT_FLOAT_EQ(loaded->temperature(0), m->temperature(0));
  for (const char* t : {"reset my expired password", "battery dead", "", "zzz unknown"}) {
    EXPECT_EQ(loaded->PredictProba(t), m->PredictProba(t)) << t;
  }
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Algorithms, ModelTest,
                         testing::Values(Algorithm::kSvm, Algorithm::kFastText,
                                         Algorithm::kEnsemble),
                         [](const auto& info) { return std::string(AlgorithmName(info.param)); });

TEST(ModelFileTest, RefusesCorruptTruncatedAndForeignFiles) {
  const Corpus train = MakeCorpus(200, 5);
  auto m = Model::Train(train.texts, {train.field}, SmallOptions(Algorithm::kSvm));
  ASSERT_TRUE(m.ok());
  const std::string path = testing::TempDir() + "/fl_model_corrupt.flm";
  ASSERT_TRUE(m->Save(path).ok());
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  auto write = [&](const std::string& data) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  };
  // One flipped byte in the weights.
  std::string flipped = *bytes;
  flipped[flipped.size() / 2] ^= 0x5a;
  write(flipped);
  auto r = Model::Load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  // Truncated at several points.
  for (size_t keep : {size_t{0}, size_t{7}, size_t{20}, bytes->size() / 3, bytes->size() - 1}) {
    write(bytes->substr(0, keep));
    auto t = Model::Load(path);
    EXPECT_FALSE(t.ok()) << "kept " << keep;
  }
  // Foreign file.
  write("ticket_id,subject\n1,printer on fire\n");
  auto f = Model::Load(path);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("not a frontline model"), std::string::npos);
  std::remove(path.c_str());
}

TEST(ModelTrainTest, RejectsBadInput) {
  FieldData one_label{"category", {"only"}, {0, 0}};
  EXPECT_EQ(Model::Train({"a", "b"}, {one_label}, {}).status().code(), StatusCode::kInvalidArgument);
  FieldData mismatched{"category", {"x", "y"}, {0}};
  EXPECT_FALSE(Model::Train({"a", "b"}, {mismatched}, {}).ok());
  EXPECT_FALSE(Model::Train({}, {}, {}).ok());
}

TEST(ModelTrainTest, SeveralHeads) {
  Corpus c = MakeCorpus(400, 6);
  FieldData urgent{"urgent", {"no", "yes"}, {}};
  for (const std::string& t : c.texts) urgent.y.push_back(t.find("urgent") != std::string::npos);
  auto m = Model::Train(c.texts, {c.field, urgent}, SmallOptions(Algorithm::kSvm));
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->num_fields(), 2);
  EXPECT_EQ(m->FindField("urgent"), 1);
  const auto all = m->PredictAllFields("urgent printer toner jam");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(TopK(all[1], 1)[0].first, 1);
  EXPECT_EQ(TopK(all[0], 1)[0].first, 1);
}

TEST(CalibrationTest, TemperatureReducesEceOfOverconfidentScores) {
  // Scores that always put the top class far ahead, though it is right only ~70% of the
  // time: softmax at T=1 is over-confident; the fitted T must lower the ECE.
  std::mt19937_64 rng(11);
  std::vector<std::vector<float>> scores;
  std::vector<int> y;
  for (int i = 0; i < 2000; ++i) {
    std::vector<float> s(5, 0.f);
    const int top = static_cast<int>(rng() % 5);
    s[top] = 8.0f + static_cast<float>(rng() % 100) / 50.f;
    const bool right = rng() % 10 < 7;
    scores.push_back(s);
    y.push_back(right ? top : (top + 1 + static_cast<int>(rng() % 4)) % 5);
  }
  auto ece_at = [&](float t) {
    std::vector<float> conf;
    std::vector<bool> correct;
    for (size_t i = 0; i < scores.size(); ++i) {
      std::vector<float> p = scores[i];
      SoftmaxInPlace(&p, t);
      const auto top = TopK(p, 1)[0];
      conf.push_back(top.second);
      correct.push_back(top.first == y[i]);
    }
    return ExpectedCalibrationError(conf, correct);
  };
  const float t = FitTemperature(scores, y);
  EXPECT_GT(t, 1.0f);
  EXPECT_GT(ece_at(1.0f), 0.2);
  EXPECT_LT(ece_at(t), 0.05);
}

}  // namespace
}  // namespace fl::classify
