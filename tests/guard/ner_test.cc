// The name tagger: CoNLL reading, training, decoding, the model file.
#include <stdlib.h>

#include <cctype>
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

// A guard whose name tagger was trained on Corpus: it finds "Kenji Weber" in sentences
// shaped like the corpus's.
Result<Guard> GuardWithTagger() {
  auto m = NerModel::Train(Corpus(300, 0), {.epochs = 5});
  if (!m.ok()) return m.status();
  const std::string path = TempPath("tagger.flner");
  FL_RETURN_IF_ERROR(m->Save(path));
  return Guard::Create({.ner_model = path});
}

// A person's name just before a number that ends the phrase is a phone cue of its own
// ("Kenji Weber, 4515986."); the same number after a word that is not a name or followed
// by more words, or a dotted version or a date after the name, is not a phone.
TEST(NerTest, ANameJustBeforeANumberCuesAPhone) {
  auto g = GuardWithTagger();
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  auto phones = [&](const std::string& text) {
    std::vector<Span> spans;
    EXPECT_TRUE(g->Find(text, &spans).ok());
    std::vector<std::string> out;
    for (const Span& s : spans)
      if (s.type == "PHONE") out.push_back(text.substr(s.start, s.end - s.start));
    return out;
  };
  // The letter frame's name (a greeting) and the tagger's.
  EXPECT_EQ(phones("Hello Kenji Weber, 4515986. Teams cannot open."), std::vector<std::string>{"4515986"});
  EXPECT_EQ(phones("Hi, Kenji Weber on 724123456, cannot open Teams."), std::vector<std::string>{"724123456"});
  EXPECT_TRUE(phones("Hi, Teams 4515986. Teams cannot open.").empty());
  EXPECT_TRUE(phones("Hello Kenji Weber, 4515986 Fourth Avenue.").empty());
  EXPECT_TRUE(phones("Hi, Kenji Weber 10.0.19045, cannot open Teams.").empty());
  EXPECT_TRUE(phones("Hi, Kenji Weber 2023 04 05, cannot open Teams.").empty());
}

// A name the tagger finds in a street address is the street's: a place; in a company's
// name, the company's.
TEST(NerTest, NamesInStreetAddressesAndCompaniesAreNotPeople) {
  auto g = GuardWithTagger();
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  // The type of the finding that covers `name` in `text`.
  auto typed = [&](const std::string& text, const std::string& name) {
    std::vector<Span> spans;
    EXPECT_TRUE(g->Find(text, &spans).ok());
    const size_t at = text.find(name);
    for (const Span& s : spans)
      if (s.start <= at && at + name.size() <= s.end) return s.type;
    return std::string("none");
  };
  EXPECT_EQ(typed("Hi, Kenji Weber from Globex in Lyon cannot open Teams.", "Kenji Weber"), "PERSON");
  EXPECT_EQ(typed("Send it to Rua Kenji Weber from Globex.", "Kenji Weber"), "LOCATION");
  EXPECT_EQ(typed("Send it to 7534 Kenji Weber from Globex.", "Kenji Weber"), "LOCATION");
  // And one followed by a company word, or by more names ending with one, is a company's.
  EXPECT_EQ(typed("Hi, Kenji Weber and Partners from Globex in Lyon cannot open Teams.", "Kenji"), "ORGANIZATION");
  EXPECT_EQ(typed("Hi, Kenji Weber and Mei from Globex in Lyon cannot open Teams.", "Kenji"), "PERSON");
  EXPECT_EQ(typed("Hi, Kenji Weber & Mei from Globex in Lyon cannot open Teams.", "Kenji"), "PERSON");
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

std::vector<std::pair<std::string, std::string>> Found(const NerModel& m, const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Span& s : m.Find(text)) out.emplace_back(s.type, text.substr(s.start, s.end - s.start));
  return out;
}

Gazetteer TestGazetteer() {
  const std::string path = TempPath("names.tsv");
  std::ofstream(path) << "# lists\nfirst\tMaria\nfirst\tIngrid\nfirst\tKenji\nlast\tLindqvist\nlast\tWeber\n"
                         "location\tSanta Fe de Bogota\nword\twill\nword\tcannot\nfirst\tMark\nword\tmark\n";
  auto g = ReadGazetteer(path);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return g.ok() ? *g : Gazetteer{};
}

