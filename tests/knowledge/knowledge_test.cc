// Analysis, BM25F scoring against hand-computed values, the index file, ingestion.
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "knowledge/knowledge.h"
#include "text/temp_dir.h"

namespace fl::knowledge {
namespace {

TEST(AnalyzeTest, PorterStemmerReferenceCases) {
  // From Porter's paper and the reference vocabulary.
  const std::pair<const char*, const char*> cases[] = {
      {"caresses", "caress"}, {"ponies", "poni"},      {"ties", "ti"},         {"caress", "caress"},
      {"cats", "cat"},        {"feed", "feed"},        {"agreed", "agre"},     {"plastered", "plaster"},
      {"bled", "bled"},       {"motoring", "motor"},   {"sing", "sing"},       {"conflated", "conflat"},
      {"troubled", "troubl"}, {"sized", "size"},       {"hopping", "hop"},     {"tanned", "tan"},
      {"falling", "fall"},    {"hissing", "hiss"},     {"fizzed", "fizz"},     {"failing", "fail"},
      {"filing", "file"},     {"happy", "happi"},      {"sky", "sky"},         {"relational", "relat"},
      {"conditional", "condit"}, {"rational", "ration"}, {"valenci", "valenc"}, {"digitizer", "digit"},
      {"conformabli", "conform"}, {"radicalli", "radic"}, {"differentli", "differ"}, {"vileli", "vile"},
      {"analogousli", "analog"}, {"vietnamization", "vietnam"}, {"predication", "predic"}, {"operator", "oper"},
      {"feudalism", "feudal"}, {"decisiveness", "decis"}, {"hopefulness", "hope"}, {"callousness", "callous"},
      {"formaliti", "formal"}, {"sensitiviti", "sensit"}, {"sensibiliti", "sensibl"}, {"triplicate", "triplic"},
      {"formative", "form"},  {"formalize", "formal"}, {"electriciti", "electr"}, {"electrical", "electr"},
      {"hopeful", "hope"},    {"goodness", "good"},    {"revival", "reviv"},   {"allowance", "allow"},
      {"inference", "infer"}, {"airliner", "airlin"},  {"gyroscopic", "gyroscop"}, {"adjustable", "adjust"},
      {"defensible", "defens"}, {"irritant", "irrit"}, {"replacement", "replac"}, {"adjustment", "adjust"},
      {"dependent", "depend"}, {"adoption", "adopt"},  {"homologou", "homolog"}, {"communism", "commun"},
      {"activate", "activ"},  {"angulariti", "angular"}, {"homologous", "homolog"}, {"effective", "effect"},
      {"bowdlerize", "bowdler"}, {"probate", "probat"}, {"rate", "rate"},      {"cease", "ceas"},
      {"controll", "control"}, {"roll", "roll"},       {"generalizations", "gener"}, {"oscillators", "oscil"},
  };
  for (const auto& [word, stem] : cases) EXPECT_EQ(PorterStem(word), stem) << word;
  EXPECT_EQ(PorterStem("0x80070005"), "0x80070005") << "non-letters are left alone";
}

TEST(AnalyzeTest, StopWordsStemsAndTechnicalTokens) {
  EXPECT_EQ(Analyze("How do I connect to the VPN? Connecting fails with ERR_CONNECTION_RESET"),
            (std::vector<std::string>{"connect", "vpn", "connect", "fail", "err_connection_reset"}));
  EXPECT_EQ(Analyze("the printers", {.stem = false, .stopwords = false}),
            (std::vector<std::string>{"the", "printers"}));
}

TEST(IndexTest, Bm25ScoresMatchHandComputedValues) {
  // Body only (title/heading weights 0), no stemming or stop words: classic BM25.
  IndexOptions o;
  o.k1 = 1.2;
  o.b = 0.75;
  o.weights = {0, 0, 1};
  o.analyzer = {.stem = false, .stopwords = false};
  Index index = Index::Build({{"a", "", "", "", "vpn vpn error"}, {"b", "", "", "", "printer error"}, {"c", "", "", "", "vpn"}}, o);
  const auto hits = index.Search("vpn", 3);
  ASSERT_EQ(hits.size(), 2u);
  // N = 3, df(vpn) = 2: idf = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6).
  // avgdl = (3 + 2 + 1) / 3 = 2. Doc a: tf 2, dl 3 -> norm = 0.25 + 0.75 * 1.5 = 1.375;
  // tf' = 2 / 1.375; score = idf * tf' / (1.2 + tf'). Doc c: tf 1, dl 1 -> norm 0.625.
  const double idf = std::log(1.6);
  const double ta = 2 / 1.375, tc = 1 / 0.625;
  const double sa = idf * ta / (1.2 + ta), sc = idf * tc / (1.2 + tc);
  EXPECT_NEAR(hits[0].score, std::max(sa, sc), 1e-9);
  EXPECT_NEAR(hits[1].score, std::min(sa, sc), 1e-9);
  EXPECT_EQ(index.document(hits[0].doc).id, sc > sa ? "c" : "a");
  EXPECT_TRUE(index.Search("kubernetes", 3).empty());
}

TEST(IndexTest, TitleWeightLiftsTitleMatches) {
  Index index = Index::Build({{"body", "", "Printers", "", "the vpn client needs a reboot after the update"},
                              {"title", "", "VPN client", "", "reboot after the update"}},
                             {});
  const auto hits = index.Search("vpn", 2);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(index.document(hits[0].doc).id, "title");
}

TEST(IndexTest, SaveLoadRoundTripAndCorruption) {
  const testing::TempDir tmp;
  const std::string dir = tmp.path();
  Index index = Index::Build({{"a.md", "", "VPN", "Setup > Windows", "Install AnyConnect and log in."},
                              {"b.md", "", "Printer", "", "Clear the jam on floor 3."}},
                             {});
  ASSERT_TRUE(index.Save(dir).ok());
  auto back = Index::Load(dir);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->live_documents(), 2);
  EXPECT_EQ(back->document(0).headings, "Setup > Windows");
  const auto h1 = index.Search("anyconnect login", 2), h2 = back->Search("anyconnect login", 2);
  ASSERT_EQ(h1.size(), h2.size());
  EXPECT_DOUBLE_EQ(h1[0].score, h2[0].score);
  // Corrupt a byte: refused with the path.
  const std::string path = dir + "/seg-000001.fls";
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes[bytes.size() / 2] ^= 0x01;
  std::ofstream(path, std::ios::binary) << bytes;
  auto corrupt = Index::Load(dir);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(corrupt.status().message().find(path), std::string::npos);
  EXPECT_FALSE(Index::Load(dir + "/nothing").ok());
}

TEST(SnippetTest, HighlightsTheDensestWindow) {
  const std::string body = "Intro text that says nothing. " + std::string(300, 'x') +
                           " Then: restart the VPN client and log in to the VPN again.";
  const std::string s = Snippet(body, Analyze("vpn login"), {}, 80);
  EXPECT_NE(s.find("[VPN]"), std::string::npos) << s;
  EXPECT_EQ(s.rfind("…", 0), 0u) << "cut at the start: " << s;
  EXPECT_EQ(Snippet("", {"vpn"}, {}), "");
}

TEST(LoadTest, MarkdownHtmlTextAndTickets) {
  const testing::TempDir tmp;
  const std::string dir = tmp.path();
  std::filesystem::create_directories(dir + "/kb/sub");
  std::ofstream(dir + "/kb/vpn.md") << "# VPN\nIntro.\n## Setup\n### Windows\nInstall it.\n## Errors\nError 809.\n";
  std::ofstream(dir + "/kb/sub/printer.html")
      << "<html><head><title>Printers</title><style>p{}</style></head><body><h2>Jams</h2><p>Open tray &amp; "
         "pull.</p></body></html>";
  std::ofstream(dir + "/kb/notes.txt") << "First paragraph.\n\nSecond paragraph.\n";
  std::ofstream(dir + "/kb/logo.png") << "binary";
  std::ofstream(dir + "/tickets.csv") << "id,subject,body,resolution\nT1,VPN down,cannot connect,Reset token\n";
  int64_t skipped = 0;
  auto docs = LoadDocuments({dir + "/kb", dir + "/tickets.csv"}, {}, &skipped);
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  EXPECT_EQ(skipped, 1);
  std::map<std::string, Document> by_id;
  for (const Document& d : *docs) by_id[d.id] = d;
  ASSERT_TRUE(by_id.count("vpn.md#2")) << "chunks per heading";
  EXPECT_EQ(by_id["vpn.md#2"].title, "VPN");
  EXPECT_EQ(by_id["vpn.md#2"].headings, "Setup > Windows");
  EXPECT_NE(by_id["vpn.md#2"].body.find("Install it."), std::string::npos);
  ASSERT_TRUE(by_id.count("sub/printer.html"));
  EXPECT_EQ(by_id["sub/printer.html"].title, "Printers");
  EXPECT_EQ(by_id["sub/printer.html"].headings, "Jams");
  EXPECT_NE(by_id["sub/printer.html"].body.find("Open tray & pull."), std::string::npos);
  ASSERT_TRUE(by_id.count("notes.txt"));
  ASSERT_TRUE(by_id.count("T1"));
  EXPECT_EQ(by_id["T1"].title, "VPN down");
  EXPECT_NE(by_id["T1"].body.find("Resolution: Reset token"), std::string::npos);
  EXPECT_EQ(LoadDocuments({dir + "/missing"}, {}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace fl::knowledge
