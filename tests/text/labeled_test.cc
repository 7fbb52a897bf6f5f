// LoadLabeledData (column mapping) and SplitList.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/temp_dir.h"
#include "text/text.h"

namespace fl::text {
namespace {

using Strings = std::vector<std::string>;

constexpr char kTickets[] =
    "id,subject,body,category,priority\n"
    "1,VPN down,Cannot connect,Network, P1 \n"
    "2,,Printer jams,Hardware,P3\n"
    "3,Outlook,,Software,P2\n"
    "4, , ,Software,P2\n"
    "5,Disk full,df shows 100%,  ,P1\n"
    "6,Laptop,\"Screen\nflickers\",Hardware,P2\n";

TEST(LoadLabeledData, JoinsTextColumnsAndTrimsLabels) {
  fl::testing::TempDir dir;
  const std::string path = dir.Write("tickets.csv", kTickets);
  ReadStats stats;
  auto d = LoadLabeledData(path, {{"subject", "body"}, {"category", "priority"}}, Skip(), &stats);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->texts, (Strings{"VPN down\nCannot connect", "Printer jams", "Outlook",
                               "Laptop\nScreen\nflickers"}));
  EXPECT_EQ(d->label_columns, (Strings{"category", "priority"}));
  ASSERT_EQ(d->labels.size(), 2u);
  EXPECT_EQ(d->labels[0], (Strings{"Network", "Hardware", "Software", "Hardware"}));
  EXPECT_EQ(d->labels[1], (Strings{"P1", "P3", "P2", "P2"}));
  EXPECT_EQ(d->row_lines, (std::vector<int64_t>{2, 3, 4, 7}));
  EXPECT_EQ(stats.rows_read, 4);
  EXPECT_EQ(stats.rows_skipped, 2);
  ASSERT_EQ(stats.skip_reasons.size(), 2u);
  EXPECT_EQ(stats.skip_reasons[0],
            path + ":5: empty text: columns 'subject', 'body' are all empty");
  EXPECT_EQ(stats.skip_reasons[1], path + ":6: column 'category': empty label");
}

TEST(LoadLabeledData, FirstBadRowIsAnErrorWithoutSkipping) {
  fl::testing::TempDir dir;
  const std::string path = dir.Write("tickets.csv", kTickets);
  auto d = LoadLabeledData(path, {{"subject", "body"}, {"category"}});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(d.status().message(),
                  "tickets.csv:5: empty text: columns 'subject', 'body' are all empty");

  auto one = LoadLabeledData(path, {{"body"}, {}});
  ASSERT_FALSE(one.ok());
  EXPECT_CONTAINS(one.status().message(), "tickets.csv:4: column 'body': empty text");

  auto label = LoadLabeledData(path, {{"subject", "body"}, {"category"}},
                               ReadOptions{.skip_bad_rows = false, .max_reasons = 5});
  ASSERT_FALSE(label.ok());
}

TEST(LoadLabeledData, UnlabelledMapping) {
  fl::testing::TempDir dir;
  auto d = LoadLabeledData(dir.Write("t.csv", "body\nhello\nworld\n"), {{"body"}, {}});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->texts, (Strings{"hello", "world"}));
  EXPECT_TRUE(d->labels.empty());
  EXPECT_TRUE(d->label_columns.empty());
}

TEST(LoadLabeledData, MissingColumnIsAnErrorEvenWhenSkipping) {
  fl::testing::TempDir dir;
  const std::string path = dir.Write("tickets.csv", kTickets);
  for (const ReadOptions& options : {ReadOptions{}, Skip()}) {
    auto d = LoadLabeledData(path, {{"subject", "bdy"}, {"category"}}, options);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
    EXPECT_CONTAINS(d.status().message(), "tickets.csv: no column 'bdy'");
    EXPECT_CONTAINS(d.status().message(),
                    "available columns: 'id', 'subject', 'body', 'category', 'priority'");
  }
  auto label = LoadLabeledData(path, {{"body"}, {"queue"}}, Skip());
  ASSERT_FALSE(label.ok());
  EXPECT_CONTAINS(label.status().message(), "no column 'queue'");
}

TEST(LoadLabeledData, MissingColumnSuggestsOtherCase) {
  fl::testing::TempDir dir;
  auto d = LoadLabeledData(dir.Write("t.csv", "Body,Category\nx,y\n"), {{"body"}, {}});
  ASSERT_FALSE(d.ok());
  EXPECT_CONTAINS(d.status().message(), "no column 'body' (did you mean 'Body'?)");
}