TEST(NerTest, ReadsGazetteerAndRejectsUnknownLists) {
  const Gazetteer g = TestGazetteer();
  EXPECT_EQ(g.words.at("maria"), Gazetteer::kFirst);
  EXPECT_EQ(g.words.at("bogota"), Gazetteer::kLocation);
  EXPECT_EQ(g.words.count("de"), 0u) << "short words of a multi-word entry carry nothing";
  EXPECT_EQ(g.words.at("will"), Gazetteer::kWord);
  const std::string path = TempPath("bad.tsv");
  std::ofstream(path) << "first\tAnna\ncolour\tred\n";
  auto bad = ReadGazetteer(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(":2:"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("colour"), std::string::npos) << bad.status().message();
  std::ofstream(path) << "first Anna\n";
  EXPECT_FALSE(ReadGazetteer(path).ok()) << "a line without a tab";
}

// The corpus never shows "Ingrid" or "Lindqvist"; the gazetteer, stored in the model,
// lets the tagger find them, in capitals or (being on a name list and not a common word)
// in lower case, and survives a save and load.
TEST(NerTest, GazetteerFindsNamesTheTrainingDataLacks) {
  NerTrainOptions options{.epochs = 5};
  options.gazetteer = TestGazetteer();
  options.gazetteer_dropout = 0.3;
  std::vector<TaggedSentence> data = Corpus(300, 0);
  for (int i = 0; i < 30; ++i) {  // some text is typed in lower case, as gen_ner.py writes
    TaggedSentence s = data[i];
    for (auto& [token, tag] : s) {
      for (char& c : token) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    data.push_back(s);
  }
  auto m = NerModel::Train(data, options);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(Found(*m, "Hi, Ingrid Lindqvist from Globex in Lyon cannot open Teams."),
            (Pairs{{"PERSON", "Ingrid Lindqvist"}, {"ORGANIZATION", "Globex"}, {"LOCATION", "Lyon"}}));
  const Pairs lower = Found(*m, "hi, ingrid lindqvist from globex in lyon cannot open teams.");
  ASSERT_FALSE(lower.empty());
  for (const auto& [type, text] : lower) {
    EXPECT_TRUE(type == "PERSON" && text.find("ingrid") == 0) << "lower case: only words on a name list: " << text;
  }
  // A greeting names its reader in lower-case text too, when the name is on a list.
  using Pair = std::pair<std::string, std::string>;
  EXPECT_EQ(Found(*m, "hi mark, teams cannot open."), (Pairs{Pair{"PERSON", "mark"}})) << "a common word too";
  EXPECT_EQ(Found(*m, "hello kenji weber! teams cannot open.").front(), (Pair{"PERSON", "kenji weber"}));
  EXPECT_TRUE(Found(*m, "hi will you open teams").empty());
  // A lower-case surname off the lists goes with the listed first name before it.
  EXPECT_EQ(Found(*m, "hi, ingrid kowalczyk from globex in lyon cannot open teams.").front(),
            (std::pair<std::string, std::string>{"PERSON", "ingrid kowalczyk"}));
  const std::string path = TempPath("g.flner");
  ASSERT_TRUE(m->Save(path).ok());
  auto back = NerModel::Load(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Found(*back, "Hi, Ingrid Lindqvist from Globex in Lyon cannot open Teams."),
            Found(*m, "Hi, Ingrid Lindqvist from Globex in Lyon cannot open Teams."));
}

// A listed first name the tagger leaves out, just before a name it finds, joins it: a
// model trained to tag only surnames still reports "Kenji Weber".
TEST(NerTest, AListedFirstNameJoinsTheNameAfterIt) {
  std::vector<TaggedSentence> data = Corpus(300, 0);
  for (TaggedSentence& s : data) {
    for (auto& [token, tag] : s) tag = tag == "B-PERSON" ? "O" : tag == "I-PERSON" ? "B-PERSON" : tag;
  }
  NerTrainOptions options{.epochs = 5};
  options.gazetteer = TestGazetteer();
  auto m = NerModel::Train(data, options);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  using Pair = std::pair<std::string, std::string>;
  EXPECT_EQ(Found(*m, "Hi, Kenji Weber from Globex in Lyon cannot open Teams.").front(), (Pair{"PERSON", "Kenji Weber"}));
  EXPECT_EQ(Found(*m, "Hi, Pedro Weber from Globex in Lyon cannot open Teams.").front(), (Pair{"PERSON", "Weber"}))
      << "Pedro is on no list";
}

// Emoji and symbols are never part of a name, nor a name of their own.
TEST(NerTest, EmojiAreNoNames) {
  // A tagger taught (wrongly) that emoji go on a name and stand for one, as a real one
  // may come to think from a name's neighbours.
  std::vector<TaggedSentence> corpus = Corpus(300, 0);
  for (int i = 0; i < 100; ++i) {
    corpus.push_back({{"Hi", "O"}, {",", "O"}, {"Kenji", "B-PERSON"}, {"Weber", "I-PERSON"},
                      {"\xF0\x9F\x98\x80", "I-PERSON"}, {"\xE2\x9C\xA8", "B-PERSON"}, {"from", "O"},
                      {"Globex", "B-ORGANIZATION"}});
  }
  auto m = NerModel::Train(corpus, {.epochs = 5});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  for (const auto& [type, value] : Found(*m, "Hi, Kenji Weber \xF0\x9F\x98\x80 \xE2\x9C\xA8 from Globex in Lyon")) {
    EXPECT_EQ(value.find('\xF0'), std::string::npos) << type << " " << value;
    EXPECT_EQ(value.find('\xE2'), std::string::npos) << type << " " << value;
  }
  EXPECT_TRUE(Found(*m, "Hi, \xE2\x9C\xA8 \xF0\x9F\x98\x80 from Globex").size() <= 1) << "only Globex";
}

// In lower-case text an introduction names its writer: after "my name is" a listed first
// name or a word that is no common word; after "call me" only a listed first name.
TEST(NerTest, LowerCaseIntroductionsNameTheirWriter) {
  NerTrainOptions options{.epochs = 5};
  options.gazetteer = TestGazetteer();
  auto m = NerModel::Train(Corpus(300, 0), options);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(Found(*m, "my name is vitoria"), (Pairs{{"PERSON", "vitoria"}}));
  EXPECT_EQ(Found(*m, "hi all, my name is mark"), (Pairs{{"PERSON", "mark"}})) << "a listed first name";
  EXPECT_EQ(Found(*m, "my name's ingrid lindqvist"), (Pairs{{"PERSON", "ingrid lindqvist"}}));
  EXPECT_EQ(Found(*m, "please call me maria"), (Pairs{{"PERSON", "maria"}}));
  EXPECT_TRUE(Found(*m, "my name is will be changed").empty()) << "a common word";
  EXPECT_TRUE(Found(*m, "call me vitoria").empty()) << "not a listed first name";
}

// In lower case, a listed surname that is also a common word goes with a listed first name
// when the phrase ends after it ("reported by anna berg"), not when it reads as a word
// ("anna will call").
TEST(NerTest, ALowerCaseListedSurnameEndingAPhraseIsTheNames) {
  const std::string path = TempPath("surnames.tsv");
  std::ofstream(path) << "first\tanna\nfirst\tlisa\nlast\tberg\nlast\twill\nlast\tbrown\n"
                         "word\tberg\nword\twill\nword\tbrown\n";
  auto gazetteer = ReadGazetteer(path);
  ASSERT_TRUE(gazetteer.ok()) << gazetteer.status().ToString();
  std::vector<TaggedSentence> corpus;
  const char* first[] = {"anna", "lisa"};
  const char* last[] = {"berg", "brown", "will"};
  for (int i = 0; i < 300; ++i) {
    corpus.push_back({{"reported", "O"}, {"by", "O"}, {first[i % 2], "B-PERSON"}, {last[i % 3], "I-PERSON"},
                      {"from", "O"}, {"sales", "O"}});
  }
  NerTrainOptions options{.epochs = 5};
  options.gazetteer = *gazetteer;
  auto m = NerModel::Train(corpus, options);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(Found(*m, "reported by anna berg from sales"), (Pairs{{"PERSON", "anna berg"}}));
  EXPECT_EQ(Found(*m, "reported by lisa brown"), (Pairs{{"PERSON", "lisa brown"}}));
  EXPECT_EQ(Found(*m, "reported by anna will call"), (Pairs{{"PERSON", "anna"}}));
}

int PersonTags(const NerModel& m, const std::vector<TaggedSentence>& data) {
  int n = 0;
  for (const TaggedSentence& s : data) {
    std::vector<std::string> toks;
    for (const auto& p : s) toks.push_back(p.first);
    for (const std::string& t : m.TagTokens(toks)) n += t.find("PERSON") != std::string::npos;
  }
  return n;
}

// The PERSON bias is relative to the model's own score scale: a strong bias turns more
// tokens into names, and a bias outside [0, 1] is refused.
TEST(NerTest, PersonBiasLeansTowardsNames) {
  auto plain = NerModel::Train(Corpus(300, 0), {.epochs = 5, .person_bias = 0});
  auto leaning = NerModel::Train(Corpus(300, 0), {.epochs = 5, .person_bias = 0.6});
  ASSERT_TRUE(plain.ok() && leaning.ok());
  const std::vector<TaggedSentence> test = Corpus(50, 1000);
  EXPECT_GT(PersonTags(*leaning, test), PersonTags(*plain, test));
  EXPECT_EQ(NerModel::Train(Corpus(10, 0), {.person_bias = 2}).status().code(), StatusCode::kInvalidArgument);
}

TEST(NerTest, IdentifiersGluedToCodePunctuationAreNotNames) {
  auto m = NerModel::Train(Corpus(300, 0), {.epochs = 5});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(Found(*m, "bounds=Maria(0, 0) cfg.Maria_Lopez=1").empty());
  EXPECT_EQ(Found(*m, "Hi, Maria Lopez from Globex").front().second, "Maria Lopez");
}

// Files written before the gazetteer ("FLNER1") still load.
TEST(NerTest, LoadsVersionOneFiles) {
  const std::string header = R"({"format":"frontline-ner","version":1,"bucket_bits":10,"tags":["O","B-PERSON",)"
                             R"("I-PERSON","B-LOCATION","I-LOCATION","B-ORGANIZATION","I-ORGANIZATION"]})";
  std::string bytes = "FLNER1\n";
  const uint32_t hl = static_cast<uint32_t>(header.size()), rows = 0;
  bytes.append(reinterpret_cast<const char*>(&hl), 4);
  bytes += header;
  bytes.append(reinterpret_cast<const char*>(&rows), 4);
  const uint64_t sum = Hash64(bytes);
  bytes.append(reinterpret_cast<const char*>(&sum), 8);
  const std::string path = TempPath("v1.flner");
  std::ofstream(path, std::ios::binary) << bytes;
  auto m = NerModel::Load(path);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->TagTokens({"Maria", "Lopez"}), (std::vector<std::string>{"O", "O"}));
}

TEST(NerTest, TokensKeepAbbreviationPeriods) {
  const std::string text = "Dr. Anna O'Neil-Smith, T. Berg. ok";
  std::vector<std::string> toks;
  for (const auto& [s, e] : NerTokens(text)) toks.push_back(text.substr(s, e - s));
  EXPECT_EQ(toks, (std::vector<std::string>{"Dr.", "Anna", "O'Neil-Smith", ",", "T.", "Berg.", "ok"}));
}

// A possessive is a token of its own, so that "John's laptop" shows the tagger "John".
TEST(NerTest, PossessivesAreTokensOfTheirOwn) {
  const std::string text = "John's laptop, Anna\xE2\x80\x99s phone, James' cat, O'Brien's. What's it\xE2\x80\x99s";
  std::vector<std::string> toks;
  for (const auto& [s, e] : NerTokens(text)) toks.push_back(text.substr(s, e - s));
  EXPECT_EQ(toks, (std::vector<std::string>{"John", "'s", "laptop", ",", "Anna", "\xE2\x80\x99s", "phone", ",",
                                            "James", "'", "cat", ",", "O'Brien", "'s", ".", "What's",
                                            "it\xE2\x80\x99s"}))
      << "a contraction of \"is\" stays whole";
  // Trained on possessives written apart, the tagger finds the name before a glued one.
  std::vector<TaggedSentence> corpus = Corpus(300, 0);
  const char* first[] = {"Maria", "Johan", "Priya", "Olga", "Pedro"};
  const char* last[] = {"Lopez", "Berg", "Sharma", "Petrov", "Silva"};
  for (int i = 0; i < 100; ++i) {
    corpus.push_back({{first[i % 5], "B-PERSON"}, {last[(i * 3) % 5], "I-PERSON"}, {"'s", "O"}, {"laptop", "O"},
                      {"cannot", "O"}, {"open", "O"}, {"Outlook", "O"}, {".", "O"}});
  }
  auto m = NerModel::Train(corpus, {.epochs = 5});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const std::string path = TempPath("possessive.flner");
  ASSERT_TRUE(m->Save(path).ok());
  auto g = Guard::Create({.ner_model = path});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  std::vector<Span> spans;
  const std::string ticket = "Kenji Weber's laptop cannot open Outlook.";
  ASSERT_TRUE(g->Find(ticket, &spans).ok());
  ASSERT_FALSE(spans.empty());
  EXPECT_EQ(ticket.substr(spans[0].start, spans[0].end - spans[0].start), "Kenji Weber");
}

}  // namespace
}  // namespace fl::guard
