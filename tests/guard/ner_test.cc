// The name tagger: CoNLL reading, training, decoding, the model file.
#include <stdlib.h>

#include <fstream>

#include <gtest/gtest.h>

#include "guard/guard.h"

namespace fl::guard {
namespace {

std::string TempPath(const std::string& name) {
  std::string tmpl = ::testing::TempDir() + "/fl_ner_test.XXXXXX";
  EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
  return tmpl + "/" + name;
}

// Small synthetic corpus: "<Name> <Surname> from <Org> in <City> called ."
std::vector<TaggedSentence> Corpus(int n, int offset) {
  const char* first[] = {"Maria", "Johan", "Priya", "Kenji", "Olga", "Pedro", "Aisha", "Lukas", "Mei", "Omar"};
  const char* last[] = {"Lopez", "Berg", "Sharma", "Tanaka", "Petrov", "Silva", "Khan", "Weber", "Chen", "Haddad"};
  const char* city[] = {"Berlin", "Lisbon", "Osaka", "Nairobi", "Toronto", "Krakow", "Lyon", "Cairo"};
  const char* org[] = {"Contoso", "Globex", "Initech", "Northwind", "Fabrikam"};
  const char* tech[] = {"Outlook", "VPN", "Teams", "Excel"};
  std::vector<TaggedSentence> out;
  for (int i = 0; i < n; ++i) {
    const int k = i + offset;
    TaggedSentence s = {{first[k % 10], "B-PERSON"}, {last[(k * 7) % 10], "I-PERSON"}, {"from", "O"},
                        {org[k % 5], "B-ORGANIZATION"},  {"in", "O"}, {city[(k * 3) % 8], "B-LOCATION"},
                        {"cannot", "O"}, {"open", "O"}, {tech[k % 4], "O"}, {".", "O"}};
    if (k % 3 == 0) s.insert(s.begin(), {{"Hi", "O"}, {",", "O"}});
    out.push_back(s);
  }
  return out;
}

TEST(NerTest, ReadsConllAndMapsTagSchemes) {
  const std::string path = TempPath("a.conll");
  std::ofstream(path) << "Maria\tB-person\nLopez\tI-person\nin\tO\nBerlin\tB-location\n\n"
                         "Acme B-corporation\nthe\tB-product\n";
  auto s = ReadConll(path);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0][1].second, "I-PERSON");
  EXPECT_EQ((*s)[0][3].second, "B-LOCATION");
  EXPECT_EQ((*s)[1][0].second, "B-ORGANIZATION");
  EXPECT_EQ((*s)[1][1].second, "O") << "types the tagger does not learn become O";
  std::ofstream(path) << "Maria\tB-PER\nnotag\n";
  auto bad = ReadConll(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(":2:"), std::string::npos) << bad.status().message();
}

TEST(NerTest, LearnsNamesAndGeneralisesToUnseenCombinations) {
  auto m = NerModel::Train(Corpus(300, 0), {.epochs = 5});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_GT(m->Accuracy(Corpus(50, 1000)), 0.97);
  const std::string text = "Hi, Kenji Weber from Globex in Lyon cannot open Teams.";
  const std::vector<Span> spans = m->Find(text);
  std::vector<std::pair<std::string, std::string>> got;
  for (const Span& s : spans) got.emplace_back(s.type, text.substr(s.start, s.end - s.start));
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {"PERSON", "Kenji Weber"}, {"ORGANIZATION", "Globex"}, {"LOCATION", "Lyon"}}));
}

TEST(NerTest, SaveLoadRoundTripAndCorruptFiles) {
  auto m = NerModel::Train(Corpus(100, 0), {.epochs = 3, .bucket_bits = 12});
  ASSERT_TRUE(m.ok());
  const std::string path = TempPath("m.flner");
  ASSERT_TRUE(m->Save(path).ok());
  auto back = NerModel::Load(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  const std::vector<std::string> toks = {"Maria", "Berg", "from", "Initech", "in", "Osaka", "."};
  EXPECT_EQ(back->TagTokens(toks), m->TagTokens(toks));
  // Flip one byte in the middle: the checksum catches it.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes[bytes.size() / 2] ^= 0x40;
  std::ofstream(path, std::ios::binary) << bytes;
  auto corrupt = NerModel::Load(path);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(corrupt.status().message().find(path), std::string::npos);
  std::ofstream(path, std::ios::binary) << "FLNER1\n";
  EXPECT_EQ(NerModel::Load(path).status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(NerModel::Load(path + ".missing").ok());
}

TEST(NerTest, TokensKeepAbbreviationPeriods) {
  const std::string text = "Dr. Anna O'Neil-Smith, T. Berg. ok";
  std::vector<std::string> toks;
  for (const auto& [s, e] : NerTokens(text)) toks.push_back(text.substr(s, e - s));
  EXPECT_EQ(toks, (std::vector<std::string>{"Dr.", "Anna", "O'Neil-Smith", ",", "T.", "Berg.", "ok"}));
}

}  // namespace
}  // namespace fl::guard