TEST(LoadLabeledData, DuplicateColumnIsAmbiguous) {
  fl::testing::TempDir dir;
  auto d = LoadLabeledData(dir.Write("t.csv", "text,text,label\na,b,c\n"), {{"text"}, {}});
  ASSERT_FALSE(d.ok());
  EXPECT_CONTAINS(d.status().message(), "column 'text' appears 2 times");
  // Other columns of the same file are fine.
  auto ok = LoadLabeledData(dir.Write("u.csv", "x,x,label\na,b,c\n"), {{"label"}, {}});
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST(LoadLabeledData, NoTextColumnsIsAnError) {
  fl::testing::TempDir dir;
  auto d = LoadLabeledData(dir.Write("t.csv", "a\nx\n"), {{}, {"a"}});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
}

TEST(LoadLabeledData, MissingFileIsNotFound) {
  fl::testing::TempDir dir;
  auto d = LoadLabeledData(dir.path() + "/absent.jsonl", {{"text"}, {}});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
}

TEST(LoadLabeledData, JsonlNumbersBoolsNullAndMissingKeys) {
  fl::testing::TempDir dir;
  const std::string path = dir.Write("t.jsonl",
                                     "{\"text\": \"a\", \"urgency\": 2, \"vip\": true}\n"
                                     "{\"text\": \"b\", \"urgency\": 1.5, \"vip\": false}\n"
                                     "{\"text\": \"c\", \"urgency\": null, \"vip\": true}\n"
                                     "{\"text\": \"d\", \"vip\": true}\n"
                                     "{\"urgency\": 3, \"vip\": true}\n"
                                     "{\"text\": [\"e\", \"f\"], \"urgency\": 0, \"vip\": false}\n");
  ReadStats stats;
  auto d = LoadLabeledData(path, {{"text"}, {"urgency", "vip"}}, Skip(), &stats);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->texts, (Strings{"a", "b", "e f"}));
  EXPECT_EQ(d->labels[0], (Strings{"2", "1.5", "0"}));
  EXPECT_EQ(d->labels[1], (Strings{"true", "false", "false"}));
  EXPECT_EQ(d->row_lines, (std::vector<int64_t>{1, 2, 6}));
  EXPECT_EQ(stats.rows_read, 3);
  EXPECT_EQ(stats.rows_skipped, 3);
  ASSERT_EQ(stats.skip_reasons.size(), 3u);
  EXPECT_EQ(stats.skip_reasons[0], path + ":3: column 'urgency': empty label (null or missing)");
  EXPECT_EQ(stats.skip_reasons[1], path + ":4: column 'urgency': empty label (null or missing)");
  EXPECT_EQ(stats.skip_reasons[2], path + ":5: column 'text': empty text");
}

TEST(LoadLabeledData, CountsReaderAndMappingSkipsTogether) {
  fl::testing::TempDir dir;
  const std::string path = dir.Write("t.csv",
                                     "text,label\n"
                                     "good,a\n"
                                     "ragged\n"
                                     "no label,\n"
                                     "bad \xFF utf8,b\n"
                                     "also good,b\n");
  ReadStats stats;
  auto d = LoadLabeledData(path, {{"text"}, {"label"}}, Skip(2), &stats);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->texts, (Strings{"good", "also good"}));
  EXPECT_EQ(stats.rows_read, 2);
  EXPECT_EQ(stats.rows_skipped, 3);
  ASSERT_EQ(stats.skip_reasons.size(), 2u);  // max_reasons
  EXPECT_CONTAINS(stats.skip_reasons[0], "t.csv:3: ragged row: 1 fields, header has 2");
  EXPECT_CONTAINS(stats.skip_reasons[1], "t.csv:5: column 'text': invalid UTF-8 at byte 4");
}

TEST(SplitList, TrimsAndDropsEmpties) {
  EXPECT_EQ(SplitList("a,b, c"), (Strings{"a", "b", "c"}));
  EXPECT_EQ(SplitList("  subject , body  "), (Strings{"subject", "body"}));
  EXPECT_EQ(SplitList(",,a,, ,b,"), (Strings{"a", "b"}));
  EXPECT_EQ(SplitList(""), Strings{});
  EXPECT_EQ(SplitList(" , "), Strings{});
  EXPECT_EQ(SplitList("one"), (Strings{"one"}));
  EXPECT_EQ(SplitList("first name,last name"), (Strings{"first name", "last name"}));
}

}  // namespace
}  // namespace fl::text
