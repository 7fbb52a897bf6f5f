// Model training, prediction, save/load and corruption handling, on a small synthetic
// corpus built here.
#include <cmath>
#include <cstring>
#include <functional>
#include <cstdio>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

// Rewrites a saved model's JSON header with edit() and a valid checksum: what a crafted
// file looks like. The loader must still refuse settings that would misbehave.
std::string WithEditedHeader(const std::string& image,
                             const std::function<void(nlohmann::json*)>& edit) {
  uint32_t len;
  std::memcpy(&len, image.data() + 12, 4);
  const size_t data_start = (16 + len + 63) / 64 * 64;
  nlohmann::json header = nlohmann::json::parse(image.substr(16, len));
  edit(&header);
  const std::string h = header.dump();
  std::string out = image.substr(0, 12);
  const uint32_t new_len = static_cast<uint32_t>(h.size());
  out.append(reinterpret_cast<const char*>(&new_len), 4);
  out += h;
  out.resize((out.size() + 63) / 64 * 64, '\0');
  out += image.substr(data_start, image.size() - 8 - data_start);
  const uint64_t sum = Hash64(out);
  out.append(reinterpret_cast<const char*>(&sum), 8);
  return out;
}

TEST(ModelFileTest, RefusesCraftedHeaders) {
  const Corpus train = MakeCorpus(200, 8);
  auto m = Model::Train(train.texts, {train.field}, SmallOptions(Algorithm::kEnsemble));
  ASSERT_TRUE(m.ok());
  const std::string path = testing::TempDir() + "/fl_model_crafted.flm";
  ASSERT_TRUE(m->Save(path).ok());
  const std::string image = *ReadFile(path);
  // The untouched rewrite loads: the helper itself is right.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << WithEditedHeader(image, [](nlohmann::json*) {});
  ASSERT_TRUE(Model::Load(path).ok());
  const std::vector<std::function<void(nlohmann::json*)>> edits = {
      [](nlohmann::json* h) { (*h)["features"]["char_min"] = -1; },
      [](nlohmann::json* h) { (*h)["features"]["word_ngrams"] = 1000; },
      [](nlohmann::json* h) { (*h)["features"]["n_features"] = 1ULL << 40; },
      [](nlohmann::json* h) { (*h)["heads"][0]["labels"] = {"only"}; },
      [](nlohmann::json* h) { (*h)["heads"][0]["temperature"] = -2; },
      [](nlohmann::json* h) { (*h)["heads"][0]["dim"] = "fifty"; },
      [](nlohmann::json* h) { (*h)["sections"][0]["offset"] = 1ULL << 50; },
      [](nlohmann::json* h) { (*h)["sections"][0]["size"] = 3; },
      [](nlohmann::json* h) { h->erase("heads"); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << WithEditedHeader(image, edits[i]);
    auto r = Model::Load(path);
    EXPECT_FALSE(r.ok()) << "edit " << i << " was accepted";
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find(path), std::string::npos);
    }
  }
  std::remove(path.c_str());
}

TEST(ModelTrainTest, RejectsBadOptions) {
  const Corpus train = MakeCorpus(100, 9);
  for (auto change : std::vector<std::function<void(TrainOptions*)>>{
           [](TrainOptions* o) { o->dim = 0; }, [](TrainOptions* o) { o->svm_c = 0; },
           [](TrainOptions* o) { o->char_min = -1; }, [](TrainOptions* o) { o->lr = -1; },
           [](TrainOptions* o) { o->word_ngrams = 0; }}) {
    TrainOptions o = SmallOptions(Algorithm::kSvm);
    change(&o);
    auto m = Model::Train(train.texts, {train.field}, o);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  }
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
