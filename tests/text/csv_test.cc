#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "text/text.h"

namespace fl::text {
namespace {

using Fields = std::vector<std::string>;

// One record as the reader returns it.
struct Record {
  Fields fields;
  std::string error;
  int64_t line;
};

std::vector<Record> ReadAll(std::string_view data, char delimiter = ',') {
  CsvReader reader(data, delimiter);
  std::vector<Record> out;
  Fields fields;
  std::string error;
  while (reader.Next(&fields, &error)) out.push_back({fields, error, reader.record_line()});
  return out;
}

TEST(CsvReader, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ReadAll("").empty());
  EXPECT_TRUE(ReadAll("\xEF\xBB\xBF").empty());
}

TEST(CsvReader, SimpleRecordsWithAndWithoutTrailingNewline) {
  for (const char* data : {"a,b,c\n1,2,3\n", "a,b,c\n1,2,3"}) {
    const auto r = ReadAll(data);
    ASSERT_EQ(r.size(), 2u) << data;
    EXPECT_EQ(r[0].fields, (Fields{"a", "b", "c"}));
    EXPECT_EQ(r[1].fields, (Fields{"1", "2", "3"}));
    EXPECT_EQ(r[0].line, 1);
    EXPECT_EQ(r[1].line, 2);
    EXPECT_TRUE(r[1].error.empty());
  }
}

TEST(CsvReader, EmptyFields) {
  const auto r = ReadAll(",x,,\n\"\",\"\"\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"", "x", "", ""}));
  EXPECT_EQ(r[1].fields, (Fields{"", ""}));
}

TEST(CsvReader, QuotedCommasQuotesAndNewlines) {
  const auto r = ReadAll(
      "id,body\n"
      "1,\"Hello, world\"\n"
      "2,\"She said \"\"hi\"\"\"\n"
      "3,\"line one\nline two\r\nline three\"\n"
      "4,\"\"\"\"\n"
      "5,end\n");
  ASSERT_EQ(r.size(), 6u);
  for (const Record& rec : r) EXPECT_EQ(rec.error, "");
  EXPECT_EQ(r[1].fields, (Fields{"1", "Hello, world"}));
  EXPECT_EQ(r[2].fields, (Fields{"2", "She said \"hi\""}));
  EXPECT_EQ(r[3].fields, (Fields{"3", "line one\nline two\r\nline three"}));
  EXPECT_EQ(r[4].fields, (Fields{"4", "\""}));
  EXPECT_EQ(r[5].fields, (Fields{"5", "end"}));
  // Lines count physical lines, including those inside quoted fields.
  EXPECT_EQ(r[3].line, 4);
  EXPECT_EQ(r[4].line, 7);
  EXPECT_EQ(r[5].line, 8);
}

TEST(CsvReader, CrlfLineEndings) {
  const auto r = ReadAll("a,b\r\n1,\"x\"\r\n\"y\",2\r\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ(r[1].fields, (Fields{"1", "x"}));
  EXPECT_EQ(r[2].fields, (Fields{"y", "2"}));
  EXPECT_EQ(r[2].line, 3);
}

TEST(CsvReader, LoneCarriageReturnIsLiteralInsideUnquotedField) {
  const auto r = ReadAll("a\rb,c\r,d\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, (Fields{"a\rb", "c\r", "d"}));
  const auto at_end = ReadAll("a,b\r");
  ASSERT_EQ(at_end.size(), 1u);
  EXPECT_EQ(at_end[0].fields, (Fields{"a", "b"}));
}

TEST(CsvReader, BomIsSkipped) {
  const auto r = ReadAll("\xEF\xBB\xBFid,text\n1,x\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"id", "text"}));
  EXPECT_EQ(r[0].line, 1);
  // A BOM anywhere else is data.
  const auto mid = ReadAll("a\n\xEF\xBB\xBF" "b\n");
  ASSERT_EQ(mid.size(), 2u);
  EXPECT_EQ(mid[1].fields, (Fields{"\xEF\xBB\xBF" "b"}));
}

TEST(CsvReader, BlankLineIsOneEmptyField) {
  const auto r = ReadAll("a\n\nb\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].fields, (Fields{""}));
  EXPECT_EQ(r[2].line, 3);
}

TEST(CsvReader, TabDelimiter) {
  const auto r = ReadAll("a\tb,c\n\"x\ty\"\t2\n", '\t');
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "b,c"}));
  EXPECT_EQ(r[1].fields, (Fields{"x\ty", "2"}));
}

TEST(CsvReader, UnterminatedQuoteIsAnErrorAndResyncsAtTheNextLine) {
  const auto r = ReadAll("h1,h2\n1,\"open\n2,fine\n3,also fine\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[1].line, 2);
  EXPECT_NE(r[1].error.find("unterminated quoted field 2"), std::string::npos) << r[1].error;
  EXPECT_NE(r[1].error.find("opened on line 2"), std::string::npos) << r[1].error;
  EXPECT_EQ(r[2].error, "");
  EXPECT_EQ(r[2].fields, (Fields{"2", "fine"}));
  EXPECT_EQ(r[2].line, 3);
  EXPECT_EQ(r[3].line, 4);
}

TEST(CsvReader, QuoteInsideUnquotedFieldIsAnError) {
  const auto r = ReadAll("a,b\"c,d\nnext,row\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NE(r[0].error.find("unexpected '\"' inside unquoted field 2"), std::string::npos)
      << r[0].error;
  EXPECT_EQ(r[1].error, "");
  EXPECT_EQ(r[1].fields, (Fields{"next", "row"}));
  EXPECT_EQ(r[1].line, 2);
}

TEST(CsvReader, TextAfterClosingQuoteIsAnError) {
  const auto r = ReadAll("\"ab\"c,d\nok,1\n\"x\" ,y\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_NE(r[0].error.find("after the closing quote of field 1"), std::string::npos)
      << r[0].error;
  EXPECT_EQ(r[1].fields, (Fields{"ok", "1"}));
  EXPECT_EQ(r[1].line, 2);
  EXPECT_NE(r[2].error.find("after the closing quote"), std::string::npos);
  EXPECT_EQ(r[2].line, 3);
}

TEST(CsvReader, ErrorAfterMultiLineFieldResyncsAndKeepsLineNumbers) {
  const auto r = ReadAll("\"a\nb\"x\nok\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NE(r[0].error, "");
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[1].fields, (Fields{"ok"}));
  EXPECT_EQ(r[1].line, 3);
}

TEST(CsvReader, NextAtEndLeavesFieldsUntouched) {
  CsvReader reader("x\n");
  Fields fields;
  std::string error;
  ASSERT_TRUE(reader.Next(&fields, &error));
  EXPECT_FALSE(reader.Next(&fields, &error));
  EXPECT_EQ(fields, (Fields{"x"}));
}

// Arbitrary bytes from the alphabet that matters to the parser: every input must end,
// records must start on non-decreasing lines, and no record may start past the last line.
TEST(CsvReader, TerminatesOnArbitraryInput) {
  const char alphabet[] = {'"', ',', '\n', '\r', 'a', ' ', '\xEF', '\xBB', '\xBF', '\t'};
  uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  for (int iter = 0; iter < 5000; ++iter) {
    std::string data(next() % 48, ' ');
    for (char& c : data) c = alphabet[next() % sizeof alphabet];
    const int64_t lines = 1 + static_cast<int64_t>(std::count(data.begin(), data.end(), '\n'));
    CsvReader reader(data, iter % 2 == 0 ? ',' : '\t');
    Fields fields;
    std::string error;
    int64_t last_line = 0, records = 0;
    while (reader.Next(&fields, &error)) {
      ASSERT_GE(reader.record_line(), last_line) << data;
      ASSERT_LE(reader.record_line(), lines) << data;
      last_line = reader.record_line();
      ASSERT_LE(++records, lines) << data;
    }
  }
}

}  // namespace
}  // namespace fl::text
