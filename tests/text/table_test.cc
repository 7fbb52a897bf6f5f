// ReadTable: CSV/TSV/JSONL files, bad-row handling, error messages and codes.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/temp_dir.h"
#include "text/text.h"

namespace fl::text {
namespace {

using Fields = std::vector<std::string>;

TEST(ReadTable, MissingFileIsNotFound) {
  fl::testing::TempDir dir;
  auto t = ReadTable(dir.path() + "/nope.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_CONTAINS(t.status().message(), "nope.csv");
}

TEST(ReadTable, UnsupportedExtensionIsInvalidArgument) {
  fl::testing::TempDir dir;
  auto t = ReadTable(dir.Write("data.xlsx", "a,b\n"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(t.status().message(), "expected .csv, .tsv, .jsonl or .ndjson");
}

TEST(ReadTable, CsvWithBomCrlfQuotesAndHeader) {
  fl::testing::TempDir dir;
  const std::string path = dir.Write(
      "t.CSV",
      "\xEF\xBB\xBF" "id, subject ,body\r\n"
      "1,VPN down,\"Cannot connect, error \"\"809\"\"\"\r\n"
      "2,Printer,\"Line one\r\nLine two\"\r\n"
      "\r\n"
      "3,,x\r\n");
  ReadStats stats;
  auto t = ReadTable(path, {}, &stats);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->columns, (Fields{"id", "subject", "body"}));  // header names trimmed
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows[0], (Fields{"1", "VPN down", "Cannot connect, error \"809\""}));
  EXPECT_EQ(t->rows[1], (Fields{"2", "Printer", "Line one\r\nLine two"}));
  EXPECT_EQ(t->rows[2], (Fields{"3", "", "x"}));
  EXPECT_EQ(t->row_lines, (std::vector<int64_t>{2, 3, 6}));
  ASSERT_EQ(t->present.size(), 3u);
  EXPECT_EQ(t->present[2], (std::vector<bool>{true, true, true}));
  EXPECT_EQ(stats.rows_read, 3);
  EXPECT_EQ(stats.rows_skipped, 0);
}

TEST(ReadTable, TsvUsesTabs) {
  fl::testing::TempDir dir;
  auto t = ReadTable(dir.Write("t.tsv", "a\tb\nx, y\t\"q\tq\"\n"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->columns, (Fields{"a", "b"}));
  EXPECT_EQ(t->rows[0], (Fields{"x, y", "q\tq"}));
}

TEST(ReadTable, HeaderOnlyHasNoRows) {
  fl::testing::TempDir dir;
  auto t = ReadTable(dir.Write("t.csv", "a,b\n"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->columns.size(), 2u);
  EXPECT_TRUE(t->rows.empty());
}

TEST(ReadTable, EmptyCsvIsAnError) {
  fl::testing::TempDir dir;
  for (const char* contents : {"", "\xEF\xBB\xBF"}) {
    auto t = ReadTable(dir.Write("empty.csv", contents));
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    EXPECT_CONTAINS(t.status().message(), "empty.csv: empty file");
  }
}

TEST(ReadTable, BadHeaderIsAnErrorEvenWhenSkipping) {
  fl::testing::TempDir dir;
  auto t = ReadTable(dir.Write("h.csv", "a,\"b\n1,2\n"), Skip());
  ASSERT_FALSE(t.ok());
  EXPECT_CONTAINS(t.status().message(), "h.csv:1: header: unterminated quoted field 2");
  auto u = ReadTable(dir.Write("u.csv", "a,b\xC0\n1,2\n"), Skip());
  ASSERT_FALSE(u.ok());
  EXPECT_CONTAINS(u.status().message(), "u.csv:1: header: column 2: invalid UTF-8 at byte 1");
}

TEST(ReadTable, RaggedRowNamesFileLineAndCounts) {
  fl::testing::TempDir dir;
  const std::string path = dir.Write("tickets.csv",
                                     "id,subject,body,category\n"
                                     "1,a,b,c\n"
                                     "2,\"multi\nline\",b,c\n"
                                     "3,a,b\n"
                                     "4,a,b,c,d\n");
  auto t = ReadTable(path);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(t.status().message(), "tickets.csv:5: ragged row: 3 fields, header has 4");

  ReadStats stats;
  auto s = ReadTable(path, Skip(), &stats);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rows.size(), 2u);
  EXPECT_EQ(s->row_lines, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(stats.rows_read, 2);
  EXPECT_EQ(stats.rows_skipped, 2);
  ASSERT_EQ(stats.skip_reasons.size(), 2u);
  EXPECT_CONTAINS(stats.skip_reasons[0], "tickets.csv:5: ragged row: 3 fields, header has 4");
  EXPECT_CONTAINS(stats.skip_reasons[1], "tickets.csv:6: ragged row: 5 fields, header has 4");
}

TEST(ReadTable, InvalidUtf8NamesFileLineColumnAndByte) {
  fl::testing::TempDir dir;
  std::string csv = "id,body\n";
  for (int i = 2; i <= 11; ++i) csv += std::to_string(i) + ",fine\n";
  csv += "12,\"Server \xC3\x28 down\"\n";  // bad byte at offset 7 of the body
  const std::string path = dir.Write("tickets.csv", csv);
  auto t = ReadTable(path);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(t.status().message(), "tickets.csv:12: column 'body': invalid UTF-8 at byte 7");

  ReadStats stats;
  auto s = ReadTable(path, Skip(), &stats);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->rows.size(), 10u);
  EXPECT_EQ(stats.rows_skipped, 1);
}

TEST(ReadTable, OverlongAndSurrogateBytesAreRejected) {
  fl::testing::TempDir dir;
  auto overlong = ReadTable(dir.Write("o.csv", "a\nx\xC0\xAF\n"));
  ASSERT_FALSE(overlong.ok());
  EXPECT_CONTAINS(overlong.status().message(), "o.csv:2: column 'a': invalid UTF-8 at byte 1");
  auto surrogate = ReadTable(dir.Write("s.csv", "a\n\xED\xA0\x80\n"));
  ASSERT_FALSE(surrogate.ok());
  EXPECT_CONTAINS(surrogate.status().message(), "s.csv:2: column 'a': invalid UTF-8 at byte 0");
}

TEST(ReadTable, MalformedCsvRecordsAreBadRows) {
  fl::testing::TempDir dir;
  const std::string path = dir.Write("m.csv",
                                     "a,b\n"
                                     "1,x\"y\n"
                                     "2,\"ok\"\n"
                                     "3,\"never closed\n"
                                     "4,fine\n");
  auto t = ReadTable(path);
  ASSERT_FALSE(t.ok());
  EXPECT_CONTAINS(t.status().message(), "m.csv:2: unexpected '\"' inside unquoted field 2");

  ReadStats stats;
  auto s = ReadTable(path, Skip(), &stats);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->rows.size(), 2u);
  EXPECT_EQ(s->rows[0], (Fields{"2", "ok"}));
  EXPECT_EQ(s->rows[1], (Fields{"4", "fine"}));
  EXPECT_EQ(s->row_lines, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(stats.rows_skipped, 2);
  ASSERT_EQ(stats.skip_reasons.size(), 2u);
  EXPECT_CONTAINS(stats.skip_reasons[1], "m.csv:4: unterminated quoted field 2");
}

TEST(ReadTable, KeepsOnlyTheFirstReasonsButCountsAll) {
  fl::testing::TempDir dir;
  std::string csv = "a,b\n";
  for (int i = 0; i < 10; ++i) csv += "only-one-field\n";
  csv += "x,y\n";
  ReadStats stats;
  stats.rows_skipped = 99;  // overwritten, not added to
  auto t = ReadTable(dir.Write("r.csv", csv), Skip(3), &stats);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(stats.rows_read, 1);
  EXPECT_EQ(stats.rows_skipped, 10);
  ASSERT_EQ(stats.skip_reasons.size(), 3u);
  EXPECT_CONTAINS(stats.skip_reasons[0], "r.csv:2:");
  EXPECT_CONTAINS(stats.skip_reasons[2], "r.csv:4:");
}

TEST(ReadTable, JsonlValuesBecomeText) {
  fl::testing::TempDir dir;
  const std::string path = dir.Write(
      "t.jsonl",
      "\xEF\xBB\xBF{\"text\": \"VPN down\", \"n\": 42, \"f\": 3.5, \"b\": true, \"z\": null}\n"
      "\n"
      "   \r\n"
      "{\"b\": false, \"tags\": [\"vpn\", null, \"outlook\", 7], \"o\": {\"k\": 1}}\r\n"
      "{\"text\": \"caf\\u00e9 \\\"q\\\"\", \"neg\": -7}");
  ReadStats stats;
  auto t = ReadTable(path, {}, &stats);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // Columns in order of first appearance.
  EXPECT_EQ(t->columns, (Fields{"text", "n", "f", "b", "z", "tags", "o", "neg"}));
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->row_lines, (std::vector<int64_t>{1, 4, 5}));
  EXPECT_EQ(t->rows[0], (Fields{"VPN down", "42", "3.5", "true", "", "", "", ""}));
  EXPECT_EQ(t->present[0],
            (std::vector<bool>{true, true, true, true, false, false, false, false}));
  EXPECT_EQ(t->rows[1], (Fields{"", "", "", "false", "", "vpn outlook 7", "{\"k\":1}", ""}));
  EXPECT_EQ(t->present[1],
            (std::vector<bool>{false, false, false, true, false, true, true, false}));
  EXPECT_EQ(t->rows[2][0], "caf\xC3\xA9 \"q\"");
  EXPECT_EQ(t->rows[2][7], "-7");
  EXPECT_EQ(stats.rows_read, 3);
}

TEST(ReadTable, JsonlBadLines) {
  fl::testing::TempDir dir;
  const std::string path = dir.Write("bad.ndjson",
                                     "{\"text\": \"ok\"}\n"
                                     "[1, 2]\n"
                                     "42\n"
                                     "{\"text\": oops}\n"
                                     "{\"text\": \"ok\"} trailing\n"
                                     "{\"text\": \"\\ud800\"}\n"
                                     "{\"id\": 1, \"body\": \"abc\xFF" "def\"}\n"
                                     "{\"bad\xFFkey\": 1}\n"
                                     "{\"text\": \"fine\"}\n");
  auto t = ReadTable(path);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(t.status().message(), "bad.ndjson:2: expected a JSON object, found array");

  ReadStats stats;
  auto s = ReadTable(path, Skip(10), &stats);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->row_lines, (std::vector<int64_t>{1, 9}));
  EXPECT_EQ(stats.rows_skipped, 7);
  ASSERT_EQ(stats.skip_reasons.size(), 7u);
  EXPECT_CONTAINS(stats.skip_reasons[0], "bad.ndjson:2: expected a JSON object, found array");
  EXPECT_CONTAINS(stats.skip_reasons[1], "bad.ndjson:3: expected a JSON object, found number");
  EXPECT_CONTAINS(stats.skip_reasons[2], "bad.ndjson:4: invalid JSON");
  EXPECT_CONTAINS(stats.skip_reasons[3], "bad.ndjson:5: invalid JSON");
  EXPECT_CONTAINS(stats.skip_reasons[4], "bad.ndjson:6: invalid JSON");  // lone surrogate
  EXPECT_CONTAINS(stats.skip_reasons[5], "bad.ndjson:7: column 'body': invalid UTF-8 at byte 3");
  EXPECT_CONTAINS(stats.skip_reasons[6], "bad.ndjson:8: invalid UTF-8 at byte 5 of the line");
}

TEST(ReadTable, EmptyJsonlHasNoColumns) {
  fl::testing::TempDir dir;
  auto t = ReadTable(dir.Write("e.jsonl", "\n\n"));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->columns.empty());
  EXPECT_TRUE(t->rows.empty());
}

}  // namespace
}  // namespace fl::text
